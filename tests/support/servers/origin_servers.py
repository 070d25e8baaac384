"""Two loopback servers for the credential origin rule: a target that redirects, and a capture server.

The target answers the pre-flight, issues OAuth2 tokens (or redirects the token request), echoes the
credentials it got in a list body (as a careless deployment would, in several encodings) and redirects
every other request to the capture server, on another port, cycling through 301, 302, 307 and 308. The
capture server records everything it is sent and answers 401 (an OAuth2 client would then fetch a new
token and try again): a test asserts it saw no secret, or nothing at all. `OriginsProxy` plays origins
by name (an IDN host, a default port) behind a profile's `proxy`.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import quote, quote_plus, urlsplit

from tests.support.app_thread import serving_blocking

API_PATH = "/tmf-api/productOrderingManagement/v4"
PREFLIGHT = f"{API_PATH}/productOrder?fields=id&limit=1"
REDIRECTS = (301, 302, 307, 308)
ISSUED_TOKEN = "issued-token-Zq81 with/odd+chars"
#: The target redirects a path under this prefix to itself, without the prefix (same origin).
SAME_ORIGIN_PREFIX = "/moved"


@dataclass
class Seen:
    """What one server was sent: request lines, headers and bodies."""

    lines: list[str] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, line: str, headers: dict[str, str], body: bytes) -> None:
        with self.lock:
            self.lines.append(line)
            self.headers.append(headers)
            self.bodies.append(body)

    def dump(self) -> str:
        """Everything received, as one text to search for secrets."""
        with self.lock:
            parts = [*self.lines, *map(json.dumps, self.headers), *(b.decode("latin-1") for b in self.bodies)]
        return "\n".join(parts)


@dataclass
class Behaviour:
    """How the target answers: where it redirects, and what its token endpoint does."""

    capture_url: str = ""
    token_redirect: int | None = None  # the token endpoint redirects to the capture server with it
    token_bytes: int | None = None  # the token endpoint answers an access_token this long
    statuses: Iterator[int] = field(default_factory=lambda: itertools.cycle(REDIRECTS))
    echo: bool = True  # the unfiltered list echoes the credentials it was sent


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest output stays readable."""

    def _receive(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.add(f"{self.command} {self.path}", dict(self.headers.items()), body)
        return body

    def _answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._receive()
        self.server.route(self)

    do_POST = do_PATCH = do_DELETE = do_PUT = do_GET


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen = Seen()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def route(self, handler: _Handler) -> None:
        raise NotImplementedError


class CaptureServer(_Server):
    """Records what it is sent; answers 401 to everything."""

    def route(self, handler: _Handler) -> None:
        handler._answer(401, b'{"code": "401"}', {"WWW-Authenticate": 'Bearer error="invalid_token"'})


class RedirectingTarget(_Server):
    """See the module docstring."""

    def __init__(self, behaviour: Behaviour) -> None:
        super().__init__()
        self.behaviour = behaviour

    def route(self, handler: _Handler) -> None:
        path = handler.path
        if path.startswith(SAME_ORIGIN_PREFIX):
            handler._answer(307, b"", {"Location": self.url + path.removeprefix(SAME_ORIGIN_PREFIX)})
        elif path == "/token":
            self._token(handler)
        elif path == PREFLIGHT:
            handler._answer(200, b"[]")
        elif path == f"{API_PATH}/productOrder" and handler.command == "GET" and self.behaviour.echo:
            handler._answer(200, json.dumps([echo_order(dict(handler.headers.items()))]).encode())
        else:
            self._redirect(handler, path)

    def _redirect(self, handler: _Handler, path: str) -> None:
        status = next(self.behaviour.statuses)
        handler._answer(status, b"", {"Location": self.behaviour.capture_url + path})

    def _token(self, handler: _Handler) -> None:
        if self.behaviour.token_redirect is not None:
            location = {"Location": self.behaviour.capture_url + "/token"}
            handler._answer(self.behaviour.token_redirect, b"", location)
            return
        token = "t" * self.behaviour.token_bytes if self.behaviour.token_bytes else ISSUED_TOKEN
        answer = {"access_token": token, "token_type": "Bearer", "expires_in": 3600}
        handler._answer(200, json.dumps(answer).encode())


class OriginsProxy(_Server):
    """An HTTP proxy on loopback that plays every origin a request names (its request line is in absolute
    form), so that a test can aim at host names and default ports it could not listen on. It answers
    200 `[]`, or redirects a URL listed in `redirects` with the status and Location given there."""

    def __init__(self) -> None:
        super().__init__()
        self.redirects: dict[str, tuple[int, str]] = {}

    def route(self, handler: _Handler) -> None:
        hop = self.redirects.get(handler.path)
        if hop is None:
            handler._answer(200, b"[]")
        else:
            handler._answer(hop[0], b"", {"Location": hop[1]})


def echo_order(headers: dict[str, str]) -> dict[str, Any]:
    """An order whose neutral-named fields quote every request header: raw, percent-, form-, JSON-encoded
    and base64 (the raw form also ends up JSON-escaped in the body)."""
    quoted = "&".join(f"{name}={quote_plus(value)}" for name, value in headers.items())
    return {
        "id": "echo-1",
        "href": f"{API_PATH}/productOrder/echo-1",
        "orderDate": "2026-12-02T10:00:00Z",
        "state": "acknowledged",
        "productOrderItem": [],
        "relatedParty": [],
        "note": [
            {"text": json.dumps(headers)},
            {"text": quoted},
            {"text": quote(json.dumps(headers), safe="")},
            {"text": base64.b64encode(json.dumps(headers).encode()).decode()},
        ],
    }


S = TypeVar("S", bound=_Server)


@contextmanager
def serving(server: S) -> Iterator[S]:
    """Serve in a thread until the block ends."""
    with serving_blocking(server, poll_interval_s=0.02) as running:
        yield running


@contextmanager
def redirect_pair(behaviour: Behaviour | None = None) -> Iterator[tuple[RedirectingTarget, CaptureServer]]:
    """A target redirecting to a capture server on another port (another origin)."""
    behaviour = behaviour or Behaviour()
    with serving(CaptureServer()) as capture, serving(RedirectingTarget(behaviour)) as target:
        behaviour.capture_url = capture.url
        assert urlsplit(capture.url).port != urlsplit(target.url).port
        yield target, capture
