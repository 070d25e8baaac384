"""What the client records of an exchange and what it sends, over real HTTP on loopback: the request as
it went out (method, body, headers, even without an answer), elapsed time, the body limit, the broken-body
and deadline explanations, secrets masked in an error, observers, and the spacing of its retries.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest

from ctk_suite.config.profile import load_profile
from ctk_suite.core.redaction import SecretRegistry
from ctk_suite.http.auth import build_session
from ctk_suite.http.client import HttpClient, Limits
from ctk_suite.http.exchange import Exchange
from ctk_suite.http.transport import plain_session
from tests.support.ctk_helpers import closed_port_url
from tests.support.servers.misbehaving_server import RESET_DECLARED_BYTES, Running, serve_misbehaving
from tests.support.servers.origin_servers import CaptureServer, redirect_pair, serving

DEADLINE_S = 10.0
ORDER = b'{"productOrderItem": [{"id": "1", "action": "add"}]}'


@pytest.fixture(scope="module")
def bad_server() -> Iterator[Running]:
    with serve_misbehaving() as running:
        yield running


def host_of(server: Running) -> str:
    return server.origin.removeprefix("http://")


def test_a_post_reaches_the_server_with_its_body_and_is_recorded_as_sent() -> None:
    with serving(CaptureServer()) as capture, closing(HttpClient.plain(5, 5)) as client:
        started = time.perf_counter()
        exchange = client.send(
            "POST", capture.url + "/productOrder", {"Content-Type": "application/json"}, ORDER
        )
        took_ms = (time.perf_counter() - started) * 1000
    assert (capture.seen.lines, capture.seen.bodies) == (["POST /productOrder"], [ORDER])
    assert (exchange.method, exchange.request_body, exchange.status) == ("POST", ORDER, 401)
    assert exchange.received is None  # the whole body was read: nothing more was received than kept
    # elapsed_ms is a duration in milliseconds with one decimal (summary.json shows it as such)
    assert isinstance(exchange.elapsed_ms, float)
    assert 0 < exchange.elapsed_ms <= took_ms + 0.1
    assert exchange.elapsed_ms == round(exchange.elapsed_ms, 1)


def test_an_exchange_without_an_answer_still_has_its_duration(bad_server: Running) -> None:
    with closing(HttpClient.plain(5, 0.2)) as client:
        started = time.perf_counter()
        exchange = client.send("POST", bad_server.api_url("silent") + "productOrder", {}, ORDER)
        took_ms = (time.perf_counter() - started) * 1000
    assert (
        exchange.error == f"transport error: no answer from {host_of(bad_server)} within 0.2 s (read timeout)"
    )
    assert isinstance(exchange.elapsed_ms, float)
    assert 200 <= exchange.elapsed_ms <= took_ms + 0.1


def test_the_headers_that_went_out_are_recorded_when_no_answer_came() -> None:
    with closing(HttpClient.plain(5, 5)) as client:
        exchange = client.send("POST", closed_port_url(), {"Accept": "application/json"}, ORDER)
    assert exchange.error is not None
    assert "connection refused" in exchange.error
    assert exchange.request_headers["User-Agent"].startswith("tmf622-ctk/")  # added by the session
    assert exchange.request_headers["Accept"] == "application/json"


def test_a_header_that_cannot_be_sent_is_an_error_not_an_exception() -> None:
    with closing(HttpClient.plain(5, 5)) as client:
        exchange = client.send("GET", closed_port_url(), {"X-Note": "price in €"})
    assert exchange.error is not None
    assert exchange.error.startswith("transport error: UnicodeEncodeError: 'latin-1' codec can't encode")
    assert dict(exchange.request_headers) == {"X-Note": "price in €"}  # never prepared: as given


def test_a_token_endpoint_failure_keeps_the_request_as_given(tmp_path: Path) -> None:
    base, token = closed_port_url(), closed_port_url() + "token"
    path = tmp_path / "profile.yaml"
    path.write_text(
        f'target: {{base_url: "{base}"}}\n'
        f'auth: {{type: oauth2, token_url: "{token}", client_id: ctk, client_secret_env: S}}\n'
        "timeouts: {connect: 2, read: 2}\n"
        'payload: {productOrderItem: [{id: "1", action: add}]}\n',
        encoding="utf-8",
    )
    session = build_session(load_profile(path, env={"S": "client-secret-3"}).http, SecretRegistry())
    with closing(HttpClient(session, Limits(2, 2))) as client:
        exchange = client.send("GET", base + "productOrder", {"Accept": "application/json"})
    assert exchange.error is not None
    assert exchange.error.startswith("auth error: token endpoint ")
    assert dict(exchange.request_headers) == {"Accept": "application/json"}


def test_the_body_limit_of_the_client_is_the_one_applied(bad_server: Running) -> None:
    with closing(HttpClient(plain_session((5, 5)), Limits(5, 5, max_body_bytes=1000))) as client:
        exchange = client.send("GET", bad_server.api_url("huge") + "productOrder", {})
    assert (exchange.status, exchange.truncated, exchange.received) == (200, True, 1000)
    host = host_of(bad_server)
    assert (
        exchange.error
        == f"transport error: body from {host} larger than 1000 bytes: stopped reading (truncated)"
    )


def test_a_broken_body_names_the_bytes_announced(bad_server: Running) -> None:
    with closing(HttpClient.plain(5, 5)) as client:
        exchange = client.send("GET", bad_server.api_url("reset") + "productOrder", {})
    assert exchange.error is not None
    assert re.fullmatch(
        rf"transport error: connection to {re.escape(host_of(bad_server))} broken after \d+ of "
        rf"{RESET_DECLARED_BYTES} body bytes \(.+\)",
        exchange.error,
    ), exchange.error


def test_a_stalling_server_is_cut_at_the_deadline_with_the_bytes_received(bad_server: Running) -> None:
    """No single read times out: the deadline ends the exchange, and says how much of the body came."""
    client = HttpClient.plain(0.5, 0.5)
    pool = ThreadPoolExecutor(1)  # not waited for: a client that never stops is freed by the server's end
    try:
        exchange = pool.submit(client.send, "GET", bad_server.api_url("stall") + "productOrder", {}).result(
            DEADLINE_S
        )
    finally:
        pool.shutdown(wait=False)
    client.close()
    assert exchange.error is not None
    assert re.fullmatch(
        rf"transport error: no complete response from {re.escape(host_of(bad_server))} within 1 s "
        r"\(server too slow; [1-9]\d* body bytes received\)",
        exchange.error,
    ), exchange.error


def test_a_secret_in_a_transport_error_is_masked() -> None:
    secret = "query-secret-81f2"
    with redirect_pair() as (target, capture):
        client = HttpClient(plain_session((5, 5)), Limits(5, 5), SecretRegistry([secret]))
        with closing(client):
            exchange = client.send("GET", f"{target.url}/api/productOrder?key={secret}", {})
    assert exchange.error is not None
    assert "another origin refused" in exchange.error
    assert secret not in exchange.error
    assert "key=***" in exchange.error
    assert capture.seen.lines == []


def test_every_finished_exchange_is_observed(bad_server: Running) -> None:
    seen: list[Exchange] = []
    with closing(HttpClient.plain(5, 5)) as client:
        client.observe(seen.append)
        first = client.send("GET", bad_server.api_url("html502") + "productOrder", {})
        second = client.send("DELETE", closed_port_url(), {})
    assert seen == [first, second]
    assert (first.status, second.attempts) == (502, 3)


class _HangUp:
    """Accepts connections and closes each at once, noting when it came: a retried GET's attempts."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.times: list[float] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while len(self.times) < 3:
            connection, _ = self.sock.accept()
            self.times.append(time.perf_counter())
            connection.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/productOrder"


def test_retries_wait_the_backoff_then_twice_as_long() -> None:
    backoff_s = 0.8
    server = _HangUp()
    with (
        closing(server.sock),
        closing(HttpClient(plain_session((5, 5)), Limits(5, 5, backoff_s=backoff_s))) as c,
    ):
        exchange = c.send("GET", server.url, {})
    server.thread.join(DEADLINE_S)
    assert exchange.error is not None
    assert "closed the connection without answering" in exchange.error
    assert exchange.attempts == 3
    first, second = (b - a for a, b in zip(server.times, server.times[1:], strict=False))
    # Lower bounds are the sleeps themselves; the upper ones leave 0.4 s for scheduling on a loaded machine.
    assert backoff_s <= first < 2 * backoff_s
    assert 2 * backoff_s <= second < 2.5 * backoff_s
