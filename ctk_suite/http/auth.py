"""Credentials and TLS for the suite's HTTP session: one `requests` auth per scheme, and `build_session`."""

from __future__ import annotations

import base64
import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

import requests
from requests.auth import AuthBase, HTTPBasicAuth

from ctk_suite.core.redaction import SecretRegistry, redact_text, redact_url, register_header
from ctk_suite.http.body import MAX_BODY_BYTES, BodyTooLarge, CappedBody
from ctk_suite.http.deadline import deadline
from ctk_suite.http.origin import Origin, OtherOriginRefused, origin_of
from ctk_suite.http.settings import (
    ApiKeyConfig,
    AuthConfig,
    BasicConfig,
    BearerConfig,
    HttpSettings,
    OAuth2Config,
)
from ctk_suite.http.transport import ProfileSession, transport_session

Clock = Callable[[], float]

#: A token is renewed this long before the `expires_in` its endpoint announced (clock skew, slow requests).
TOKEN_SAFETY_MARGIN_S = 30.0
_MAX_REASON_CHARS = 200


class AuthError(requests.RequestException):
    """Credentials could not be obtained. The message is one line and never holds a secret.

    A `RequestException`, so a client that records transport errors records this one the same way.
    """


class BearerAuth(AuthBase):
    """A fixed bearer token (RFC 6750 section 2.1)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(***)"


class ApiKeyAuth(AuthBase):
    """An API key sent in a header of the deployment's choosing."""

    def __init__(self, header: str, key: str) -> None:
        self.header = header
        self._key = key

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers[self.header] = self._key
        return request

    def __repr__(self) -> str:
        return f"ApiKeyAuth({self.header!r}, ***)"


@dataclass(frozen=True)
class _Answer:
    """The token endpoint's answer, read within the body cap."""

    status: int
    reason: str
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class _Token:
    value: str
    renew_at: float | None  # clock time after which it is fetched again; None: only after a 401


