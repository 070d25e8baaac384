"""The v5 extended behaviour checks on answers the sensitivity tests do not give: the reason a user reads
for each check, against the v5 fake over loopback, a few of its answers rewritten on the way out.

Written for `make mutate` (scripts/mutation/README.md): each test fails when a rule of
kits/extended/v5/rules.py is broken.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

import ctk_suite.kits.extended.versions  # noqa: F401 - registers every version's probes and checks
from tests.support.app_thread import serving_app
from tests.support.extended5_helpers import check_reasons, payload
from tests.support.fakes.v5 import BASE_PATH, EXTENDED, FakeV5

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
#: Rewrites the JSON body of an answer to `method` (None: left as it is).
Rewrite = Callable[[Any], Any]


def answering(method: str, rewrite: Rewrite, under: str = "/") -> Any:
    """A middleware that passes every answer to `method` on a path holding `under` with a JSON body
    through `rewrite`."""

    @web.middleware
    async def rewritten(request: web.Request, handler: Handler) -> web.StreamResponse:
        answer = await handler(request)
        if request.method != method or under not in request.path or answer.status >= 300:
            return answer
        assert isinstance(answer, web.Response)
        assert isinstance(answer.body, bytes)
        body = rewrite(json.loads(answer.body))
        return web.json_response(
            body, status=answer.status, headers={"Location": answer.headers.get("Location", "")}
        )

    return rewritten


def reasons(
    *checks: str,
    defects: tuple[str, ...] = (),
    middleware: Any = None,
    body: Callable[[], dict[str, Any]] = payload,
) -> dict[str, str | None]:
    """The reason each of `checks` gives (None: passed), evaluated alone as a run with `-k` would; `body`
    makes the create's body."""
    app = FakeV5(EXTENDED, frozenset(defects)).app()
    if middleware is not None:
        app.middlewares.append(middleware)
    with serving_app(app, BASE_PATH) as url:
        return check_reasons(url, checks, body)


def test_a_patch_media_type_refused_with_415_is_not_run_and_says_why() -> None:
    found = reasons("TMF622-v5-PATCH-JSON", defects=("json_patch_415",))
    assert str(found["TMF622-v5-PATCH-JSON"]).endswith(
        "answered 415: the server does not support this media type"
    )


def test_a_patch_answered_with_the_old_value_but_stored_fails_on_its_answer() -> None:
    stale = answering("PATCH", lambda order: {**order, "description": "stale"})
    found = reasons("TMF622-v5-PATCH-MERGE", middleware=stale)
    reason = str(found["TMF622-v5-PATCH-MERGE"])
    assert reason.startswith("PATCH /productOrder/po-1 (merge patch): $.description: expected a string ")
    assert reason.endswith(
        'seen a string "stale"'
    )  # the read-back holds the patched value: no second failure


def test_a_read_back_without_items_fails_the_patch_query_check_with_what_it_lacks() -> None:
    itemless = answering("GET", lambda order: {k: v for k, v in order.items() if k != "productOrderItem"})
    assert reasons("TMF622-v5-PATCH-QUERY", middleware=itemless) == {
        "TMF622-v5-PATCH-QUERY": "GET /productOrder/po-1 (read back after json patch query): "
        "$.productOrderItem[*].quantity: expected an object with keys 100, seen an object with keys (none)"
    }


def test_a_selection_answered_without_the_selected_attribute_names_it() -> None:
    stateless = answering("POST", lambda order: {k: v for k, v in order.items() if k != "state"})
    assert reasons("TMF622-v5-FIELDS-POST", middleware=stateless) == {
        "TMF622-v5-FIELDS-POST": "POST /productOrder?fields=state (create with fields): "
        "$.state: expected the selected attribute, seen absent"
    }


def test_a_selection_answered_whole_names_what_it_should_have_left_out() -> None:
    assert reasons("TMF622-v5-FIELDS-POST", defects=("fields_ignored",)) == {
        "TMF622-v5-FIELDS-POST": "POST /productOrder?fields=state (create with fields): "
        "$: expected only @type, href, id, state, seen also category, creationDate, description, "
        "externalId, note, priority, productOrderItem, relatedParty, requestedCompletionDate"
    }


def test_a_202_that_cannot_be_followed_is_judged_against_the_status_the_request_wanted() -> None:
    assert reasons("TMF622-v5-FIELDS-POST", defects=("async_no_location",)) == {
        "TMF622-v5-FIELDS-POST": "POST /productOrder?fields=state (create with fields): "
        "status: expected HTTP 201, seen HTTP 202"
    }


