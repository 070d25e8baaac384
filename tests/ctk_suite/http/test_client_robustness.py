"""The HTTP client against bad servers: every failure is one line, within its time bound, never a crash.

Two kinds of bad server: `responses` (exact control of what `requests` raises) and a real misbehaving
socket server on loopback (tests/support/servers/misbehaving_server.py: what a broken deployment
really sends).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests
import responses
import trustme

from ctk_suite.http.client import MAX_BODY_BYTES, HttpClient, Limits
from ctk_suite.http.exchange import Exchange
from ctk_suite.kits.official.bodies import NotJson, read_json
from tests.support.ctk_helpers import closed_port_url
from tests.support.servers.misbehaving_server import HUGE_BYTES, Running, serve_misbehaving
from tests.support.servers.tls_oauth_server import serve_tls_oauth

CONNECT_S, READ_S = 0.5, 0.5
DEADLINE_S = CONNECT_S + READ_S
SLACK_S = 1.5  # thread start-up and scheduling on a loaded two-core machine
URL = "http://h/tmf-api/productOrderingManagement/v4/productOrder"


@pytest.fixture(scope="module")
def bad_server() -> Iterator[Running]:
    with serve_misbehaving() as running:
        yield running


def client() -> HttpClient:
    return HttpClient.plain(CONNECT_S, READ_S)


def timed_get(url: str) -> tuple[Exchange, float]:
    started = time.perf_counter()
    http = client()
    try:
        exchange = http.send("GET", url, {"Accept": "application/json"})
    finally:
        http.close()
    return exchange, time.perf_counter() - started


def one_line(text: str | None) -> str:
    assert text is not None
    assert "\n" not in text
    assert "Traceback" not in text
    return text


# --- the misbehaving socket server ---


def test_reset_mid_body(bad_server: Running) -> None:
    exchange, took = timed_get(bad_server.api_url("reset") + "productOrder")
    assert exchange.status == 200  # the head arrived; the body did not
    assert one_line(exchange.error).startswith("transport error: connection to 127.0.0.1:")
    assert "body bytes (" in exchange.error
    assert took < DEADLINE_S + SLACK_S


def test_never_answers_is_a_read_timeout(bad_server: Running) -> None:
    exchange, took = timed_get(bad_server.api_url("silent") + "productOrder")
    assert exchange.status is None
    assert one_line(exchange.error).endswith(f"within {READ_S:g} s (read timeout)")
    assert exchange.attempts == 1  # a timeout is not retried: the server got the request
    assert READ_S <= took < DEADLINE_S + SLACK_S


def test_slow_drip_is_cut_at_the_deadline(bad_server: Running) -> None:
    exchange, took = timed_get(bad_server.api_url("drip") + "productOrder")
    assert one_line(exchange.error).startswith("transport error: no complete response from 127.0.0.1:")
    assert f"within {DEADLINE_S:g} s (server too slow" in exchange.error
    assert DEADLINE_S <= took < DEADLINE_S + SLACK_S


def test_ten_megabyte_body_is_cut_at_the_limit(bad_server: Running) -> None:
    exchange, took = timed_get(bad_server.api_url("huge") + "productOrder")
    assert HUGE_BYTES > MAX_BODY_BYTES
    assert (exchange.status, exchange.truncated, exchange.size) == (200, True, MAX_BODY_BYTES)
    assert one_line(exchange.error).endswith(
        f"larger than {MAX_BODY_BYTES} bytes: stopped reading (truncated)"
    )
    assert took < DEADLINE_S + SLACK_S


def test_redirect_loop_is_capped(bad_server: Running) -> None:
    exchange, took = timed_get(bad_server.api_url("redirect-loop") + "productOrder")
    assert one_line(exchange.error).startswith(
        "transport error: more than 10 redirects starting at 127.0.0.1:"
    )
    assert bad_server.seen.count("GET /redirect-loop/") == 11
    assert took < DEADLINE_S + SLACK_S


def test_html_error_page_is_a_response_that_is_not_json(bad_server: Running) -> None:
    exchange, _ = timed_get(bad_server.api_url("html502") + "productOrder")
    assert (exchange.status, exchange.error) == (502, None)
    with pytest.raises(NotJson) as caught:
        read_json(exchange)
    assert one_line(str(caught.value)).startswith(
        "expected a JSON body, got HTTP 502 text/html: <html><head><title>502 Bad Gateway</title>"
    )


def test_invalid_utf8_json_is_not_json(bad_server: Running) -> None:
    exchange, _ = timed_get(bad_server.api_url("bad-utf8") + "productOrder")
    assert (exchange.status, exchange.error) == (200, None)
    with pytest.raises(NotJson) as caught:
        read_json(exchange)
    assert str(caught.value) == (
        "expected a JSON body, got HTTP 200 application/json with bytes that are not valid utf-8 "
        "(first at offset 14)"
    )


def test_connection_refused_is_retried_for_get_only() -> None:
    http = client()
    try:
        get = http.send("GET", closed_port_url(), {})
        post = http.send("POST", closed_port_url(), {}, b"{}")
    finally:
        http.close()
    assert one_line(get.error).startswith("transport error: connection refused by 127.0.0.1:")
    assert (get.attempts, post.attempts) == (3, 1)


def test_tls_failure_names_the_reason(tmp_path) -> None:
    with serve_tls_oauth(trustme.CA(), tmp_path) as server:  # its CA is not trusted by this client
        exchange, took = timed_get(f"{server.api_url}/productOrder")
    assert one_line(exchange.error).startswith(f"transport error: TLS failure with {server.base_url[8:]}: ")
    assert "CERTIFICATE_VERIFY_FAILED" in exchange.error
    assert exchange.attempts == 1  # a certificate does not get better by asking again
    assert took < DEADLINE_S + SLACK_S


# --- `responses`: what requests raises, exactly ---


@responses.activate
def test_connection_errors_are_retried_then_the_answer_counts() -> None:
    responses.get(URL, body=requests.ConnectionError("[Errno 111] Connection refused"))
    responses.get(URL, body=requests.ConnectionError("[Errno 111] Connection refused"))
    responses.get(URL, json=[], status=200)
    exchange = client().send("GET", URL, {})
    assert (exchange.status, exchange.error, exchange.attempts) == (200, None, 3)


@responses.activate
def test_failed_answers_are_never_retried() -> None:
    responses.get(URL, json={"code": "500"}, status=500)
    responses.get(URL, json=[], status=200)
    exchange = client().send("GET", URL, {})
    assert (exchange.status, exchange.attempts) == (500, 1)
    assert len(responses.calls) == 1


@responses.activate
@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (requests.ConnectTimeout("x"), "transport error: no connection to h within 0.5 s (connect timeout)"),
        (requests.ReadTimeout("x"), "transport error: no answer from h within 0.5 s (read timeout)"),
        (requests.exceptions.SSLError("[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1)"),
         "transport error: TLS failure with h: [SSL: WRONG_VERSION_NUMBER] wrong version number"),
        (requests.ConnectionError("[Errno -2] Name or service not known"),
         "transport error: cannot resolve the host name of h"),
    ],
)  # fmt: skip
def test_transport_errors_are_one_line(raised: Exception, expected: str) -> None:
    responses.get(URL, body=raised)
    exchange = client().send("GET", URL, {})
    assert one_line(exchange.error) == expected
    assert exchange.status is None


@responses.activate
def test_large_body_from_responses_is_truncated() -> None:
    responses.get(URL, body=b"[" + b" " * (10 * 1024 * 1024) + b"]", status=200)
    exchange = HttpClient.plain(1, 1).send("GET", URL, {})
    assert exchange.truncated
    assert exchange.size == MAX_BODY_BYTES


@responses.activate
def test_redirect_loop_from_responses() -> None:
    responses.get(URL, status=302, headers={"Location": URL})
    exchange = client().send("GET", URL, {})
    assert (
        one_line(exchange.error) == "transport error: more than 10 redirects starting at h (redirect loop?)"
    )


@responses.activate
def test_sent_headers_are_the_ones_that_went_out() -> None:
    responses.get(URL, json=[])
    exchange = client().send("GET", URL, {"Accept": "application/json"})
    assert exchange.request_headers["Accept"] == "application/json"
    assert "User-Agent" in exchange.request_headers  # added by the session, reported as sent


def test_limits_deadline_is_connect_plus_read() -> None:
    assert Limits(2.0, 3.0).deadline_s == 5.0
