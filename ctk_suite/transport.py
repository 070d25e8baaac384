"""The `requests` session under the suite: timeouts, TLS verification, proxies, deadline-watched connections.

Credentials are added on top by `ctk_suite.auth`.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import requests
import urllib3

from ctk_suite import USER_AGENT
from ctk_suite.deadline import WatchedAdapter
from ctk_suite.profile import Profile

if TYPE_CHECKING:
    from requests.sessions import _Settings


class ProfileSession(requests.Session):
    """A session whose defaults come from the profile: a timeout on every request, and the profile's
    TLS verification and proxies even when REQUESTS_CA_BUNDLE or HTTPS_PROXY are set (requests gives
    the environment precedence over `Session.verify` and `Session.proxies`, psf/requests#3829)."""

    def __init__(self, timeout: tuple[float, float]) -> None:
        super().__init__()
        self.timeout = timeout

    def close(self) -> None:
        """Also close what the auth owns (the token endpoint's session of an OAuth2 auth)."""
        close = getattr(self.auth, "close", None)
        if callable(close):
            close()
        super().close()

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
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


def plain_session(timeout: tuple[float, float]) -> ProfileSession:
    """A session with timeouts and deadline-watched connections, nothing else (no auth, default TLS)."""
    session = ProfileSession(timeout)
    session.headers["User-Agent"] = USER_AGENT  # `tmf622-ctk/<version>`: a server's logs can tell who called
    for prefix in ("http://", "https://"):
        session.mount(prefix, WatchedAdapter())  # see ctk_suite.deadline: a hard limit per exchange
    return session


def transport_session(profile: Profile) -> ProfileSession:
    """TLS, client certificate, proxies, timeouts; no headers or auth (also serves the token endpoint)."""
    session = plain_session(profile.timeouts.as_requests())
    tls = profile.tls
    session.verify = str(tls.ca_bundle) if tls.verify and tls.ca_bundle else tls.verify
    if tls.client_cert is not None:  # mutual TLS
        session.cert = (str(tls.client_cert), str(tls.client_key)) if tls.client_key else str(tls.client_cert)
    session.proxies.update(profile.proxies)
    return session