def test_a_202_followed_to_something_other_than_an_object_fails() -> None:
    listed = answering("GET", lambda task: [task], under="/cancelProductOrder/")
    assert reasons("TMF622-v5-CANCEL", defects=("async",), middleware=listed) == {
        "TMF622-v5-CANCEL": "GET /cancelProductOrder/cpo-3 (follow the 202 of cancel): "
        "$: expected a JSON object, seen an array of 1 item"
    }


def json_patch_answered(status: int, empty: bool = False) -> Any:
    """A middleware: JSON Patch applied, yet answered `status` with the order (or, `empty`, no body)."""

    @web.middleware
    async def rewritten(request: web.Request, handler: Handler) -> web.StreamResponse:
        answer = await handler(request)
        if request.content_type != "application/json-patch+json":
            return answer
        assert isinstance(answer, web.Response)
        body = b"" if empty else answer.body
        return web.Response(body=body, status=status, content_type="application/json")

    return rewritten


def test_a_400_is_judged_as_an_error_whatever_the_request_expected() -> None:
    """A 400 (the first error status) carries a TMF Error, whatever a success would have carried."""
    patch = "PATCH /productOrder/po-1 (json patch): $: expected valid Error (required), seen "
    assert reasons("TMF622-v5-SCHEMA-O", middleware=json_patch_answered(400)) == {
        "TMF622-v5-SCHEMA-O": f"{patch}'code' is a required property; {patch}'reason' is a required property"
    }


def test_a_success_without_a_body_fails_the_schema_sweep() -> None:
    """Only a 202 (processing goes on) or a 204 may come without one."""
    assert reasons("TMF622-v5-SCHEMA-O", middleware=json_patch_answered(200, empty=True)) == {
        "TMF622-v5-SCHEMA-O": "PATCH /productOrder/po-1 (json patch): body is not JSON: (empty body)"
    }


def test_a_204_without_a_body_passes_the_schema_sweep() -> None:
    """No Content has no schema to meet, even where a success would have carried the order."""
    assert reasons("TMF622-v5-SCHEMA-O", middleware=json_patch_answered(204, empty=True)) == {
        "TMF622-v5-SCHEMA-O": None
    }


@web.middleware
async def delete_answered_with_a_body(request: web.Request, handler: Handler) -> web.StreamResponse:
    """DELETE of an order done, yet answered 200 with a body where none is expected."""
    answer = await handler(request)
    if request.method != "DELETE" or "/productOrder/" not in request.path:
        return answer
    return web.json_response({"deleted": True})


def test_a_body_where_none_is_expected_fails_the_schema_sweep() -> None:
    assert reasons("TMF622-v5-SCHEMA-O", middleware=delete_answered_with_a_body) == {
        "TMF622-v5-SCHEMA-O": "DELETE /productOrder/po-9 (delete): $: expected no body, seen 17 bytes"
    }


