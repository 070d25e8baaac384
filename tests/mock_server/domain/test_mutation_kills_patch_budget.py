"""The PATCH budget at its edges, as a client sees it: the last byte and the last level that fit, the
first that do not, and the few measurements one patch may ask for. Over real HTTP.

Written for `make mutate` (mutation/README.md): survivors the rest of the suite let through.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from mock_server.domain.patch_budget import SERVER_FIELDS_BYTES
from tests.support.mock import v5_helpers as v5
from tests.support.mock.mock_helpers import TIMEOUT_S, Api, assert_error

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

JSON_PATCH = {"Content-Type": "application/json-patch+json"}
MERGE = {"Content-Type": "application/merge-patch+json"}
MAX_BODY = 8192
#: The largest resource kept: a body's worth plus the server's own fields.
LIMIT = MAX_BODY + SERVER_FIELDS_BYTES


def json_patch(api: Api, order: dict[str, Any], operations: list[Any]) -> Any:
    return api.http.patch(order["href"], data=json.dumps(operations), headers=JSON_PATCH, timeout=TIMEOUT_S)


def size(api: Api, order: dict[str, Any]) -> int:
    """The stored order's size as the budget counts it: its compact JSON."""
    return len(api.http.get(order["href"], timeout=TIMEOUT_S).content)


def test_an_add_that_fits_to_the_byte_is_applied_and_one_byte_more_is_413(make_api: ApiFactory) -> None:
    """An `add` counts its value, its member name with quotes, colon and comma, and the path's slash."""
    api = make_api(max_body_bytes=MAX_BODY)
    order = api.create_order(description="d" * 4500)
    assert api.http.patch(order["href"], json={"a": "a" * 4500}, headers=MERGE).status_code == 200
    room = LIMIT - size(api, order) - len('"/x":,') - len('""')
    too_big = json_patch(api, order, [{"op": "add", "path": "/x", "value": "v" * (room + 1)}])
    assert_error(too_big, 413, f"would exceed {LIMIT} bytes")
    fits = json_patch(api, order, [{"op": "add", "path": "/x", "value": "v" * room}])
    assert fits.status_code == 200, fits.text
    assert len(fits.content) == LIMIT - 1  # the slash counted but not stored
    # A `test` brings no bytes, whatever its value's size: it passes on the order at the limit.
    same = [{"op": "test", "path": "/description", "value": "d" * 4500}]
    assert json_patch(api, order, same).status_code == 200


def test_a_merge_patch_result_of_exactly_the_limit_is_kept(make_api: ApiFactory) -> None:
    api = make_api(max_body_bytes=MAX_BODY)
    order = api.create_order(description="", note=[{"text": "t" * 5000}])
    room = LIMIT - size(api, order)
    too_big = api.http.patch(order["href"], json={"description": "d" * (room + 1)}, headers=MERGE)
    assert_error(too_big, 413, f"would exceed {LIMIT} bytes")
    fits = api.http.patch(order["href"], json={"description": "d" * room}, headers=MERGE)
    assert fits.status_code == 200, fits.text
    assert len(fits.content) == LIMIT


#: Two fields this large fit in an order; a third does not.
FIELD = 4500


def swapped_order(api: Api) -> dict[str, Any]:
    order = api.create_order(description="d" * FIELD)
    assert api.http.patch(order["href"], json={"a": "a" * FIELD}, headers=MERGE).status_code == 200
    return order


def swaps(count: int) -> list[dict[str, Any]]:
    """`count` times: remove the description, copy `a` in its place. Each copy needs a fresh
    measurement (the running estimate only grows), and a patch may ask for four."""
    pair = [{"op": "remove", "path": "/description"}, {"op": "copy", "from": "/a", "path": "/description"}]
    return pair * count


@pytest.mark.parametrize(("count", "status"), [(4, 200), (5, 413)])
def test_a_patch_gets_four_measurements(make_api: ApiFactory, count: int, status: int) -> None:
    api = make_api(max_body_bytes=MAX_BODY)
    order = swapped_order(api)
    answer = json_patch(api, order, swaps(count))
    if status == 200:
        assert answer.status_code == 200, answer.text
    else:  # the fifth swap fits too, but nothing may look: the answer says so
        assert_error(answer, 413, f"could exceed {LIMIT} bytes", "more than 4 measurements", "split")


def test_small_additions_spend_no_measurement(make_api: ApiFactory) -> None:
    """Additions well within the limit are counted, not measured: four swaps still fit after them."""
    api = make_api(max_body_bytes=MAX_BODY)
    order = swapped_order(api)
    small = [{"op": "add", "path": f"/n{number}", "value": "s"} for number in range(6)]
    answer = json_patch(api, order, small + swaps(4))
    assert answer.status_code == 200, answer.text


