"""PATCH results are bounded like request bodies (size and nesting), and a request either fully succeeds
or changes nothing, over real HTTP on both stores (issue 11, "Input that must not hurt it")."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from mock_server.domain.events import Resource
from mock_server.domain.patch_budget import SERVER_FIELDS_BYTES
from tests.support.mock.mock_helpers import Api, assert_error

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

JSON_PATCH = {"Content-Type": "application/json-patch+json"}
MERGE = {"Content-Type": "application/merge-patch+json"}
#: Small limits keep the old behaviour (a result many times the limit) cheap to show.
LIMIT = 16 * 1024


def json_patch(api: Api, order: dict[str, Any], operations: list[Any]) -> Any:
    return api.http.patch(order["href"], data=json.dumps(operations), headers=JSON_PATCH)


def assert_unchanged(api: Api, order: dict[str, Any]) -> None:
    assert api.http.get(order["href"]).json() == order
    assert [name for name, _ in api.events.events] == ["productOrderCreateEvent"]


def doubling(times: int, text_bytes: int = 100) -> list[dict[str, Any]]:
    """One `add` then `copy` operations that each double the order (the issue's 1.2 KB patch)."""
    operations: list[dict[str, Any]] = [{"op": "add", "path": "/x", "value": ["a" * text_bytes]}]
    return operations + [{"op": "copy", "from": "/x", "path": "/x/-"}] * times


def nesting(levels: int) -> list[dict[str, Any]]:
    """`add` operations each one level deeper: /d, /d/d, /d/d/d, ..."""
    return [{"op": "add", "path": "/d" * level, "value": {}} for level in range(1, levels + 1)]


def test_copies_that_double_the_order_are_413_before_the_result_is_built(make_api: ApiFactory) -> None:
    api = make_api(max_body_bytes=LIMIT)
    order = api.create_order()
    operations = doubling(20)  # 100 bytes * 2**20: about 100 MB if it were built
    assert len(json.dumps(operations)) < 1500
    body = assert_error(json_patch(api, order, operations), 413, f"{LIMIT + SERVER_FIELDS_BYTES} bytes")
    assert body["reason"] == "Request Entity Too Large"
    assert_unchanged(api, order)


def test_copies_within_the_limit_are_applied(make_api: ApiFactory) -> None:
    api = make_api(max_body_bytes=LIMIT)
    order = api.create_order()
    response = json_patch(api, order, doubling(4))
    assert response.status_code == 200, response.text
    assert len(json.dumps(response.json()["x"])) > 16 * 100
    assert api.http.get(order["href"]).json() == response.json()


def test_a_patch_that_swaps_large_values_is_measured_not_refused(make_api: ApiFactory) -> None:
    """The running estimate only grows; past the limit the document is measured before refusing."""
    api = make_api(max_body_bytes=LIMIT)
    order = api.create_order(description="d" * (LIMIT * 3 // 4))
    operations = [
        {"op": "remove", "path": "/description"},
        {"op": "add", "path": "/description", "value": "e" * (LIMIT * 3 // 4)},
    ]
    response = json_patch(api, order, operations)
    assert response.status_code == 200, response.text
    assert response.json()["description"].startswith("eee")


def test_a_merge_patch_cannot_grow_an_order_past_the_limit(make_api: ApiFactory) -> None:
    api = make_api(max_body_bytes=LIMIT)
    order = api.create_order(description="d" * (LIMIT - 200))
    body = json.dumps({"note": [{"text": "n" * (LIMIT - 200)}]})
    assert len(body) <= LIMIT
    response = api.http.patch(order["href"], data=body, headers=MERGE)
    assert_error(response, 413, "would exceed")
    assert_unchanged(api, order)


def test_a_patch_nesting_past_the_limit_is_400_and_changes_nothing(api: Api) -> None:
    order = api.create_order()
    assert_error(json_patch(api, order, nesting(70)), 400, "nest deeper than 64 levels")
    assert_unchanged(api, order)
    assert json_patch(api, order, nesting(60)).status_code == 200


def test_wide_but_shallow_values_are_not_taken_for_deep_ones(api: Api) -> None:
    """A bracket count decides cheaply only when small; 100 notes hold 101 brackets at depth 3."""
    order = api.create_order()
    notes = [{"text": str(number)} for number in range(100)]
    response = json_patch(api, order, [{"op": "add", "path": "/note", "value": notes}])
    assert response.status_code == 200, response.text
    copied = json_patch(api, order, [{"op": "copy", "from": "/note", "path": "/productOrderItem/0/note"}])
    assert copied.status_code == 200, copied.text


@pytest.mark.parametrize("into", ["/x/0", "/y"])
def test_copies_and_moves_that_nest_deeper_are_400(api: Api, into: str) -> None:
    """Copying a 60-level subtree into its own leaf doubles the depth (500 on the old mock from 500)."""
    order = api.create_order()
    deep: Any = "leaf"
    for _ in range(59):
        deep = [deep]
    assert json_patch(api, order, [{"op": "add", "path": "/x", "value": deep}]).status_code == 200
    order = api.http.get(order["href"]).json()
    leaf = "/x" + "/0" * 58
    moves = [{"op": "add", "path": "/y", "value": {}}, {"op": "move", "from": "/x", "path": f"/y{leaf}"}]
    copies = [{"op": "copy", "from": "/x", "path": f"{leaf}/-"}] * 4
    operations = copies if into == "/x/0" else moves
    assert_error(json_patch(api, order, operations), 400, "nest deeper")
    assert api.http.get(order["href"]).json() == order


def test_a_deep_result_with_a_hub_subscriber_changes_nothing(make_api: ApiFactory) -> None:
    """With a subscription, the old mock committed the change and then answered 500 (event copy)."""
    api = make_api()
    hub = api.http.post(api.url("hub"), json={"callback": "http://127.0.0.1:9/listener"})
    assert hub.status_code == 201, hub.text
    order = api.create_order()
    deep: Any = {}
    for _ in range(60):
        deep = {"d": deep}
    setup = json_patch(api, order, [{"op": "add", "path": "/x", "value": deep}])
    assert setup.status_code == 200
    copies = [{"op": "copy", "from": "/x", "path": "/x" + "/d" * 58 + "/e"}] * 4
    assert_error(json_patch(api, order, copies), 400, "nest deeper")
    assert api.http.get(order["href"]).json() == setup.json()
    after = api.http.patch(order["href"], json={"description": "later"}, headers=MERGE)
    assert after.status_code == 200
    assert api.http.delete(order["href"]).status_code == 204


class FailingSink:
    """An event sink that fails every publish, as a broken notifier or observer would."""

    def publish(self, event_type: str, resource: Resource, *, field_path: Any = ()) -> None:
        raise RuntimeError(f"cannot publish {event_type}")


def test_a_failing_event_sink_never_fails_a_stored_change(
    make_api: ApiFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """Events follow the write: their failure is logged, and the answer says what was stored."""
    api = make_api(events=FailingSink())
    order = api.create_order()
    assert "productOrderCreateEvent about" in caplog.text
    patched = api.http.patch(order["href"], json={"description": "kept"}, headers=MERGE)
    assert patched.status_code == 200, patched.text
    assert api.http.get(order["href"]).json()["description"] == "kept"
    assert api.http.delete(order["href"]).status_code == 204
    assert api.http.get(order["href"]).status_code == 404
