"""The suite session: the resolved profile, the secrets to mask, the HTTP client, all fixed once built.

Built once, at the first unit to run, by `open_session`: the embedded mock is started (when the profile
says so), the client is made with the profile's auth and TLS, and a pre-flight request proves the target
answers and accepts the credentials before any kit runs (exit 4 otherwise, one line).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ctk_suite.config.profile import Profile, default_api_path
from ctk_suite.config.target import aimed_at
from ctk_suite.core.redaction import SecretRegistry, redact_text, redact_url
from ctk_suite.engine.cleanup import CreatedOrders
from ctk_suite.engine.mock_process import EmbeddedMock
from ctk_suite.http.auth import build_session
from ctk_suite.http.client import HttpClient, Limits
from ctk_suite.http.exchange import Exchange

#: The pre-flight request: one order at most, only its id (TMF630 `fields`, `limit`), so it is cheap anywhere.
PREFLIGHT_PATH = "productOrder?fields=id&limit=1"
_AUTH_REFUSED = frozenset({401, 403, 407})


class TargetUnusable(Exception):
    """The target cannot be tested at all (unreachable, credentials refused); the message says how to fix."""


@dataclass(frozen=True)
class SuiteSession:
    """What every kit shares during one run; immutable once built."""

    profile: Profile  # aimed at the embedded mock when that runs
    registry: SecretRegistry
    client: HttpClient
    created: CreatedOrders
    mock: EmbeddedMock | None

    @property
    def api_url(self) -> str:
        """The API root, ending with `/`."""
        return self.profile.target.api_url

    def close(self) -> None:
        """Release connections, stop the embedded mock."""
        self.client.close()
        if self.mock is not None:
            self.mock.stop()


def open_session(
    profile: Profile, registry: SecretRegistry, start_mock: Callable[[EmbeddedMock], str]
) -> SuiteSession:
    """The session for `profile`: the mock started if it names the embedded one, the client ready."""
    mock = None
    if profile.target.embedded_mock:
        mock = EmbeddedMock()
        profile = aimed_at(profile, start_mock(mock))
    limits = Limits(profile.timeouts.connect, profile.timeouts.read)
    client = HttpClient(build_session(profile.http, registry), limits, registry)
    created = CreatedOrders(profile.target.api_url)
    client.observe(created)
    return SuiteSession(profile, registry, client, created, mock)


def preflight(session: SuiteSession, headers: dict[str, str]) -> None:
    """One GET before the kits run (the OAuth2 token is fetched by it); TargetUnusable when it fails, when
    nothing is at the API root, or when the target serves another TMF622 version than the one certified."""
    exchange = session.client.send("GET", session.api_url + PREFLIGHT_PATH, headers, None)
    profile = session.profile
    reason = unusable(exchange) or no_api_there(exchange, profile) or other_version(exchange, profile)
    if reason:
        raise TargetUnusable(redact_text(reason, session.registry))


def no_api_there(exchange: Exchange, profile: Profile) -> str | None:
    """A 404 on `productOrder`: the base URL is not the API root (its path is missing or doubled)."""
    if exchange.status != 404:
        return None
    given = urlsplit(profile.target.api_url).path or "/"
    expected = default_api_path(profile.api_version) + "/"
    return (
        f"GET {redact_url(exchange.url)} answered HTTP 404: no productOrder collection there. The base URL "
        f"is the API root, the path before productOrder: TMF622 {profile.api_version} is usually served "
        f"under {expected}, the path given is {given}"
    )


#: What tells the versions apart in an order: v4 dates it `orderDate`, v5 `creationDate` (TMF622 v5.0.0
#: ProductOrder); and the version an API root names (`.../productOrderingManagement/v4/`).
_DATE_OF = {"4": "orderDate", "5": "creationDate"}
_ROOT_VERSION = re.compile(r"/v(?P<major>\d+)/?$")


def other_version(exchange: Exchange, profile: Profile) -> str | None:
    """The target answers another major version than the one certified: say which, and how it shows."""
    wanted = profile.api_version.partition(".")[0]
    served, evidence = _served_version(exchange)
    if served is None or served == wanted:
        return None
    return (
        f"the target answers TMF622 v{served} ({evidence}), but TMF622 {profile.api_version} is being "
        f"certified: give --api-version {served}.0.0, or the v{wanted} API root as the base URL"
    )


def _served_version(exchange: Exchange) -> tuple[str | None, str]:
    try:
        listed = json.loads(exchange.text)
    except ValueError:
        listed = None
    first = listed[0] if isinstance(listed, list) and listed and isinstance(listed[0], dict) else {}
    for major, date in _DATE_OF.items():
        if date in first and all(other not in first for other in _DATE_OF.values() if other != date):
            return major, f"its orders carry {date}"
    if match := _ROOT_VERSION.search(urlsplit(exchange.url).path.removesuffix("/productOrder")):
        return match["major"], f"its API root ends in /v{match['major']}"
    return None, ""


def unusable(exchange: Exchange) -> str | None:
    """Why the target cannot be tested at all, from the pre-flight's exchange; None when it answered."""
    where = redact_url(exchange.url)
    if exchange.error is not None:
        if exchange.error.startswith("auth error"):
            return f"{exchange.error} (check the profile's auth section and its environment variables)"
        return f"cannot reach {where}: {exchange.error} (check the base URL, the network and TLS settings)"
    if exchange.status in _AUTH_REFUSED:
        return (
            f"GET {where} answered HTTP {exchange.status}: the credentials were refused "
            "(check the profile's auth section, or --header)"
        )
    return None
