"""The session a profile builds, over real HTTP(S) on loopback: its read timeout (verification on or off),
the deadline over HTTPS, REQUESTS_CA_BUNDLE when the profile names no CA, a client certificate kept with
its key in one file, the User-Agent it names itself with, and closing it: every connection it opened
ends, the token endpoint's included.
"""

from __future__ import annotations

import socket
import ssl
import textwrap
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme

from ctk_suite.config.profile import Profile, load_profile
from ctk_suite.core.redaction import SecretRegistry
from ctk_suite.core.version import USER_AGENT
from ctk_suite.http.auth import build_session
from ctk_suite.http.client import HttpClient, Limits
from tests.support.app_thread import serving_blocking
from tests.support.servers.misbehaving_server import Running, serve_misbehaving
from tests.support.servers.tls_oauth_server import TlsOAuthServer, serve_tls_oauth

DEADLINE_S = 10.0


def load(folder: Path, text: str, env: dict[str, str] | None = None) -> Profile:
    path = folder / "profile.yaml"
    body = textwrap.dedent(text) + 'payload: {productOrderItem: [{id: "1", action: add}]}\n'
    path.write_text(body, encoding="utf-8")
    return load_profile(path, env=env or {})


def test_the_profiles_read_timeout_ends_a_silent_exchange(tmp_path: Path) -> None:
    """The read timeout of the profile, not only the client's overall deadline, ends the wait."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # accepts the connection, never answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/api"
        profile = load(tmp_path, f'target: {{base_url: "{url}"}}\ntimeouts: {{connect: 2, read: 0.3}}\n')
        with closing(HttpClient(build_session(profile.http, SecretRegistry()), Limits(2, 0.3))) as client:
            exchange = client.send("POST", url + "/productOrder", {}, b"{}")
    host = url.removeprefix("http://").removesuffix("/api")
    assert exchange.error == f"transport error: no answer from {host} within 0.3 s (read timeout)"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def https_bad_server(ca: trustme.CA) -> Iterator[Running]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with serve_misbehaving(context) as running:
        yield running


def https_client(
    folder: Path, ca: trustme.CA, url: str, tls: str, read_s: float, *, connect_s: float = 5
) -> HttpClient:
    """A client for `url` with the profile's `tls` line; the handshake has `connect_s` (a loaded machine)."""
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    text = f'target: {{base_url: "{url}"}}\n{tls}timeouts: {{connect: {connect_s}, read: {read_s}}}\n'
    session = build_session(load(folder, text).http, SecretRegistry())
    return HttpClient(session, Limits(connect_s, read_s))


def test_with_verification_off_the_profiles_read_timeout_still_applies(
    tmp_path: Path, ca: trustme.CA, https_bad_server: Running
) -> None:
    url = https_bad_server.api_url("silent")
    with closing(https_client(tmp_path, ca, url, "tls: {verify: false}\n", 0.3)) as client:
        exchange = client.send("GET", url + "productOrder", {})
    host = https_bad_server.origin.removeprefix("https://")
    assert exchange.error == f"transport error: no answer from {host} within 0.3 s (read timeout)"


def test_an_https_server_dripping_its_body_is_cut_at_the_deadline(
    tmp_path: Path, ca: trustme.CA, https_bad_server: Running
) -> None:
    """As over plain HTTP: no single read times out, the exchange's deadline ends it."""
    url = https_bad_server.api_url("drip")
    client = https_client(tmp_path, ca, url, "tls: {ca_bundle: ca.pem}\n", 0.5, connect_s=2)
    pool = ThreadPoolExecutor(1)  # not waited for: a client that never stops is freed by the server's end
    try:
        exchange = pool.submit(client.send, "GET", url + "productOrder", {}).result(DEADLINE_S)
    finally:
        pool.shutdown(wait=False)
    host = https_bad_server.origin.removeprefix("https://")
    assert (exchange.error or "").startswith(
        f"transport error: no complete response from {host} within 2.5 s"
    )
    client.close()


