"""The `requests` session under the suite: timeouts, TLS verification, proxies, deadline-watched connections;
it applies the origin rule (origin.py) to every request and every redirect.

Credentials are added on top by `ctk_suite.http.auth`.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import requests
import urllib3

from ctk_suite.core.version import USER_AGENT
from ctk_suite.http.deadline import WatchedAdapter
from ctk_suite.http.origin import Origin, OtherOriginRefused, origin_of, require_origin
from ctk_suite.http.settings import HttpSettings

if TYPE_CHECKING:
    from requests.sessions import _Settings


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
        try:
            require_origin(urljoin(resp.request.url, location), origin_of(resp.request.url), resp.status_code)
        except OtherOriginRefused:
            resp.close()
            raise
        return location

    def close(self) -> None:
        """Also close what the auth owns (the token endpoint's session of an OAuth2 auth)."""
        close = getattr(self.auth, "close", None)
        if callable(close):
            close()
        super().close()

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if self.origin is not None:
            require_origin(request.url or "", self.origin)
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