def test_a_move_adds_no_bytes_but_a_name(make_api: ApiFactory) -> None:
    api = make_api(max_body_bytes=MAX_BODY)
    order = swapped_order(api)  # two 4,500-byte fields: a third would not fit
    moved = json_patch(api, order, [{"op": "move", "from": "/a", "path": "/b"}])
    assert moved.status_code == 200, moved.text
    assert len(moved.json()["b"]) == FIELD


def test_a_copy_counts_the_bytes_it_duplicates(make_api: ApiFactory) -> None:
    api = make_api(max_body_bytes=MAX_BODY)
    order = api.create_order(note=[{"text": "t" * (LIMIT // 3)}])
    copies = [{"op": "copy", "from": "/note/0", "path": "/note/-"}]
    assert json_patch(api, order, copies).status_code == 200
    assert_error(json_patch(api, order, copies * 3), 413, f"{LIMIT} bytes")


def test_a_patch_that_would_build_a_huge_order_is_refused_at_once(make_api: ApiFactory) -> None:
    """Forty copies that each double a value: 100 TB if it were built; the answer comes in time."""
    api = make_api(max_body_bytes=MAX_BODY)
    order = api.create_order()
    operations = [{"op": "add", "path": "/x", "value": ["a" * 100]}]
    operations += [{"op": "copy", "from": "/x", "path": "/x/-"}] * 40
    assert_error(json_patch(api, order, operations), 413, f"{LIMIT} bytes")


def nested_order(api: Api, levels: int) -> dict[str, Any]:
    """An order with `/d/d/...` objects `levels` deep below the root: its deepest object at level
    `levels + 1` (the order itself is level 1)."""
    order = api.create_order()
    chain = [{"op": "add", "path": "/d" * level, "value": {}} for level in range(1, levels + 1)]
    answer = json_patch(api, order, chain)
    assert answer.status_code == 200, answer.text
    patched: dict[str, Any] = answer.json()
    return patched


@pytest.mark.parametrize("value", [["v"], {"k": "v"}])
def test_the_64th_level_is_allowed_and_the_65th_refused(make_api: ApiFactory, value: Any) -> None:
    api = make_api()
    order = nested_order(api, 62)
    inside = "/d" * 62
    deepest = json_patch(api, order, [{"op": "add", "path": f"{inside}/s", "value": "v"}])
    assert deepest.status_code == 200, deepest.text  # "v" at level 64
    shallow = json_patch(api, order, [{"op": "add", "path": "/z", "value": 1}])
    assert shallow.status_code == 200, shallow.text  # the order is 64 deep: an add near the root fits
    for op in ("add", "replace"):
        too_deep = json_patch(api, order, [{"op": op, "path": f"{inside}/s", "value": value}])
        assert_error(too_deep, 400, "nest deeper than 64 levels")


def test_a_wide_value_of_64_brackets_is_measured_not_refused(api: Api) -> None:
    order = api.create_order()
    notes = [{"text": str(number)} for number in range(63)]  # 64 brackets, 3 levels
    answer = json_patch(api, order, [{"op": "add", "path": "/note", "value": notes}])
    assert answer.status_code == 200, answer.text


def test_a_wide_deep_value_appended_below_the_root_is_measured_and_refused(api: Api) -> None:
    """64 brackets or more: the value's depth is measured (here 62 levels, placed at level 4)."""
    order = api.create_order()
    assert json_patch(api, order, [{"op": "add", "path": "/x", "value": [[]]}]).status_code == 200
    deep: Any = [[], [], []]
    for _ in range(60):
        deep = [deep]
    assert_error(json_patch(api, order, [{"op": "add", "path": "/x/0/-", "value": deep}]), 400, "nest deeper")


def many_items(api: Api, count: int) -> dict[str, Any]:
    """A v5 order with `count` items: one query-selecting operation can fan out into one per item."""
    items = [v5.item(str(number)) for number in range(count)]
    return v5.create(api, productOrderItem=items)


@pytest.mark.parametrize(("items", "status"), [(1001, 200), (1002, 400)])
def test_one_operation_may_fan_out_into_a_thousand_more(
    make_api: ApiFactory, items: int, status: int
) -> None:
    """TMF630 JSON Patch Query: one operation per selected item, at most 1,000 beyond the first."""
    api = make_api()
    order = many_items(api, items)
    operation = {"op": "add", "path": "/productOrderItem/quantity?productOrderItem.action=add", "value": 2}
    answer = v5.patch(api, order["id"], v5.JSON_PATCH_QUERY, [operation])
    if status == 200:
        assert answer.status_code == 200, answer.text
        assert {each["quantity"] for each in answer.json()["productOrderItem"]} == {2}
    else:
        v5.assert_v5_error(answer, 400, "fans out into more than 1000 extra operations")


def test_a_patch_that_searches_too_much_is_400(make_api: ApiFactory) -> None:
    """Each selecting operation searches the items: 60 searches of 2,000 items pass 100,000 nodes."""
    api = make_api()
    order = many_items(api, 2000)
    operation = {"op": "add", "path": "/productOrderItem/quantity?productOrderItem.id=7", "value": 2}
    answer = v5.patch(api, order["id"], v5.JSON_PATCH_QUERY, [operation] * 60)
    v5.assert_v5_error(answer, 400, "selects through more than 100000 nodes")
    few = v5.patch(api, order["id"], v5.JSON_PATCH_QUERY, [operation] * 2)
    assert few.status_code == 200, few.text


def test_an_item_state_patched_in_place_is_still_checked(api: Api) -> None:
    """The patch works on a copy: the item as it was is what its new state is checked against."""
    order = api.create_order()
    operation = {"op": "replace", "path": "/productOrderItem/0/state", "value": "completed"}
    assert_error(json_patch(api, order, [operation]), 409, "productOrderItem '1'")
    assert api.http.get(order["href"], timeout=TIMEOUT_S).json() == order


def test_a_copy_into_its_own_depths_is_400(api: Api) -> None:
    """A 40-level chain copied 31 levels further down would nest 72 deep: refused, nothing changed."""
    order = nested_order(api, 40)
    copy = {"op": "copy", "from": "/d", "path": "/d" * 31 + "/x"}
    assert_error(json_patch(api, order, [copy]), 400, "nest deeper than 64 levels")
    assert api.http.get(order["href"], timeout=TIMEOUT_S).json() == order
    fits = {"op": "copy", "from": "/d" * 20, "path": "/d" * 39 + "/x"}  # 21 levels down, 21 deep: 61
    assert json_patch(api, order, [fits]).status_code == 200


def test_a_move_onto_an_order_a_name_short_of_the_limit_fits(make_api: ApiFactory) -> None:
    """A move brings no bytes, only the new member's name (`"b":` and a comma): at exactly that room
    it is applied."""
    api = make_api(max_body_bytes=MAX_BODY)
    order = swapped_order(api)  # two 4,500-byte fields
    room = len('"/b":,')
    assert api.http.patch(order["href"], json={"c": ""}, headers=MERGE).status_code == 200
    for _ in range(2):  # the second pass corrects for fields the first patch changed
        padding = len(api.http.get(order["href"], timeout=TIMEOUT_S).json()["c"])
        padding += LIMIT - room - size(api, order)
        patched = api.http.patch(order["href"], json={"c": "c" * padding}, headers=MERGE)
        assert patched.status_code == 200, patched.text
    assert size(api, order) == LIMIT - room
    moved = json_patch(api, order, [{"op": "move", "from": "/a", "path": "/b"}])
    assert moved.status_code == 200, moved.text


def test_a_move_beside_itself_at_the_deepest_level_fits(make_api: ApiFactory) -> None:
    """A move to a sibling takes its subtree no deeper: allowed on an order already 64 levels deep."""
    api = make_api()
    order = nested_order(api, 62)
    inside = "/d" * 62
    assert json_patch(api, order, [{"op": "add", "path": f"{inside}/s", "value": "v"}]).status_code == 200
    moved = json_patch(api, order, [{"op": "move", "from": f"{inside}/s", "path": f"{inside}/t"}])
    assert moved.status_code == 200, moved.text


@pytest.mark.parametrize(("operations", "status"), [(50, 200), (51, 400)])
def test_a_patch_may_search_exactly_a_hundred_thousand_nodes(
    make_api: ApiFactory, operations: int, status: int
) -> None:
    """A search of 999 items looks at 2 * 999 + 2 nodes: fifty of them are the whole allowance."""
    api = make_api()
    order = many_items(api, 999)
    operation = {"op": "add", "path": "/productOrderItem/quantity?productOrderItem.id=7", "value": 2}
    answer = v5.patch(api, order["id"], v5.JSON_PATCH_QUERY, [operation] * operations)
    if status == 200:
        assert answer.status_code == 200, answer.text
    else:
        v5.assert_v5_error(answer, 400, "selects through more than 100000 nodes")


def test_a_second_copy_down_is_judged_on_the_depth_the_first_one_made(api: Api) -> None:
    """Each copy takes a 21-level subtree 20 levels further down: the first makes the order 61 deep, the
    second would make it 81, the twelve after it over 250 (past what the JSON encoder nests)."""
    order = nested_order(api, 40)
    down = {"op": "copy", "from": "/d" * 20, "path": "/d" * 39 + "/x"}
    again = [{"op": "copy", "from": "/d" * 20, "path": "/d" * 39 + f"/y{n}"} for n in range(12)]
    assert_error(json_patch(api, order, [down, *again]), 400, "nest deeper than 64 levels")
    assert api.http.get(order["href"], timeout=TIMEOUT_S).json() == order
    assert json_patch(api, order, [down]).status_code == 200


def test_an_add_reaching_exactly_the_limit_spends_no_measurement(make_api: ApiFactory) -> None:
    """The estimate landing on the limit itself needs no look at the document: four swaps after it still
    get their four measurements."""
    api = make_api(max_body_bytes=MAX_BODY)
    order = swapped_order(api)
    room = LIMIT - size(api, order) - len('"/x":,') - len('""')
    to_the_limit = {"op": "add", "path": "/x", "value": "v" * room}
    answer = json_patch(api, order, [to_the_limit, *swaps(4)])
    assert answer.status_code == 200, answer.text


def test_a_wide_shallow_value_added_deep_is_judged_on_its_depth(api: Api) -> None:
    """Eleven empty arrays in one: 12 brackets but 2 levels. Placed at level 54 it ends at level 55."""
    order = nested_order(api, 52)
    wide = [[] for _ in range(11)]
    answer = json_patch(api, order, [{"op": "add", "path": "/d" * 52 + "/w", "value": wide}])
    assert answer.status_code == 200, answer.text


def test_a_value_placed_exactly_at_the_deepest_level_spends_no_measurement(api: Api) -> None:
    """On an order 63 levels deep, each copy of a subtree one level further down needs a measurement (and
    fits once it is removed again): a patch gets four, none of them spent on a value at level 64 itself."""
    order = nested_order(api, 62)  # its deepest object, `inside`, at level 63
    inside = "/d" * 62
    at_64 = [{"op": "add", "path": f"{inside}/s", "value": "v"}, {"op": "remove", "path": f"{inside}/s"}]
    one_down = [
        {"op": "copy", "from": f"{inside}", "path": f"{inside}/c"},
        {"op": "remove", "path": f"{inside}/c"},
    ]
    answer = json_patch(api, order, at_64 + one_down * 4)
    assert answer.status_code == 200, answer.text
    assert_error(json_patch(api, order, at_64 + one_down * 5), 400, "nest deeper than 64 levels")


ITEM = "/productOrderItem/0"


def item_chain(api: Api, order: dict[str, Any], objects: int, leaf: str) -> None:
    """`objects` nested objects `/d/d/...` inside the order's item (the item is level 3), the last
    holding `{"s": leaf}`: every bracket of the order but its `relatedParty` on one path."""
    chain = [{"op": "add", "path": ITEM + "/d" * level, "value": {}} for level in range(1, objects + 1)]
    chain.append({"op": "add", "path": ITEM + "/d" * objects + "/s", "value": leaf})
    answer = json_patch(api, order, chain)
    assert answer.status_code == 200, answer.text


def starting_estimate(api: Api, order: dict[str, Any]) -> int:
    """The depth a patch starts from without looking: the stored order's brackets plus one (the
    deepest a value of that many brackets can reach)."""
    stored = api.http.get(order["href"], timeout=TIMEOUT_S).content
    return stored.count(b"[") + stored.count(b"{") + 1


def test_a_chain_moved_one_level_below_the_64th_is_400(api: Api) -> None:
    """An order 64 levels deep, every level but one bracket of it on one path: its bracket count is
    all the depth there is, and a move one level down is measured and refused; a move beside is not."""
    order = api.create_order()
    item_chain(api, order, 60, "v")  # item at level 3, the objects at 4..63, "v" at 64
    before = api.http.get(order["href"], timeout=TIMEOUT_S).json()
    down = [
        {"op": "add", "path": f"{ITEM}/e", "value": {}},
        {"op": "move", "from": f"{ITEM}/d", "path": f"{ITEM}/e/d"},
    ]
    assert_error(json_patch(api, order, down), 400, "would nest deeper than 64 levels")
    assert api.http.get(order["href"], timeout=TIMEOUT_S).json() == before
    beside = json_patch(api, order, [{"op": "move", "from": f"{ITEM}/d", "path": f"{ITEM}/e"}])
    assert beside.status_code == 200, beside.text


def exhausted(api: Api) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """An order, and the start of a patch that spends all four of its measurements (on size)."""
    order = swapped_order(api)
    return order, swaps(4)


def test_past_its_measurements_a_patch_may_still_fill_what_the_estimate_leaves(make_api: ApiFactory) -> None:
    """After four measurements a move is judged on the starting estimate: a value moved exactly to the
    64th level it leaves is applied; one level further is refused as unconfirmed, though it would fit
    (and does, in a patch with a measurement left)."""
    api = make_api(max_body_bytes=MAX_BODY)
    order, spend = exhausted(api)
    item_chain(api, order, 29, "v")
    down = 62 - starting_estimate(api, order)  # moving /x below `down` objects lifts it `down` + 2 levels
    assert 1 <= down < 29

    def move_x(objects: int) -> list[dict[str, Any]]:
        target = ITEM + "/d" * objects + "/x"
        return [{"op": "add", "path": "/x", "value": "v"}, {"op": "move", "from": "/x", "path": target}]

    exact = json_patch(api, order, spend + move_x(down))
    assert exact.status_code == 200, exact.text
    unconfirmed = json_patch(api, order, spend + move_x(down + 1))
    assert_error(unconfirmed, 400, "could nest deeper than 64 levels", "split the patch")
    assert json_patch(api, order, move_x(down + 1)).status_code == 200


def test_past_its_measurements_a_chain_value_counts_its_own_depth(make_api: ApiFactory) -> None:
    """A chain of 31 objects added at /v reaches level 33 (its brackets tell it exactly): a value
    then moved 31 levels down inside it is at most at level 64, applied with no measurement left."""
    api = make_api(max_body_bytes=MAX_BODY)
    order, spend = exhausted(api)
    assert starting_estimate(api, order) < 33
    chain: Any = "v"
    for _ in range(31):
        chain = {"a": chain}
    operations = [
        {"op": "add", "path": "/v", "value": chain},
        {"op": "add", "path": "/x", "value": "v"},
        {"op": "move", "from": "/x", "path": "/v" + "/a" * 30 + "/y"},
    ]
    answer = json_patch(api, order, spend + operations)
    assert answer.status_code == 200, answer.text


def test_past_its_measurements_a_wide_value_counts_as_deep_as_its_brackets(make_api: ApiFactory) -> None:
    """Sixty-one empty arrays in one (62 brackets, 2 levels) added at /w could reach level 64 for all
    a bracket count tells: with no measurement left, a move two levels down into it is refused as
    unconfirmed; with one left, it is measured and applied."""
    api = make_api(max_body_bytes=MAX_BODY)
    order, spend = exhausted(api)
    operations = [
        {"op": "add", "path": "/w", "value": [[] for _ in range(61)]},
        {"op": "add", "path": "/x", "value": "v"},
        {"op": "move", "from": "/x", "path": "/w/0/-"},
    ]
    assert_error(json_patch(api, order, spend + operations), 400, "could nest deeper", "split the patch")
    answer = json_patch(api, order, operations)
    assert answer.status_code == 200, answer.text
    assert answer.json()["w"][0] == ["v"]


def test_past_its_measurements_a_value_too_deep_is_said_to_be(make_api: ApiFactory) -> None:
    """A value's own depth is exact once it is over the limit: the refusal is a finding, not a guess."""
    api = make_api(max_body_bytes=MAX_BODY)
    order, spend = exhausted(api)
    deep: Any = "v"
    for _ in range(59):
        deep = [deep]  # 60 levels: placed at level 6, its scalar would be at 65
    operations = [
        {"op": "add", "path": "/p", "value": {"q": {"r": {"s": {}}}}},
        {"op": "add", "path": "/p/q/r/s/deep", "value": deep},
    ]
    assert_error(json_patch(api, order, spend + operations), 400, "would nest deeper than 64 levels")


def test_a_refusal_on_the_last_measurement_is_a_finding(make_api: ApiFactory) -> None:
    """Three swaps spend three measurements; the fourth shows the order really too large, or really too
    deep: the answer says it would be, not that it could."""
    api = make_api(max_body_bytes=MAX_BODY)
    order = swapped_order(api)
    third_field = {"op": "copy", "from": "/a", "path": "/b"}
    assert_error(json_patch(api, order, [*swaps(3), third_field]), 413, f"would exceed {LIMIT} bytes")
    item_chain(api, order, 60, "v")  # 64 levels deep
    down = [
        {"op": "add", "path": f"{ITEM}/e", "value": {}},
        {"op": "move", "from": f"{ITEM}/d", "path": f"{ITEM}/e/d"},
    ]
    assert_error(json_patch(api, order, [*swaps(3), *down]), 400, "would nest deeper than 64 levels")