class OAuth2ClientCredentials(AuthBase):
    """OAuth 2.0 client credentials grant (RFC 6749 section 4.4) with the token cached between requests.

    The token is fetched on first use, renewed `safety_margin_s` before `expires_in` runs out, and
    renewed once when the API answers 401 (the request is then sent again, once).
    """

    def __init__(
        self,
        config: OAuth2Config,
        token_session: requests.Session,
        *,
        clock: Clock = time.monotonic,
        safety_margin_s: float = TOKEN_SAFETY_MARGIN_S,
        registry: SecretRegistry | None = None,
    ) -> None:
        self._config = config
        self._session = token_session
        self._clock = clock
        self._margin = safety_margin_s
        self._registry = registry
        self._lock = threading.Lock()
        self._token: _Token | None = None
        self._shown_url = redact_url(config.token_url)

    def close(self) -> None:
        """Close the token endpoint's session, which this object owns (ProfileSession.close calls it)."""
        self._session.close()

    def __repr__(self) -> str:
        return f"OAuth2ClientCredentials({self._shown_url!r}, client_id={self._config.client_id!r})"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token()}"
        request.register_hook("response", self._retry_once_on_401)  # type: ignore[no-untyped-call]
        return request

    def token(self) -> str:
        """The current access token, fetched when there is none or it is about to expire."""
        with self._lock:
            token = self._token
            if token is None or (token.renew_at is not None and self._clock() >= token.renew_at):
                token = self._token = self._fetch()
            return token.value

    def _discard(self, value: str) -> None:
        with self._lock:
            if self._token is not None and self._token.value == value:
                self._token = None

    def _retry_once_on_401(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        """Same pattern as `requests`' digest auth: resend through the adapter, which runs no hooks again."""
        if response.status_code != 401 or response.request is None or response.connection is None:
            return response
        used = str(response.request.headers.get("Authorization", "")).removeprefix("Bearer ")
        self._discard(used)
        response.content  # noqa: B018 (read the body so the connection goes back to the pool)
        response.close()
        retry = response.request.copy()
        retry.headers["Authorization"] = f"Bearer {self.token()}"
        second: requests.Response = response.connection.send(retry, **kwargs)
        second.history.append(response)
        second.request = retry
        return second

    def _fetch(self) -> _Token:
        started = self._clock()
        answer = self._post()
        value, lifetime = self._parse(answer)
        if self._registry is not None:
            self._registry.add(value)
        return _Token(value, None if lifetime is None else started + lifetime)

    def _post(self) -> _Answer:
        """The token request, under the API's rules: same origin only, body cap, whole-exchange deadline."""
        limit_s = sum(getattr(self._session, "timeout", None) or (10.0, 30.0))
        where = f"token endpoint {self._shown_url}"
        with deadline(limit_s) as watch:
            try:
                response = self._session.post(
                    self._config.token_url,
                    data=self._form(),
                    auth=self._client_auth(),
                    headers=_ACCEPT_JSON,
                    stream=True,
                )
                return _Answer(response.status_code, response.reason or "", self._read(response))
            except OtherOriginRefused as exc:
                raise AuthError(f"{where}: {self._scrub(str(exc))}") from None
            except BodyTooLarge:
                raise AuthError(f"{where} answered more than {MAX_BODY_BYTES} bytes: not read") from None
            except requests.RequestException as exc:
                if watch.expired:
                    raise AuthError(f"{where} gave no complete answer within {limit_s:g} s") from None
                detail = " ".join(self._scrub(str(exc)).split())[:_MAX_REASON_CHARS]
                raise AuthError(f"{where} unreachable: {detail}") from None

    @staticmethod
    def _read(response: requests.Response) -> bytes:
        body = CappedBody()
        try:
            body.read(response, MAX_BODY_BYTES)
        finally:
            response.close()
        return body.content()

    def _form(self) -> dict[str, str]:
        form = {"grant_type": "client_credentials"}
        form |= {key: value for key in ("scope", "audience") if (value := getattr(self._config, key))}
        if self._config.client_auth == "body":
            form |= {"client_id": self._config.client_id, "client_secret": self._config.client_secret.value}
        return form

    def _client_auth(self) -> HTTPBasicAuth | None:
        """RFC 6749 section 2.3.1: id and secret are form-encoded before they go into HTTP Basic."""
        if self._config.client_auth != "basic":
            return None
        return HTTPBasicAuth(quote_plus(self._config.client_id), quote_plus(self._config.client_secret.value))

    def _parse(self, response: _Answer) -> tuple[str, float | None]:
        """The token and how long to use it from a section 5.1 answer; AuthError for anything else."""
        where = f"token endpoint {self._shown_url}"
        if response.status != 200:
            raise AuthError(f"{where} answered {response.status}: {self._reason(response)}")
        try:
            body = response.json()
        except (ValueError, RecursionError):  # RecursionError: nested deeper than Python's stack
            raise AuthError(f"{where} answered 200 with a body that is not JSON") from None
        value = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(value, str) or not value:
            raise AuthError(f"{where} answered 200 without an access_token")
        kind = body.get("token_type", "bearer")
        if str(kind).lower() != "bearer":  # token_type is case-insensitive (RFC 6749 section 5.1)
            raise AuthError(
                f"{where} issued a {self._scrub(str(kind))!r} token; only bearer tokens are supported"
            )
        return value, self._lifetime(body.get("expires_in"))

    def _lifetime(self, expires_in: Any) -> float | None:
        try:
            seconds = float(expires_in)
        except (TypeError, ValueError, OverflowError):  # OverflowError: an integer past any float
            return None  # expires_in is only RECOMMENDED: keep the token until a 401
        if not math.isfinite(seconds):  # "nan", "inf": no lifetime either
            return None
        return max(seconds - self._margin, seconds / 2)

    def _reason(self, response: _Answer) -> str:
        """RFC 6749 section 5.2 `error` (and description), else the start of the body or the reason phrase."""
        try:
            body = response.json()
        except (ValueError, RecursionError):
            body = None
        if isinstance(body, dict) and body.get("error"):
            description = body.get("error_description")
            reason = f"{body['error']} ({description})" if description else str(body["error"])
        else:
            reason = response.text.strip() or response.reason or "no reason given"
        return " ".join(self._scrub(reason).split())[:_MAX_REASON_CHARS]

    def _scrub(self, text: str) -> str:
        registry = SecretRegistry([self._config.client_secret.value])
        return redact_text(redact_text(text, registry), self._registry)


_ACCEPT_JSON = {"Accept": "application/json"}


def build_session(
    profile: HttpSettings, registry: SecretRegistry, *, clock: Clock = time.monotonic
) -> ProfileSession:
    """A session ready for `profile` (a `Profile.http`): headers, auth, TLS, proxies, timeouts, secrets.

    The session is bound to the target's origin and the token endpoint's session to the token URL's:
    neither sends anything, credentials included, to another origin (redirects there are refused).
    """
    base_url = profile.base_url
    session = transport_session(profile, None if base_url is None else origin_of(base_url))
    session.headers.update(profile.headers)
    register_secrets(profile, registry)
    token_session = transport_session(profile, _token_origin(profile.auth))
    session.auth = build_auth(profile.auth, token_session, registry, clock=clock)
    return session


def _token_origin(config: AuthConfig) -> Origin | None:
    return origin_of(config.token_url) if isinstance(config, OAuth2Config) else None


def build_auth(
    config: AuthConfig,
    token_session: requests.Session,
    registry: SecretRegistry,
    *,
    clock: Clock = time.monotonic,
) -> AuthBase | None:
    """The `requests` auth for `config`; None when the deployment takes no credentials (or only mTLS)."""
    match config:
        case BearerConfig(token=token):
            return BearerAuth(token.value)
        case OAuth2Config():
            return OAuth2ClientCredentials(config, token_session, clock=clock, registry=registry)
        case ApiKeyConfig(api_key=key, header=header):
            return ApiKeyAuth(header, key.value)
        case BasicConfig(username=username, password=password):
            return HTTPBasicAuth(username, password.value)
    return None


def register_secrets(profile: HttpSettings, registry: SecretRegistry) -> None:
    """Make every writer mask this profile's credentials, in the forms they travel in, and the value of
    every header the user gave (profile `headers`, `--header`) unless it is a harmless one."""
    for value in profile.secret_values():
        registry.add(value)
    for name, value in profile.request_headers.items():
        register_header(registry, name, value)
    match profile.auth:
        case ApiKeyConfig(header=header):
            registry.add_header(header)
        case BasicConfig(username=username, password=password):
            registry.add(base64.b64encode(f"{username}:{password.value}".encode()).decode("ascii"))
        case OAuth2Config(client_id=client_id, client_secret=secret):
            basic = f"{quote_plus(client_id)}:{quote_plus(secret.value)}"
            registry.add(base64.b64encode(basic.encode()).decode("ascii"))


def tls_warning(profile: HttpSettings) -> str | None:
    """The line the run summary prints when TLS verification is off, else None."""
    if profile.tls.verify or profile.base_url is None:
        return None
    token_url = getattr(profile.auth, "token_url", "")
    if not any(url.lower().startswith("https:") for url in (profile.base_url, token_url)):
        return None  # plain HTTP everywhere (the embedded mock): there is no certificate to check
    return (
        f"TLS certificate verification is OFF for {redact_url(profile.base_url)}: the server's "
        "identity was not checked, so this run does not certify a trusted endpoint"
    )
