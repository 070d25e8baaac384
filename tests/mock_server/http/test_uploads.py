"""Request bodies are bounded in size before reading and in time while reading, over a raw socket on
both stores: the old mock waited for a declared 1 TB body, and for a stalled one, forever (issue 11)."""

from __future__ import annotations

import http.client
import json
import socket
from typing import TYPE_CHECKING, Any

import pytest

from tests.support.mock.mock_helpers import BASE_PATH, Api, Raw, assert_error

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

pytestmark = pytest.mark.store_independent

#: How long the client waits for an answer: far above the mock's deadline below, far below "forever".
ANSWER_DEADLINE_S = 5.0
BODY_TIMEOUT_S = 0.3


def send(api: Api, head: str, body: bytes = b"") -> Raw:
    """Send `head` (request line and headers) and `body` as they are, keep the connection open
    without sending more, and read the answer (socket.timeout if none comes by the deadline)."""
    host, port = api.root.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=ANSWER_DEADLINE_S) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode("ascii") + b"\r\n" + body)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return Raw(response.status, response.headers, response.read())


def post_head(length: str, path: str = "productOrder", method: str = "POST") -> str:
    return (
        f"{method} {BASE_PATH}/{path} HTTP/1.1\nHost: localhost\nContent-Type: application/json\n"
        f"Content-Length: {length}\n"
    )


def test_a_huge_declared_length_is_413_before_any_byte_is_read(make_api: ApiFactory) -> None:
    api = make_api(max_body_bytes=4096)
    answer = send(api, post_head(str(10**12)))
    assert_error(answer, 413, "Content-Length 1000000000000 is over the limit of 4096 bytes")
    assert api.count() == 0


def test_a_declared_length_at_the_limit_is_read(make_api: ApiFactory) -> None:
    api = make_api(max_body_bytes=4096)
    body = json.dumps({"productOrderItem": [{"id": "1", "action": "add"}], "description": ""}).encode()
    body = body.replace(b'""', b'"' + b"x" * (4096 - len(body)) + b'"')
    assert len(body) == 4096
    assert send(api, post_head(str(len(body))), body).status == 201


def test_a_stalled_upload_is_408_within_the_body_deadline(make_api: ApiFactory) -> None:
    api = make_api(body_timeout_s=BODY_TIMEOUT_S)
    order = api.create_order()
    answer = send(api, post_head("100", f"productOrder/{order['id']}", "PATCH"), b'{"descr')
    assert_error(answer, 408, f"did not arrive within {BODY_TIMEOUT_S:g} s")
    assert answer.headers["Connection"] == "close"
    assert api.http.get(order["href"]).json() == order


def test_a_stalled_chunked_upload_is_408(make_api: ApiFactory) -> None:
    api = make_api(body_timeout_s=BODY_TIMEOUT_S)
    head = post_head("0").replace("Content-Length: 0\n", "Transfer-Encoding: chunked\n")
    answer = send(api, head, b'5\r\n{"pro\r\n')
    assert_error(answer, 408, "did not arrive")
    assert api.count() == 0


def test_bodies_still_reach_every_handler(api: Api) -> None:
    """The body read by the deadline stays cached on the request for the handler."""
    order: dict[str, Any] = api.create_order(description="one")
    merge = {"Content-Type": "application/merge-patch+json"}
    patched = api.http.patch(order["href"], data=b'{"description": "two"}', headers=merge)
    assert patched.json()["description"] == "two"
    hub = api.http.post(api.url("hub"), json={"callback": "http://127.0.0.1:9/listener"})
    assert hub.status_code == 201


def test_the_openapi_document_lists_408_where_a_body_is_read(api: Api) -> None:
    paths = api.http.get(api.url("openapi.json")).json()["paths"]
    for path, method in [("/productOrder", "post"), ("/productOrder/{id}", "patch"), ("/hub", "post")]:
        assert "408" in paths[BASE_PATH + path][method]["responses"], (path, method)
    assert "408" not in paths[BASE_PATH + "/productOrder/{id}"]["get"]["responses"]
