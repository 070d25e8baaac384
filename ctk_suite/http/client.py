"""Send one HTTP request and record it as an immutable `Exchange`; never asserts, never raises.

Whatever the server does (refuses, stalls, drips, resets, floods, loops), the exchange ends within
connect + read timeout seconds with either a response or a one-line `error`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import requests

from ctk_suite.core.redaction import SecretRegistry
from ctk_suite.http.auth import AuthError
from ctk_suite.http.body import MAX_BODY_BYTES, CappedBody
from ctk_suite.http.deadline import Watch, deadline
from ctk_suite.http.errors import Context, describe
from ctk_suite.http.exchange import Exchange
from ctk_suite.http.transport import plain_session

__all__ = ["MAX_BODY_BYTES", "HttpClient", "Limits"]
#: Postman's default; a redirect loop ends here.
MAX_REDIRECTS = 10
#: Methods that may be sent again after a connection error (RFC 9110 section 9.2.2).
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})

Observer = Callable[[Exchange], None]


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
        """A client without credentials, TLS settings or proxies (a session builds its own)."""
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
            kept=received.kept(),
            elapsed_ms=_ms_since(started),
            error=error,
            truncated=received.truncated,
            received=received.size if received.truncated else None,
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
