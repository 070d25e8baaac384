"""Bytes aiohttp's parser refuses before the app runs: a TMF Error 400, one log line, nothing stored.

Sent on a raw socket, since an HTTP client would refuse to write most of them. Run on both stores
(`make_api`): the answer comes from the server around the app (`mock_server.http.server`).
"""

from __future__ import annotations

import http.client
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from mock_server.http.errors import MAX_REASON_CHARS, parser_reason
from tests.support.mock.mock_helpers import TIMEOUT_S, Api, Raw, assert_error

pytestmark = pytest.mark.store_independent

ApiFactory = Callable[..., Api]
BASE_PATH = "/tmf-api/productOrderingManagement/v4"
#: aiohttp's default limits of one request line or header, and of the header count.
PARSER_LINE_LIMIT = 8190
PARSER_HEADER_COUNT = 128


def request(head: str, body: bytes = b"") -> bytes:
    return head.replace("\n", "\r\n").encode("latin-1") + b"\r\n" + body


@dataclass(frozen=True)
class Unparsable:
    """Raw request bytes and a fragment of the parser's reason the Error message must carry."""

    name: str
    raw: bytes
    reason: str


UNPARSABLE = [
    Unparsable(
        "request line too long",
        request(f"GET {BASE_PATH}/productOrder?d={'x' * (PARSER_LINE_LIMIT + 10)} HTTP/1.1\nHost: a\n"),
        "Got more than 8190 bytes",
    ),
    Unparsable(
        "too many headers",
        request(
            f"GET {BASE_PATH}/productOrder HTTP/1.1\nHost: a\n"
            + "".join(f"X-H{i}: v\n" for i in range(PARSER_HEADER_COUNT + 1))
        ),
        "Too many headers",
    ),
    Unparsable(
        "NUL in a header",
        request(f"GET {BASE_PATH}/productOrder HTTP/1.1\nHost: a\nX-A: a\x00b\n"),
        "Invalid header value char",
    ),
    Unparsable(
        "Content-Length with Transfer-Encoding",
        request(
            f"POST {BASE_PATH}/productOrder HTTP/1.1\nHost: a\nContent-Type: application/json\n"
            "Content-Length: 5\nTransfer-Encoding: chunked\n",
            b"2\r\n{}\r\n0\r\n\r\n",
        ),
        "Transfer-Encoding can't be present with Content-Length",
    ),
    Unparsable(
        "bad chunk size",
        request(
            f"POST {BASE_PATH}/productOrder HTTP/1.1\nHost: a\nContent-Type: application/json\n"
            "Transfer-Encoding: chunked\n",
            b"zz\r\n{}\r\n0\r\n\r\n",
        ),
        "Invalid character in chunk size",
    ),
    Unparsable("garbage request line", b"\x16\x03\x01 garbage\r\n\r\n", "HTTPS traffic"),
]


def send_raw(api: Api, raw: bytes) -> tuple[Raw, bool]:
    """Write `raw` on a fresh connection: (the one answer, whether the server then closed it)."""
    host, port = api.root.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=TIMEOUT_S) as connection:
        connection.sendall(raw)
        response = http.client.HTTPResponse(connection)
        response.begin()
        answer = Raw(response.status, response.headers, response.read())
        return answer, connection.recv(1) == b""


@pytest.mark.parametrize("case", UNPARSABLE, ids=[case.name for case in UNPARSABLE])
def test_unparsable_request_gets_a_tmf_error_and_one_log_line(
    make_api: ApiFactory, case: Unparsable, caplog: pytest.LogCaptureFixture
) -> None:
    api = make_api()
    api.create_order()
    caplog.set_level(logging.INFO)
    answer, closed = send_raw(api, case.raw)
    error = assert_error(answer, 400, "not valid HTTP", case.reason)
    assert len(error["message"]) < MAX_REASON_CHARS + 50
    assert closed  # the stream cannot be trusted past the bad bytes
    logged = [record for record in caplog.records if record.name.startswith(("aiohttp", "mock_server"))]
    assert [(record.levelno, record.exc_info) for record in logged] == [(logging.WARNING, None)]
    assert "\n" not in logged[0].getMessage()
    assert case.reason in logged[0].getMessage()
    assert api.count() == 1


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Invalid header value char:\n\n  b'X-A: a\\x00b'\n          ^", "Invalid header value char"),
        ("", "unreadable request"),
        ("x" * 500, "x" * (MAX_REASON_CHARS - 3) + "..."),
    ],
)
def test_parser_reason_is_one_short_line(message: str, expected: str) -> None:
    assert parser_reason(message, None) == expected


def test_a_bad_chunk_after_the_body_began_gets_a_tmf_error(
    make_api: ApiFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """aiohttp's parser drops a body already handed to the app when a later chunk is bad: the
    handler would wait for the rest until the client gave up. It gets the parser's error instead.
    """
    api = make_api()
    caplog.set_level(logging.INFO)
    head = request(
        f"POST {BASE_PATH}/productOrder HTTP/1.1\nHost: a\nContent-Type: application/json\n"
        "Transfer-Encoding: chunked\n",
        b"2\r\n{}\r\n",
    )
    host, port = api.root.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=TIMEOUT_S) as connection:
        connection.sendall(head)
        api.server.wait_until(lambda: api.server.requests_started() == 1)  # its handler reads the body
        connection.sendall(b"zz\r\n")
        response = http.client.HTTPResponse(connection)
        response.begin()
        answer = Raw(response.status, response.headers, response.read())
        assert connection.recv(1) == b""  # closed: after whatever the server does with the rest
    assert_error(answer, 400, "body could not be read", "Invalid character in chunk size")
    logged = [record for record in caplog.records if record.name.startswith(("aiohttp", "mock_server"))]
    assert [(record.levelno, record.exc_info) for record in logged] == [(logging.WARNING, None)]
    assert api.count() == 0


def test_a_client_hanging_up_mid_body_is_one_log_line(
    make_api: ApiFactory, caplog: pytest.LogCaptureFixture
) -> None:
    api = make_api()
    caplog.set_level(logging.INFO)
    head = request(
        f"POST {BASE_PATH}/productOrder HTTP/1.1\nHost: a\nContent-Type: application/json\n"
        "Content-Length: 100\n",
        b'{"productOrderItem": [',
    )
    host, port = api.root.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=TIMEOUT_S) as connection:
        connection.sendall(head)
        api.server.wait_until(lambda: api.server.requests_started() == 1)
    api.server.wait_until(lambda: any(record.name.startswith("mock_server") for record in caplog.records))
    logged = [record for record in caplog.records if record.name.startswith(("aiohttp", "mock_server"))]
    assert [(record.levelno, record.exc_info) for record in logged] == [(logging.WARNING, None)]
    assert "the client closed the connection" in logged[0].getMessage()
    assert api.count() == 0
