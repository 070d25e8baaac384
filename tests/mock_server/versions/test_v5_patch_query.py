"""JSON Patch Query paths (TMF630 part 5) turned into RFC 6902 pointers."""

from __future__ import annotations

import pytest

from mock_server.domain.errors import InvalidInput
from mock_server.http.errors import domain_status
from mock_server.versions.tmf622_v5.patch_query import expand_path, plain_operations

ORDER = {
    "productOrderItem": [
        {"id": "1", "quantity": 1, "productOrderItem": [{"id": "1.1", "state": "held"}]},
        {"id": "2", "quantity": 2, "billingAccount": {"id": "b"}},
        {"id": "3", "quantity": 1, "productOrderItem": [{"id": "3.1", "state": "held"}, {"id": "3.2"}]},
    ],
    "note": [{"id": "n/1"}],
}


@pytest.mark.parametrize(
    ("path", "pointers"),
    [
        ("/productOrderItem/quantity?productOrderItem.id=2", ["/productOrderItem/1/quantity"]),
        ("/productOrderItem?productOrderItem.quantity=1", ["/productOrderItem/0", "/productOrderItem/2"]),
        ("/productOrderItem?productOrderItem.quantity=1&productOrderItem.id=3", ["/productOrderItem/2"]),
        (
            "/productOrderItem/billingAccount/id?productOrderItem.billingAccount.id=b",
            ["/productOrderItem/1/billingAccount/id"],
        ),
        (
            "/productOrderItem/productOrderItem/state?productOrderItem.productOrderItem.state=held",
            ["/productOrderItem/0/productOrderItem/0/state", "/productOrderItem/2/productOrderItem/0/state"],
        ),
        (
            "/productOrderItem/2/productOrderItem?productOrderItem.productOrderItem.id=3.2",
            ["/productOrderItem/2/productOrderItem/1"],
        ),
        ("/note?note.id=n/1", ["/note/0"]),
        ("/productOrderItem/0/quantity", ["/productOrderItem/0/quantity"]),  # no query: a plain pointer
    ],
)
def test_query_paths_select_the_matching_elements(path: str, pointers: list[str]) -> None:
    assert expand_path(ORDER, path) == pointers


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/productOrderItem?productOrderItem.id=9", "selects nothing"),
        ("/note?productOrderItem.id=1", "names no array"),
        ("/productOrderItem?", "no condition"),
        ("/note/id?note.id.x=1&note.id=n/1", "selects nothing"),
    ],
)
def test_impossible_queries_are_a_400(path: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        expand_path(ORDER, path)
    assert domain_status(raised.value) == 400
    assert reason in raised.value.message


def test_removals_run_from_the_last_index_down() -> None:
    operations = plain_operations(
        ORDER, {"op": "remove", "path": "/productOrderItem?productOrderItem.quantity=1"}
    )
    assert [operation["path"] for operation in operations] == ["/productOrderItem/2", "/productOrderItem/0"]
