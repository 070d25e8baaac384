"""Send one HTTP request and record it as an immutable `Exchange`; never asserts, never raises.

Whatever the server does (refuses, stalls, drips, resets, floods, loops), the exchange ends within
connect + read timeout seconds with either a response or a one-line `error`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import Any

import requests

from ctk_suite.core.redaction import SecretRegistry
from ctk_suite.http.auth import AuthError
from ctk_suite.http.deadline import Watch, deadline
from ctk_suite.http.errors import Context, describe
from ctk_suite.http.transport import MAX_BODY_BYTES, CappedBody, plain_session

__all__ = ["MAX_BODY_BYTES", "Exchange", "HttpClient", "Limits"]
#: Postman's default; a redirect loop ends here.
MAX_REDIRECTS = 10
#: Methods that may be sent again after a connection error (RFC 9110 section 9.2.2).
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})

Observer = Callable[["Exchange"], None]


@dataclass(frozen=True)
class Exchange:
    """What was sent and what came back (or the transport error instead of a usable response)."""

    method: str
    url: str
    request_headers: Mapping[str, str]
    request_body: bytes | None
    status: int | None = None
    response_headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    body: bytes = b""
    elapsed_ms: float = 0.0
    error: str | None = None
    attempts: int = 1  # more than 1 only after connection errors on an idempotent request
    truncated: bool = False  # the body went past the size limit and was cut

    @property
    def size(self) -> int:
        """Bytes of response body received (what Newman sums as "data received")."""
        return len(self.body)

    @cached_property  # decoded once: body_includes_value searches it for every listed order
    def text(self) -> str:
        """The body as text: the declared charset, else UTF-8 (RFC 8259 section 8.1), BOM dropped."""
        return self.body.decode(self._charset(), errors="replace").removeprefix("\ufeff")

    def strict_text(self) -> str:
        """The body as text; UnicodeDecodeError when it is not valid in its charset (a JSON body must be)."""
        return self.body.decode(self._charset()).removeprefix("\ufeff")

    def header(self, name: str) -> str | None:
        """A response header, by case-insensitive name (RFC 9110 section 5.1)."""
        return next((v for k, v in self.response_headers.items() if k.lower() == name.lower()), None)

    def _charset(self) -> str:
        for part in (self.header("Content-Type") or "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip("\"'")
                return charset if _text_codec(charset) else "utf-8"
        return "utf-8"


def _text_codec(name: str) -> bool:
    """A codec from bytes to text that can replace what it cannot decode (not base64, idna, undefined...)."""
    try:
        b"\xff".decode(name, "replace")
    except (LookupError, ValueError):  # ValueError: UnicodeError, or a NUL or a lone surrogate in the name
        return False
    return True


@dataclass(frozen=True)
class Limits:
    """How long and how much the client waits for and reads."""

    connect_s: float = 10.0
    read_s: float = 30.0
    max_body_bytes: int = MAX_BODY_BYTES
    attempts: int = 3
    backoff_s: float = 0.1

    @property
    def deadline_s(self) -> float:
        """The whole exchange (connect, headers, body, redirects) ends within this."""
        return self.connect_s + self.read_s


class HttpClient:
    """A `requests` session (auth, TLS, proxies from the profile) behind a fail-safe `send`."""

    def __init__(
        self,
        session: requests.Session,
        limits: Limits | None = None,
        registry: SecretRegistry | None = None,
    ) -> None:
        self._session = session
        self._session.max_redirects = MAX_REDIRECTS
        self.limits = limits or Limits()
        self._registry = registry
        self._observers: list[Observer] = []
        self._lock = threading.Lock()

    @classmethod
    def plain(cls, connect_s: float = 10.0, read_s: float = 30.0) -> HttpClient:
        """A client without credentials (the embedded mock, tests)."""
        return cls(plain_session((connect_s, read_s)), Limits(connect_s, read_s))

    def observe(self, observer: Observer) -> None:
        """Call `observer` with every finished exchange (cleanup bookkeeping, progress lines)."""
        with self._lock:
            self._observers.append(observer)

    def send(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None = None) -> Exchange:
        """Perform the request; connection errors are retried for idempotent methods only."""
        attempts = self.limits.attempts if method.upper() in IDEMPOTENT else 1
        for attempt in range(1, attempts + 1):
            exchange, retryable = self._attempt(method, url, headers, body)
            if not retryable or attempt == attempts:
                break
            time.sleep(self.limits.backoff_s * 2 ** (attempt - 1))
        exchange = replace(exchange, attempts=attempt)
        for observer in list(self._observers):
            observer(exchange)
        return exchange

    def _attempt(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> tuple[Exchange, bool]:
        sent = Exchange(method, url, MappingProxyType(dict(headers)), body)
        started = time.perf_counter()
        with deadline(self.limits.deadline_s) as watch:
            try:
                response = self._session.request(method, url, headers=dict(headers), data=body, stream=True)
            except Exception as exc:  # the client never raises: even a bug below becomes one line
                sent = _with_request(sent, getattr(exc, "request", None))
                error = self._describe(exc, url, watch, CappedBody())
                return replace(sent, elapsed_ms=_ms_since(started), error=error), _retryable(exc, watch)
            return self._receive(_with_request(sent, response.request), response, watch, started), False

    def _receive(self, sent: Exchange, response: requests.Response, watch: Watch, started: float) -> Exchange:
        received = CappedBody()
        error = None
        try:
            received.read(response, self.limits.max_body_bytes)
        except Exception as exc:  # as in _attempt
            error = self._describe(exc, sent.url, watch, received, response)
        finally:
            response.close()  # a cut body must not go back to the pool
        return replace(
            sent,
            status=response.status_code,
            response_headers=MappingProxyType(dict(response.headers)),
            body=received.content(),
            elapsed_ms=_ms_since(started),
            error=error,
            truncated=received.truncated,
        )

    def _describe(
        self,
        exc: BaseException,
        url: str,
        watch: Watch,
        received: CappedBody,
        response: requests.Response | None = None,
    ) -> str:
        length = response.headers.get("Content-Length") if response is not None else None
        context = Context(
            url=url,
            connect_s=self.limits.connect_s,
            read_s=self.limits.read_s,
            max_redirects=MAX_REDIRECTS,
            body_bytes=received.size,
            expected_bytes=int(length) if length and length.isascii() and length.isdigit() else None,
            deadline_s=self.limits.deadline_s if watch.expired else None,
        )
        return describe(exc, context, self._registry)

    def close(self) -> None:
        """Release pooled connections (and the token endpoint's session)."""
        self._session.close()


def _retryable(exc: BaseException, watch: Watch) -> bool:
    """Only a failure to connect or to get any answer: never a timeout, TLS or credentials failure."""
    refused = isinstance(exc, requests.ConnectionError) and not isinstance(
        exc, requests.Timeout | requests.exceptions.SSLError
    )
    return refused and not isinstance(exc, AuthError) and not watch.expired


def _with_request(sent: Exchange, prepared: Any) -> Exchange:
    """The headers as they went out (auth and session headers included), when `requests` prepared them."""
    headers = getattr(prepared, "headers", None)
    if headers is None:
        return sent
    return replace(sent, request_headers=MappingProxyType(dict(headers)))


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