def refusing(media: str) -> Any:
    """A middleware: every PATCH in `media` answered 415, as by a server that does not take it."""

    @web.middleware
    async def refused(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method == "PATCH" and request.content_type == media:
            return web.json_response({"code": "415", "reason": "not here"}, status=415)
        return await handler(request)

    return refused


def test_a_json_patch_query_refused_with_415_is_not_run_and_says_why() -> None:
    found = reasons("TMF622-v5-PATCH-QUERY", middleware=refusing("application/json-patch-query+json"))
    assert found == {
        "TMF622-v5-PATCH-QUERY": "PATCH /productOrder/po-1 (json patch query) answered 415: "
        "the server does not support JSON Patch Query"
    }


def two_items() -> dict[str, Any]:
    """The kit's create body with a second item (id 200, quantity 3) beside the first (id 100)."""
    order = payload()
    order["productOrderItem"].append({**order["productOrderItem"][0], "id": "200", "quantity": 3})
    return order


def test_a_patch_query_on_one_item_of_two_passes_when_the_other_is_left_as_it_was() -> None:
    assert reasons("TMF622-v5-PATCH-QUERY", body=two_items) == {"TMF622-v5-PATCH-QUERY": None}


def test_a_patch_query_that_changes_every_item_fails() -> None:
    """The selector names one item: a server that sets the quantity of all of them is wrong."""

    def every_item(order: Any) -> Any:
        items = [{**item, "quantity": 9} for item in order["productOrderItem"]]
        return {**order, "productOrderItem": items}

    found = reasons("TMF622-v5-PATCH-QUERY", body=two_items, middleware=answering("GET", every_item))
    assert str(found["TMF622-v5-PATCH-QUERY"]).startswith(
        "GET /productOrder/po-1 (read back after json patch query): $.productOrderItem[*].quantity: "
    )


def test_a_draft_created_in_another_state_fails_on_its_state() -> None:
    """Asked for `requestedInitialState: draft`, the server creates the order acknowledged."""

    def acknowledged(order: Any) -> Any:
        return {**order, "state": "acknowledged"} if order.get("state") == "draft" else order

    found = reasons("TMF622-v5-DRAFT", middleware=answering("POST", acknowledged))
    assert found == {
        "TMF622-v5-DRAFT": 'POST /productOrder (create in draft): $.state: expected a string "draft", '
        'seen a string "acknowledged"'
    }


def test_a_draft_that_cannot_be_merge_patched_is_not_run_and_says_why() -> None:
    found = reasons("TMF622-v5-DRAFT", middleware=refusing("application/merge-patch+json"))
    assert found == {
        "TMF622-v5-DRAFT": "the merge patch answered 415: the draft cannot be moved to acknowledged"
    }


def test_a_server_that_never_answers_202_has_the_async_check_not_run_saying_why() -> None:
    assert reasons("TMF622-v5-ASYNC-202") == {
        "TMF622-v5-ASYNC-202": "no answer was 202: the server processed every request synchronously"
    }


def test_a_202_without_a_location_fails_the_async_check_naming_the_header() -> None:
    found = str(reasons("TMF622-v5-ASYNC-202", defects=("async_no_location",))["TMF622-v5-ASYNC-202"])
    assert found.startswith(
        "POST /productOrder (create): header Location: expected the URL of the accepted resource, "
        "in the API, seen null; "
    )


@web.middleware
async def accepted_elsewhere(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every 202 of a create points its Location outside the API."""
    answer = await handler(request)
    if answer.status == 202 and request.method == "POST":
        answer.headers["Location"] = "http://elsewhere.example/task/1"
    return answer


def test_a_202_whose_location_is_outside_the_api_fails_showing_that_location() -> None:
    found = reasons("TMF622-v5-ASYNC-202", defects=("async",), middleware=accepted_elsewhere)
    assert str(found["TMF622-v5-ASYNC-202"]).startswith(
        "POST /productOrder (create): header Location: expected the URL of the accepted resource, "
        'in the API, seen a string "http://elsewhere.example/task/1"'
    )


def deleting(status: int, body: Any = None) -> Any:
    """A middleware: DELETE of an order done, then answered `status` (with `body` as JSON, if any)."""

    @web.middleware
    async def answered_as(request: web.Request, handler: Handler) -> web.StreamResponse:
        answer = await handler(request)
        if request.method != "DELETE" or "/productOrder/" not in request.path:
            return answer
        return web.Response(status=status) if body is None else web.json_response(body, status=status)

    return answered_as


def test_a_delete_answered_501_is_not_run_and_says_why() -> None:
    assert reasons("TMF622-v5-DELETE", middleware=deleting(501)) == {
        "TMF622-v5-DELETE": "DELETE /productOrder/po-1 (delete) answered HTTP 501: DELETE is not supported"
    }


def test_a_delete_answered_202_with_a_body_passes() -> None:
    """A 202 may say what was accepted (only a 204 must be empty); the order is gone when read back."""
    assert reasons("TMF622-v5-DELETE", middleware=deleting(202, {"state": "accepted"})) == {
        "TMF622-v5-DELETE": None
    }


@web.middleware
async def gone_without_an_error(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A read of a missing order answered 404 with a body that is no TMF Error."""
    answer = await handler(request)
    if request.method == "GET" and answer.status == 404:
        return web.json_response({"message": "gone"}, status=404)
    return answer


def test_a_deleted_order_read_back_as_404_must_carry_an_error() -> None:
    found = str(reasons("TMF622-v5-DELETE", middleware=gone_without_an_error)["TMF622-v5-DELETE"])
    assert found.startswith("GET /productOrder/po-1 (read back after the delete): $: expected valid Error")


def test_a_cancel_naming_another_order_fails_on_that_order() -> None:
    other = answering(
        "POST", lambda task: {**task, "productOrder": {"id": "po-other"}}, "/cancelProductOrder"
    )
    assert reasons("TMF622-v5-CANCEL", middleware=other) == {
        "TMF622-v5-CANCEL": "POST /cancelProductOrder (cancel): $.productOrder.id: "
        'expected a string "po-1", seen a string "po-other"'
    }


def test_a_cancel_task_without_a_state_names_each_fault_of_its_answer() -> None:
    """Another order and an empty state: both are reported, each where it is."""
    odd = answering(
        "POST", lambda task: {**task, "productOrder": {"id": "po-other"}, "state": ""}, "/cancelProductOrder"
    )
    assert reasons("TMF622-v5-CANCEL", middleware=odd) == {
        "TMF622-v5-CANCEL": "POST /cancelProductOrder (cancel): $.productOrder.id: "
        'expected a string "po-1", seen a string "po-other"; '
        'POST /cancelProductOrder (cancel): $.state: expected a non-empty string, seen a string ""'
    }


def test_a_merge_patch_refused_with_415_has_fields_on_patch_not_run_saying_why() -> None:
    found = reasons("TMF622-v5-FIELDS-PATCH", middleware=refusing("application/merge-patch+json"))
    assert found == {
        "TMF622-v5-FIELDS-PATCH": "the merge patch answered 415: fields on PATCH cannot be tried"
    }


def test_a_patch_with_fields_answered_but_not_stored_fails_on_the_read_back() -> None:
    forgotten = answering("GET", lambda order: {**order, "description": "as before"}, under="/productOrder/")
    reason = str(reasons("TMF622-v5-FIELDS-PATCH", middleware=forgotten)["TMF622-v5-FIELDS-PATCH"])
    assert re.fullmatch(
        r"GET /productOrder/po-1 \(read back after merge patch with fields\): \$\.description: "
        r'expected a string "tmf622-ctk extended check \w+", seen a string "as before"',
        reason,
    ), reason


def test_a_server_without_a_hub_has_the_hub_check_not_run_saying_why() -> None:
    assert reasons("TMF622-v5-HUB", defects=("hub_405",)) == {
        "TMF622-v5-HUB": "POST /hub (register the listener) answered HTTP 405: the server has no hub"
    }


CALLBACK_MOVED = (
    r'POST /hub \(register the listener\): \$\.callback: expected a string "http://127\.0\.0\.1:\d+", '
    r'seen a string "http://elsewhere\.example/listener"'
)


def hub_answered(**changed: Any) -> Any:
    """A middleware: the hub's registration answered with `changed` members."""
    return answering("POST", lambda hub: {**hub, **changed}, under="/hub")


def test_a_hub_answered_with_another_callback_fails_naming_it() -> None:
    moved = hub_answered(callback="http://elsewhere.example/listener")
    reason = str(reasons("TMF622-v5-HUB", middleware=moved)["TMF622-v5-HUB"])
    assert re.fullmatch(CALLBACK_MOVED, reason), reason


def test_a_hub_answered_with_another_callback_and_a_number_for_id_fails_on_both() -> None:
    moved = hub_answered(callback="http://elsewhere.example/listener", id=5)
    reason = str(reasons("TMF622-v5-HUB", middleware=moved)["TMF622-v5-HUB"])
    assert re.fullmatch(
        CALLBACK_MOVED + r"; POST /hub \(register the listener\): \$\.id: expected a non-empty string, "
        r"seen a number 5",
        reason,
    ), reason


def test_a_hub_answered_with_an_empty_id_fails_on_it_rather_than_going_unchecked() -> None:
    assert reasons("TMF622-v5-HUB", middleware=hub_answered(id="")) == {
        "TMF622-v5-HUB": "POST /hub (register the listener): "
        '$.id: expected a non-empty string, seen a string ""'
    }


def test_a_server_without_drafts_has_the_draft_check_not_run_saying_why() -> None:
    assert reasons("TMF622-v5-DRAFT", defects=("draft_400",)) == {
        "TMF622-v5-DRAFT": "POST /productOrder (create in draft) answered HTTP 400: "
        "the server takes no draft orders"
    }


@web.middleware
async def selection_accepted_elsewhere(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Only the 202 of the create with `?fields=` points its Location outside the API; every other 202
    is followed to its resource."""
    answer = await handler(request)
    if answer.status == 202 and request.method == "POST" and "fields" in request.query:
        answer.headers["Location"] = "http://elsewhere.example/task/1"
    return answer


def test_one_unfollowable_202_among_followed_ones_fails_the_async_check() -> None:
    assert reasons("TMF622-v5-ASYNC-202", defects=("async",), middleware=selection_accepted_elsewhere) == {
        "TMF622-v5-ASYNC-202": "POST /productOrder?fields=state (create with fields): header Location: "
        'expected the URL of the accepted resource, in the API, seen a string "http://elsewhere.example/task/1"'
    }


def test_a_cancellation_read_back_under_another_id_fails_on_it() -> None:
    renamed = answering("GET", lambda task: {**task, "id": "cpo-other"}, under="/cancelProductOrder/")
    assert reasons("TMF622-v5-CANCEL", middleware=renamed) == {
        "TMF622-v5-CANCEL": "GET /cancelProductOrder/cpo-3 (retrieve the cancellation): "
        '$.id: expected a string "cpo-3", seen a string "cpo-other"'
    }
