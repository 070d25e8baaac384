"""The suite session: the resolved profile, the secrets to mask, the HTTP client, all fixed once built.

Built once, at the first unit to run, by `open_session`: the embedded mock is started (when the profile
says so), the client is made with the profile's auth and TLS, and a pre-flight request proves the target
answers and accepts the credentials before any kit runs (exit 4 otherwise, one line).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ctk_suite.config.profile import Profile
from ctk_suite.config.target import aimed_at
from ctk_suite.core.redaction import SecretRegistry, redact_text, redact_url
from ctk_suite.engine.cleanup import CreatedOrders
from ctk_suite.engine.mock_process import EmbeddedMock
from ctk_suite.http.auth import build_session
from ctk_suite.http.client import Exchange, HttpClient, Limits

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
    """One GET before the kits run (the OAuth2 token is fetched by it); TargetUnusable when it fails."""
    exchange = session.client.send("GET", session.api_url + PREFLIGHT_PATH, headers, None)
    if reason := unusable(exchange):
        raise TargetUnusable(redact_text(reason, session.registry))


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
