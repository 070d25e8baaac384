"""An HTTPS TMF622 stand-in behind OAuth2 client credentials (optionally mutual TLS), for the auth tests.

Certificates come from a throwaway `trustme` CA made at test time. The API accepts a token issued by
its own `POST /oauth/token`, a fixed bearer token, an API key header, or HTTP Basic; it answers just
enough of productOrder for the CTK's nine requests (POST, GET list with `id`/`orderDate` filters,
GET by id, 404) and DELETE for the run's cleanup. With `echo_credentials` on, its 404 bodies quote the
credential they were sent, as a careless server would, to prove the reports mask it anyway.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import secrets
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socket import socket
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlsplit

import trustme

from tests.support.app_thread import serving_blocking

API_PATH = "/tmf-api/productOrderingManagement/v4"
TOKEN_PATH = "/oauth/token"
HANDSHAKE_TIMEOUT_S = 5.0


@dataclass
class ServerState:
    """Credentials the server accepts, what it saw, and switches a test can flip."""

    client_id: str = "ctk-client"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    static_token: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    api_key_header: str = "X-API-Key"
    api_key: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    username: str = "ctk-user"
    password: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    token_lifetime_s: int = 3600
    accept_tokens: bool = True  # False: issued tokens are refused, to prove a 401 is retried only once
    token_body_override: bytes | None = None  # answer 200 with this body instead of a token
    token_requests: int = 0
    token_forms: list[dict[str, str]] = field(default_factory=list)
    client_auth_methods: list[str] = field(default_factory=list)
    api_requests: int = 0
    credentials_used: list[str] = field(default_factory=list)  # e.g. "token:<value>", "basic", "api_key"
    issued: set[str] = field(default_factory=set)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    echo_credentials: bool = False
    deleted: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def revoke_tokens(self) -> None:
        """Forget every issued token, as an authorization server restart would."""
        with self.lock:
            self.issued.clear()

    def tokens_used(self) -> list[str]:
        """The issued tokens the API saw, in order."""
        with self.lock:
            return [
                used.removeprefix("token:") for used in self.credentials_used if used.startswith("token:")
            ]


class _Handler(BaseHTTPRequestHandler):
    server: _TlsServer

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if path == TOKEN_PATH:
            self._token()
        elif path == f"{API_PATH}/productOrder":
            self._guarded(self._create)
        else:
            self._json(404, _error(404, "Not Found"))

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        if path == f"{API_PATH}/productOrder":
            self._guarded(lambda: self._json(200, self._listed(dict(parse_qsl(query)))))
        elif path.startswith(f"{API_PATH}/productOrder/"):
            order_id = path.rpartition("/")[2]
            self._guarded(lambda: self._read(order_id))
        else:
            self._json(404, _error(404, "Not Found"))

    def do_DELETE(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith(f"{API_PATH}/productOrder/"):
            self._guarded(lambda: self._delete(path.rpartition("/")[2]))
        else:
            self._json(404, _error(404, "Not Found"))

    # --- OAuth2 token endpoint (RFC 6749 sections 4.4 and 5) ---

    def _token(self) -> None:
        state = self.server.state
        form = dict(parse_qsl(self._body().decode("utf-8", errors="replace")))
        client_id, client_secret, method = self._client_credentials(form)
        with state.lock:
            state.token_requests += 1
            state.token_forms.append(form)
            state.client_auth_methods.append(method)
        if form.get("grant_type") != "client_credentials":
            self._json(400, {"error": "unsupported_grant_type"})
        elif (client_id, client_secret) != (state.client_id, state.client_secret):
            self._json(401, {"error": "invalid_client"}, {"WWW-Authenticate": 'Basic realm="token"'})
        elif state.token_body_override is not None:
            self._send(200, state.token_body_override, "application/json")
        else:
            self._json(200, self._issue(), {"Cache-Control": "no-store"})

    def _client_credentials(self, form: dict[str, str]) -> tuple[str, str, str]:
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            decoded = base64.b64decode(header.removeprefix("Basic ")).decode("utf-8", errors="replace")
            client_id, _, client_secret = decoded.partition(":")
            return unquote_plus(client_id), unquote_plus(client_secret), "basic"
        return form.get("client_id", ""), form.get("client_secret", ""), "body"

    def _issue(self) -> dict[str, Any]:
        state = self.server.state
        token = secrets.token_urlsafe(24)
        with state.lock:
            state.issued.add(token)
        return {"access_token": token, "token_type": "Bearer", "expires_in": state.token_lifetime_s}

    # --- the protected API ---

    def _guarded(self, answer: Any) -> None:
        used = self._credential()
        state = self.server.state
        with state.lock:
            state.api_requests += 1
            state.credentials_used.append(used or "none")
        if used is None:
            body = _error(401, "Unauthorized")
            self._json(401, body, {"WWW-Authenticate": 'Bearer realm="tmf622", error="invalid_token"'})
        else:
            answer()

    def _credential(self) -> str | None:
        state = self.server.state
        header = self.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ") if header.startswith("Bearer ") else None
        if token is not None and state.accept_tokens and token in state.issued:
            return f"token:{token}"
        if token is not None and token == state.static_token:
            return "static"
        basic = base64.b64encode(f"{state.username}:{state.password}".encode()).decode()
        if header == f"Basic {basic}":
            return "basic"
        if self.headers.get(state.api_key_header) == state.api_key:
            return "api_key"
        return None

    def _create(self) -> None:
        try:
            order = json.loads(self._body())
        except ValueError:
            order = None
        if not isinstance(order, dict) or not isinstance(order.get("productOrderItem"), list):
            self._json(400, _error(400, "Bad Request"))
            return
        number = next(_IDS)
        order_id = str(number)
        href = f"https://{self.headers.get('Host')}{API_PATH}/productOrder/{order_id}"
        order_date = f"2026-01-01T00:{number // 60 % 60:02d}:{number % 60:02d}Z"
        order |= {"id": order_id, "href": href, "state": "acknowledged", "orderDate": order_date}
        with self.server.state.lock:
            self.server.state.orders[order_id] = order
        self._json(201, order, {"Location": href})

    def _listed(self, query: dict[str, str]) -> list[dict[str, Any]]:
        """TMF630 attribute filters on id and orderDate (quotes around the value tolerated)."""
        with self.server.state.lock:
            orders = list(self.server.state.orders.values())
        for name in ("id", "orderDate"):
            if name in query:
                orders = [o for o in orders if o[name] == query[name].strip("'")]
        return orders

    def _read(self, order_id: str) -> None:
        order = self.server.state.orders.get(order_id)
        if order is None:
            self._not_found()
        else:
            self._json(200, order)

    def _delete(self, order_id: str) -> None:
        with self.server.state.lock:
            order = self.server.state.orders.pop(order_id, None)
            if order is not None:
                self.server.state.deleted.append(order_id)
        if order is None:
            self._not_found()
        else:
            self._send(204, b"", "application/json")

    def _not_found(self) -> None:
        body = _error(404, "Not Found")
        if self.server.state.echo_credentials:  # a careless server quoting what it was sent
            body["message"] = " ".join(f"{k}: {v}" for k, v in self.headers.items() if k.lower() != "host")
        self._json(404, body)

    # --- plumbing ---

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(body).encode(), "application/json;charset=utf-8", headers)

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": content_type, **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


_IDS = itertools.count(1)


def _error(status: int, reason: str) -> dict[str, str]:
    """A TMF630 `Error` body."""
    return {"code": str(status), "reason": reason, "status": str(status)}


class _TlsServer(ThreadingHTTPServer):
    """HTTP/1.0 (one request per connection) over TLS; the handshake runs in the request's thread."""

    daemon_threads = True

    def __init__(self, context: ssl.SSLContext, state: ServerState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.context = context
        self.state = state
        self.failed_handshakes = 0
        self._handshakes = threading.Condition()

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(HANDSHAKE_TIMEOUT_S)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except OSError:  # ssl.SSLError included: no or untrusted client certificate, client gave up
            with self._handshakes:
                self.failed_handshakes += 1
                self._handshakes.notify_all()
            return
        with contextlib.closing(tls):
            self.RequestHandlerClass(tls, client_address, self)

    def wait_failed_handshakes(self, count: int, timeout_s: float) -> bool:
        """True once `count` handshakes failed; the client may see its error before this thread counts."""
        with self._handshakes:
            return self._handshakes.wait_for(lambda: self.failed_handshakes >= count, timeout_s)

    def handle_error(self, request: socket | tuple[bytes, socket], client_address: Any) -> None:
        """A client that hangs up mid-request is not a test failure; stay quiet."""


@dataclass(frozen=True)
class TlsOAuthServer:
    """What a test needs to reach the running server."""

    base_url: str
    ca_path: Path
    client_cert_path: Path
    client_key_path: Path
    state: ServerState
    server: _TlsServer

    @property
    def api_url(self) -> str:
        return f"{self.base_url}{API_PATH}"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}{TOKEN_PATH}"

    @property
    def token_requests(self) -> int:
        return self.state.token_requests


def write_ca(ca: trustme.CA, path: Path) -> Path:
    """The CA certificate as a PEM file, for `verify=`."""
    ca.cert_pem.write_to_path(str(path))
    return path


@contextlib.contextmanager
def serve_tls_oauth(
    ca: trustme.CA, directory: Path, *, require_client_cert: bool = False
) -> Iterator[TlsOAuthServer]:
    """Run the server on a free loopback port for the duration of the block."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    if require_client_cert:
        context.verify_mode = ssl.CERT_REQUIRED
        ca.configure_trust(context)
    client = ca.issue_cert("ctk-client.example")
    client.cert_chain_pems[0].write_to_path(str(directory / "client.pem"))
    client.private_key_pem.write_to_path(str(directory / "client.key"))
    with serving_blocking(_TlsServer(context, ServerState()), 0.05, HANDSHAKE_TIMEOUT_S) as server:
        yield TlsOAuthServer(
            base_url=f"https://127.0.0.1:{server.server_address[1]}",
            ca_path=write_ca(ca, directory / "ca.pem"),
            client_cert_path=directory / "client.pem",
            client_key_path=directory / "client.key",
            state=server.state,
            server=server,
        )
