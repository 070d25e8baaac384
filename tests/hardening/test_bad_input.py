"""The bad-input catalogue: each request gets its 4xx TMF Error, and the store is left as it was.

Run on both stores (see the `seeded_mock` fixture). `{order}` in a target is an existing order.
Query strings aimed at the list operations (injections, huge queries): test_query_injection.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.hardening.raw_http import assert_tmf_error, send
from tests.support.hardening.seeded import SeededMock

JSON = "application/json"
MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
MIB = 1024 * 1024  # the mock's default --max-body-bytes
ITEM = {"id": "1", "action": "add"}
NESTED = 100_000  # levels of nesting: far past any recursion limit
HUGE = "9" * 900_000  # a 900 KB string value


def order(**fields: Any) -> bytes:
    """A valid ProductOrder_Create with `fields` added or overridden (non-ASCII as \\u escapes)."""
    return json.dumps({"productOrderItem": [ITEM], **fields}).encode()


def nested_arrays(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


def nested_objects(levels: int) -> bytes:
    return b'{"a": ' * levels + b"1" + b"}" * levels


def cancel(order_id: str) -> bytes:
    return json.dumps({"productOrder": {"id": order_id}}).encode()


def operations(op: str, path: str, *value: Any) -> bytes:
    """A JSON Patch document of one operation (`value` only where the op takes one)."""
    return json.dumps([{"op": op, "path": path, **({"value": value[0]} if value else {})}]).encode()


@dataclass(frozen=True)
class Bad:
    """One refused request: what is sent, the status expected and a fragment of the Error message."""

    name: str
    method: str
    target: str
    status: int
    body: bytes | None = None
    content_type: str | None = JSON
    fragment: str = ""


def _bodies() -> list[Bad]:
    post = "/productOrder"
    return [
        Bad("truncated JSON", "POST", post, 400, b'{"productOrderItem": [', fragment="not valid JSON"),
        Bad("trailing garbage", "POST", post, 400, order() + b" x", fragment="not valid JSON"),
        Bad("NaN", "POST", post, 400, b'{"productOrderItem": [], "x": NaN}', fragment="not valid JSON"),
        Bad("Infinity", "POST", post, 400, b'{"x": -Infinity}', fragment="not valid JSON"),
        Bad("number out of range", "POST", post, 400, b'{"x": 1e999}', fragment="out of range"),
        Bad("empty body", "POST", post, 400, b"", fragment="not valid JSON"),
        Bad("array body", "POST", post, 400, b"[]", fragment="must be a JSON object"),
        Bad("string body", "POST", post, 400, b'"order"', fragment="must be a JSON object"),
        Bad("invalid UTF-8", "POST", post, 400, b'{"description": "\xff\xfe"}', fragment="utf-8"),
        Bad("overlong UTF-8", "POST", post, 400, b'{"description": "\xc0\xaf"}', fragment="utf-8"),
        Bad("encoded surrogate", "POST", post, 400, b'{"description": "\xed\xa0\x80"}', fragment="utf-8"),
        Bad("lone surrogate escape", "POST", post, 400, order(description="\ud800"), fragment="surrogate"),
        Bad("lone surrogate key", "POST", post, 400, b'{"\\udfff": 1}', fragment="surrogate"),
        Bad("UTF-16 body", "POST", post, 400, order().decode().encode("utf-16"), fragment="utf-8"),
        Bad("nested arrays", "POST", post, 400, nested_arrays(NESTED), fragment="deeper"),
        Bad("nested arrays in a field", "POST", post, 400, b'{"note": ' + nested_arrays(NESTED) + b"}"),
        Bad("nested objects", "POST", post, 400, nested_objects(NESTED), fragment="deeper"),
        Bad("65 levels", "POST", post, 400, order(note=json.loads(nested_arrays(65))), fragment="deeper"),
        Bad("over the body limit", "POST", post, 413, order(description="x" * MIB)),
        Bad("900 KB enum value", "POST", post, 400, order(productOrderItem=[{**ITEM, "action": HUGE}])),
        Bad(
            "900 KB order reference",
            "POST",
            "/cancelProductOrder",
            400,
            cancel(HUGE),
            fragment="no productOrder",
        ),
    ]


def _content_types() -> list[Bad]:
    post, patch = "/productOrder", "/productOrder/{order}"
    return [
        Bad("text/plain", "POST", post, 415, order(), "text/plain", "not supported"),
        Bad("no Content-Type", "POST", post, 415, order(), None, "not supported"),
        Bad("XML", "POST", post, 415, b"<productOrder/>", "application/xml", "not supported"),
        Bad("form", "POST", post, 415, b"productOrderItem=1", "application/x-www-form-urlencoded"),
        Bad("multipart", "POST", post, 415, b"--b\r\n\r\n--b--", "multipart/form-data; boundary=b"),
        Bad("latin-1 charset", "POST", post, 415, order(), "application/json; charset=latin-1", "charset"),
        Bad("JSON Patch on create", "POST", post, 415, b"[]", JSON_PATCH, "not supported"),
        Bad("PATCH as text", "PATCH", patch, 415, b'{"description": "x"}', "text/plain", "not supported"),
        Bad("PATCH without type", "PATCH", patch, 415, b'{"description": "x"}', None, "not supported"),
        Bad("JSON Patch object", "PATCH", patch, 400, b'{"op": "remove"}', JSON_PATCH, "array of operations"),
        Bad("merge patch array", "PATCH", patch, 400, b"[]", MERGE, "must be a JSON object"),
        Bad("PATCH over the limit", "PATCH", patch, 413, order(description="x" * MIB), MERGE),
    ]


def _values() -> list[Bad]:
    post, patch = "/productOrder", "/productOrder/{order}"
    return [
        Bad("no productOrderItem", "POST", post, 400, b"{}", fragment="productOrderItem"),
        Bad("item without id", "POST", post, 400, order(productOrderItem=[{"action": "add"}]), fragment="id"),
        Bad("items as a string", "POST", post, 400, order(productOrderItem="x"), fragment="productOrderItem"),
        Bad("quantity as text", "POST", post, 400, order(productOrderItem=[{**ITEM, "quantity": "two"}])),
        Bad("externalId as number", "POST", post, 400, order(externalId=5), fragment="externalId"),
        Bad("note as object", "POST", post, 400, order(note={"text": "x"}), fragment="note"),
        Bad("date that is not one", "POST", post, 400, order(requestedStartDate="tomorrow")),
        Bad("@schemaLocation not a URI", "POST", post, 400, order(**{"@schemaLocation": "not a uri"})),
        Bad("bad action enum", "POST", post, 400, order(productOrderItem=[{**ITEM, "action": "bogus"}])),
        Bad("client-chosen id", "POST", post, 400, order(id="mine"), fragment="id"),
        Bad("client-chosen state", "POST", post, 400, order(state="completed"), fragment="state"),
        Bad("PATCH bad state enum", "PATCH", patch, 400, b'{"state": "bogus"}', MERGE, "state"),
        Bad("PATCH read-only id", "PATCH", patch, 400, b'{"id": "other"}', MERGE, "id"),
        Bad("PATCH removes id", "PATCH", patch, 400, operations("remove", "/id"), JSON_PATCH),
        Bad("PATCH test fails", "PATCH", patch, 400, operations("test", "/state", "x"), JSON_PATCH),
        Bad("PATCH bad pointer", "PATCH", patch, 400, operations("add", "no-slash", 1), JSON_PATCH),
        Bad("cancel unknown order", "POST", "/cancelProductOrder", 400, cancel("nope")),
        Bad("hub callback not a URL", "POST", "/hub", 400, b'{"callback": "javascript:alert(1)"}'),
    ]


def _paths() -> list[Bad]:
    return [
        Bad("unknown id", "GET", "/productOrder/unknown", 404, fragment="unknown"),
        Bad("PATCH unknown id", "PATCH", "/productOrder/unknown", 404, b"{}", MERGE),
        Bad("DELETE unknown id", "DELETE", "/productOrder/unknown", 404, None, None),
        Bad("unknown cancel task", "GET", "/cancelProductOrder/unknown", 404),
        Bad("unknown subscription", "DELETE", "/hub/unknown", 404, None, None),
        Bad("traversal, encoded", "GET", "/productOrder/..%2F..%2Fetc%2Fpasswd", 404, fragment="../"),
        Bad("traversal, lower case", "GET", "/productOrder/..%2f..%2f..%2fhealth", 404),
        Bad("traversal, dots encoded", "GET", "/productOrder/%2e%2e/%2e%2e/%2e%2e/health", 404),
        Bad("traversal, raw", "GET", "/productOrder/../../../../etc/passwd", 404),
        Bad("DELETE traversal", "DELETE", "/productOrder/..%2F..%2Fetc%2Fpasswd", 404, None, None),
        Bad("PATCH traversal", "PATCH", "/productOrder/..%2F%2E%2E%2F", 404, b"{}", MERGE),
        Bad("NUL id", "GET", "/productOrder/%00", 404),
        Bad("NUL inside an id", "DELETE", "/productOrder/{order}%00", 404, None, None),
        Bad("invalid UTF-8 id", "GET", "/productOrder/%ff%fe", 404),
        Bad("surrogate id", "GET", "/productOrder/%ED%A0%80", 404),
        Bad("CRLF in id", "GET", "/productOrder/a%0d%0aSet-Cookie:%20x=1", 404),
        Bad("7 KB id", "GET", "/productOrder/" + "a" * 7000, 404),
        Bad("PUT", "PUT", "/productOrder/{order}", 405, order(), fragment="not allowed"),
        Bad("TRACE", "TRACE", "/productOrder", 405, None, None, "not allowed"),
        Bad("negative limit", "GET", "/productOrder?limit=-1", 400, fragment="limit"),
        Bad("limit as text", "GET", "/productOrder?limit=%27%20OR%201%3D1", 400, fragment="limit"),
        Bad("limit twice", "GET", "/productOrder?limit=1&limit=2", 400, fragment="limit"),
        Bad("offset surrogate", "GET", "/cancelProductOrder?offset=%ED%A0%80", 400, fragment="offset"),
    ]


CATALOGUE = _bodies() + _content_types() + _values() + _paths()


@pytest.mark.parametrize("bad", CATALOGUE, ids=[bad.name for bad in CATALOGUE])
def test_bad_input_gets_a_tmf_error_and_changes_nothing(seeded_mock: SeededMock, bad: Bad) -> None:
    before = seeded_mock.snapshot()
    headers = {} if bad.content_type is None else {"Content-Type": bad.content_type}
    target = bad.target.replace("{order}", seeded_mock.order_id)
    answer = send(seeded_mock.url, bad.method, target, bad.body, headers)
    error = assert_tmf_error(answer, bad.status, bad.fragment)
    assert "Set-Cookie" not in answer.headers
    if bad.status == 405:
        assert answer.headers["Allow"], error
    assert seeded_mock.snapshot() == before


def test_catalogue_names_are_unique() -> None:
    assert len({bad.name for bad in CATALOGUE}) == len(CATALOGUE)


def test_a_900_kb_description_under_the_limit_is_stored_whole(seeded_mock: SeededMock) -> None:
    """Large but legal: 900 KB fit in the 1 MiB limit, so the order is taken and read back intact."""
    description = "é" * 450_000  # 900 KB in UTF-8
    body = json.dumps({"productOrderItem": [ITEM], "description": description}, ensure_ascii=False).encode()
    created = send(seeded_mock.url, "POST", "/productOrder", body, {"Content-Type": JSON})
    assert created.status == 201, created.body[:300]
    order_id = created.json()["id"]
    read = send(seeded_mock.url, "GET", f"/productOrder/{order_id}")
    assert read.json()["description"] == description
    assert send(seeded_mock.url, "DELETE", f"/productOrder/{order_id}").status == 204
