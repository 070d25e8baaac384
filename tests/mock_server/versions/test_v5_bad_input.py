"""Hostile and malformed requests to the v5 API: each gets its 4xx v5 `Error`, and nothing changes."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import pytest

from tests.support.mock.mock_helpers import TIMEOUT_S, Api
from tests.support.mock.v5_helpers import (
    JSON_PATCH,
    JSON_PATCH_QUERY,
    MERGE_PATCH,
    assert_v5_error,
    create,
    order_body,
    v5_url,
)

JSON = "application/json"
NESTED = 100_000


def ops(*operations: dict[str, Any]) -> bytes:
    return json.dumps(list(operations)).encode()


class Bad(NamedTuple):
    """One refused request; `{order}` in the path is an existing order."""

    name: str
    method: str
    path: str
    content_type: str
    body: bytes
    status: int


CASES = [
    Bad(*case)
    for case in [
        ("not JSON", "POST", "productOrder", JSON, b"{", 400),
        ("an array", "POST", "productOrder", JSON, b"[]", 400),
        ("nested arrays", "POST", "productOrder", JSON, b"[" * NESTED + b"]" * NESTED, 400),
        ("nested objects", "POST", "productOrder", JSON, b'{"a":' * NESTED + b"1" + b"}" * NESTED, 400),
        ("NaN", "POST", "productOrder", JSON, b'{"@type": "ProductOrder", "x": NaN}', 400),
        (
            "lone surrogate",
            "POST",
            "productOrder",
            JSON,
            b'{"@type": "\\ud800", "productOrderItem": []}',
            400,
        ),
        ("huge integer", "POST", "productOrder", JSON, json.dumps(order_body(priority=10**40)).encode(), 400),
        ("too large", "POST", "productOrder", JSON, b'{"a": "' + b"x" * (2 * 1024 * 1024) + b'"}', 413),
        ("latin-1", "POST", "productOrder", f"{JSON}; charset=latin-1", b"{}", 415),
        ("no content type", "POST", "cancelProductOrder", "", b"{}", 415),
        ("hub without callback", "POST", "hub", JSON, b'{"@type": "Hub"}', 400),
        (
            "hub with a file callback",
            "POST",
            "hub",
            JSON,
            b'{"@type": "Hub", "callback": "file:///etc/passwd"}',
            400,
        ),
        ("merge patch array", "PATCH", "productOrder/{order}", MERGE_PATCH, b"[]", 400),
        (
            "patch removes @type",
            "PATCH",
            "productOrder/{order}",
            JSON_PATCH,
            ops({"op": "remove", "path": "/@type"}),
            400,
        ),
        (
            "patch replaces the root",
            "PATCH",
            "productOrder/{order}",
            JSON_PATCH,
            ops({"op": "replace", "path": "", "value": 1}),
            400,
        ),
        (
            "patch test fails",
            "PATCH",
            "productOrder/{order}",
            JSON_PATCH,
            ops({"op": "test", "path": "/state", "value": "x"}),
            400,
        ),
        (
            "patch bad op",
            "PATCH",
            "productOrder/{order}",
            JSON_PATCH,
            ops({"op": "bogus", "path": "/a"}),
            400,
        ),
        (
            "patch state bogus",
            "PATCH",
            "productOrder/{order}",
            JSON_PATCH,
            ops({"op": "replace", "path": "/state", "value": "x"}),
            400,
        ),
        (
            "query on a scalar",
            "PATCH",
            "productOrder/{order}",
            JSON_PATCH_QUERY,
            ops({"op": "remove", "path": "/state/x?state.x=1"}),
            400,
        ),
        (
            "query copy from many",
            "PATCH",
            "productOrder/{order}",
            JSON_PATCH_QUERY,
            ops({"op": "copy", "from": "/productOrderItem?productOrderItem.action=add", "path": "/x"}),
            400,
        ),
        (
            "query huge path",
            "PATCH",
            "productOrder/{order}",
            JSON_PATCH_QUERY,
            ops(
                {
                    "op": "remove",
                    "path": "/productOrderItem?" + "&".join(f"productOrderItem.id={n}" for n in range(5000)),
                }
            ),
            400,
        ),
        ("unknown id", "PATCH", "productOrder/" + "x" * 5000, MERGE_PATCH, b'{"@type": "ProductOrder"}', 404),
    ]
]


@pytest.mark.parametrize("bad", CASES, ids=[bad.name for bad in CASES])
def test_refused_with_a_v5_error_and_nothing_changes(api: Api, bad: Bad) -> None:
    order = create(api)
    headers = {"Content-Type": bad.content_type} if bad.content_type else {}
    url = v5_url(api, bad.path.replace("{order}", order["id"]))
    response = api.http.request(bad.method, url, data=bad.body, headers=headers, timeout=TIMEOUT_S)
    assert_v5_error(response, bad.status)
    assert api.http.get(v5_url(api, "productOrder"), timeout=TIMEOUT_S).json() == [order]
    assert api.http.get(v5_url(api, "cancelProductOrder"), timeout=TIMEOUT_S).json() == []