def test_the_environments_ca_bundle_applies_when_the_profile_names_none(
    tmp_path: Path, ca: trustme.CA, https_bad_server: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The profile's TLS settings win over REQUESTS_CA_BUNDLE; when it has none, the environment's apply."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "ca.pem"))
    url = https_bad_server.api_url("html502")
    with closing(https_client(tmp_path, ca, url, "", 5)) as client:
        exchange = client.send("GET", url + "productOrder", {})
    assert (exchange.error, exchange.status) == (None, 502)


@pytest.fixture
def mtls_server(tmp_path: Path, ca: trustme.CA) -> Iterator[TlsOAuthServer]:
    with serve_tls_oauth(ca, tmp_path, require_client_cert=True) as running:
        yield running


def test_a_client_certificate_with_its_key_in_one_file_is_presented(
    tmp_path: Path, mtls_server: TlsOAuthServer
) -> None:
    """`tls.client_cert` alone may name one PEM file holding the certificate and its key."""
    both = tmp_path / "client-with-key.pem"
    both.write_bytes(mtls_server.client_cert_path.read_bytes() + mtls_server.client_key_path.read_bytes())
    profile = load(
        tmp_path,
        f"""\
        target: {{base_url: "{mtls_server.api_url}"}}
        auth: {{type: bearer, token_env: T}}
        tls: {{ca_bundle: ca.pem, client_cert: {both.name}}}
        timeouts: {{connect: 5, read: 5}}
        """,
        env={"T": mtls_server.state.static_token},
    )
    with closing(HttpClient(build_session(profile.http, SecretRegistry()), Limits(5, 5))) as client:
        exchange = client.send("GET", f"{mtls_server.api_url}/productOrder", {})
    assert (exchange.error, exchange.status) == (None, 200)
    assert mtls_server.server.failed_handshakes == 0


class _KeepAlive(BaseHTTPRequestHandler):
    """HTTP/1.1: the connection stays open between requests until the client closes it."""

    protocol_version = "HTTP/1.1"
    server: _Connections

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def setup(self) -> None:
        super().setup()
        self.server.changed(+1)

    def finish(self) -> None:
        super().finish()
        self.server.changed(-1)

    def do_GET(self) -> None:
        self.server.lines.append(f"{self.command} {self.path}")
        self.server.agents.append(self.headers.get("User-Agent"))
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = b'{"access_token": "t-1", "token_type": "Bearer"}' if self.path == "/token" else b"[]"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET


class _Connections(ThreadingHTTPServer):
    """Counts the connections open now: a token endpoint and an API on one loopback port."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _KeepAlive)
        self.lines: list[str] = []
        self.agents: list[str | None] = []
        self.open = 0
        self._changed = threading.Condition()

    def changed(self, by: int) -> None:
        with self._changed:
            self.open += by
            self._changed.notify_all()

    def wait_open(self, count: int) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.open == count, DEADLINE_S)


@pytest.fixture
def server() -> Iterator[_Connections]:
    with serving_blocking(_Connections()) as running:
        yield running


def oauth2_client(folder: Path, url: str) -> HttpClient:
    """A client for the API at `url`/api, whose token endpoint is `url`/token."""
    profile = load(
        folder,
        f"""\
        target: {{base_url: "{url}/api"}}
        auth: {{type: oauth2, token_url: "{url}/token", client_id: ctk, client_secret_env: S}}
        timeouts: {{connect: 5, read: 5}}
        """,
        env={"S": "client-secret-7"},
    )
    return HttpClient(build_session(profile.http, SecretRegistry()), Limits(5, 5))


def test_the_api_and_the_token_endpoint_see_who_calls(tmp_path: Path, server: _Connections) -> None:
    url = f"http://127.0.0.1:{server.server_address[1]}"
    with closing(oauth2_client(tmp_path, url)) as client:
        client.send("GET", f"{url}/api/productOrder", {})
    assert server.agents == [USER_AGENT, USER_AGENT]
    assert USER_AGENT.startswith("tmf622-ctk/")


def test_closing_the_client_ends_the_token_endpoints_connection_too(
    tmp_path: Path, server: _Connections
) -> None:
    url = f"http://127.0.0.1:{server.server_address[1]}"
    client = oauth2_client(tmp_path, url)
    try:
        exchange = client.send("GET", f"{url}/api/productOrder", {})
        assert (exchange.error, server.lines) == (None, ["POST /token", "GET /api/productOrder"])
        assert server.wait_open(2)  # the API's session and the token endpoint's: one connection each
    finally:
        client.close()
    assert server.wait_open(0), f"{server.open} connection(s) left open after close()"
