"""The `requests` session under the suite: timeouts, TLS verification, proxies, deadline-watched connections,
and the origin rule that keeps credentials with the origin they were configured for.

Credentials are added on top by `ctk_suite.http.auth`.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from ctk_suite.core.version import USER_AGENT
from ctk_suite.http.deadline import WatchedAdapter
from ctk_suite.http.settings import HttpSettings

if TYPE_CHECKING:
    from requests.sessions import _Settings

#: Bodies beyond this are not read (a TMF622 page of orders, or a token answer, is far smaller).
MAX_BODY_BYTES = 5 * 1024 * 1024
_DEFAULT_PORTS = {"http": 80, "https": 443}
_CHUNK = 64 * 1024


class Origin(NamedTuple):
    """RFC 6454 origin: scheme, host and port (the default port of the scheme when none is written)."""

    scheme: str
    host: str
    port: int | None

    def __str__(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"


def origin_of(url: str) -> Origin:
    """The origin of `url` as `requests` would send it (host lower-cased and IDNA-encoded)."""
    try:
        prepared = requests.Request("GET", url).prepare().url or url
    except requests.RequestException:  # not a URL requests can send: compare it as written
        prepared = url
    parts = urlsplit(prepared)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: no origin matches it
        port = -1
    return Origin(scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme))


class OtherOriginRefused(requests.RequestException):
    """A redirect (or a request) to an origin the session's credentials were not configured for.

    Not followed, whatever the status (301, 302, 303, 307, 308): the exchange fails and names the target.
    """

    def __init__(self, target: str, allowed: Origin, status: int | None = None) -> None:
        what = f"HTTP {status} redirect to" if status is not None else "request to"
        super().__init__(
            f"{what} another origin refused: {target} (the credentials are only sent to {allowed})"
        )
        self.target = target
        self.status = status


class BodyTooLarge(Exception):
    """The body went past the size limit; what was read is kept, the rest is not read."""


class CappedBody:
    """A response body as it arrives, cut at the size limit."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self.size = 0
        self.truncated = False

    def read(self, response: requests.Response, limit: int = MAX_BODY_BYTES) -> None:
        """Read the whole body of a streamed response; BodyTooLarge past `limit` bytes."""
        for chunk in response.iter_content(_CHUNK):
            self._chunks.append(chunk[: limit - self.size + 1])
            self.size += len(self._chunks[-1])
            if self.size > limit:
                self.truncated = True
                raise BodyTooLarge(limit)

    def content(self) -> bytes:
        """What was read, without the byte that proved the body too large."""
        body = b"".join(self._chunks)
        return body[:-1] if self.truncated else body


class ProfileSession(requests.Session):
    """A session whose defaults come from the profile: a timeout on every request, and the profile's
    TLS verification and proxies even when REQUESTS_CA_BUNDLE or HTTPS_PROXY are set (requests gives
    the environment precedence over `Session.verify` and `Session.proxies`, psf/requests#3829).

    The origin rule (docs/verdicts-and-credentials.md): a redirect is followed only within the origin
    of the request that got it, and a session given an `origin` sends nothing anywhere else. `requests`
    itself strips only `Authorization` on a host change, and keeps every other header (API keys, the
    user's `--header`s) and the body (a token request's client secret on a 307).
    """

    def __init__(self, timeout: tuple[float, float], origin: Origin | None = None) -> None:
        super().__init__()
        self.timeout = timeout
        self.origin = origin

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        """The next hop of a redirect; OtherOriginRefused when it leaves the origin of `resp`'s request."""
        location = super().get_redirect_target(resp)
        if location is None or resp.request is None or resp.request.url is None:
            return location
        target = urljoin(resp.request.url, location)
        here = origin_of(resp.request.url)
        if origin_of(target) != here:
            resp.close()
            raise OtherOriginRefused(target, here, resp.status_code)
        return location

    def close(self) -> None:
        """Also close what the auth owns (the token endpoint's session of an OAuth2 auth)."""
        close = getattr(self.auth, "close", None)
        if callable(close):
            close()
        super().close()

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if self.origin is not None and origin_of(request.url or "") != self.origin:
            raise OtherOriginRefused(request.url or "", self.origin)
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        if kwargs.get("verify", self.verify) is not False:
            return super().send(request, **kwargs)
        with warnings.catch_warnings():
            # One line in the summary (tls_warning) says it instead of a warning on every request;
            # scoped here, not process-wide, so the setting cannot leak past the run.
            warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
            return super().send(request, **kwargs)

    def merge_environment_settings(
        self, url: str | bytes | None, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> _Settings:
        proxies_given = bool(proxies)  # before the base class fills the dict in with the environment's
        settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
        if verify is None and self.verify is not True:
            settings["verify"] = self.verify
        if not proxies_given and self.proxies:  # the same inversion for HTTPS_PROXY over Session.proxies
            settings["proxies"] = {**settings["proxies"], **self.proxies}
        return settings


def plain_session(timeout: tuple[float, float], origin: Origin | None = None) -> ProfileSession:
    """A session with timeouts and deadline-watched connections, nothing else (no auth, default TLS);
    bound to `origin` when given."""
    session = ProfileSession(timeout, origin)
    session.headers["User-Agent"] = USER_AGENT  # `tmf622-ctk/<version>`: a server's logs can tell who called
    for prefix in ("http://", "https://"):
        session.mount(prefix, WatchedAdapter())  # see ctk_suite.http.deadline: a hard limit per exchange
    return session


def transport_session(profile: HttpSettings, origin: Origin | None) -> ProfileSession:
    """TLS, client certificate, proxies, timeouts, bound to `origin`; no headers or auth (also serves
    the token endpoint, bound to the token URL's origin)."""
    session = plain_session(profile.timeouts.as_requests(), origin)
    tls = profile.tls
    session.verify = str(tls.ca_bundle) if tls.verify and tls.ca_bundle else tls.verify
    if tls.client_cert is not None:  # mutual TLS
        session.cert = (str(tls.client_cert), str(tls.client_key)) if tls.client_key else str(tls.client_cert)
    session.proxies.update(profile.proxies)
    return session
