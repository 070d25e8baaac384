"""The check kinds on answers their tests did not try, judged by what a user reads: the reason and kind of an
assertion in summary.json, a check's rendered message, the error of a kit file that names a bad type.

Written for `make mutate` (scripts/mutation/README.md): each test fails when a rule of
kits/official/checks/kinds.py is broken.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from ctk_suite.core.failures import NotRun, render_all
from ctk_suite.engine.kit import KitError
from ctk_suite.http.exchange import Exchange
from ctk_suite.kits.official.checks.catalogue import get_check
from ctk_suite.kits.official.checks.kinds import CheckContext
from ctk_suite.kits.official.kit import ScenarioKit
from ctk_suite.kits.official.scenario import AssertionSpec, Scenario, load_scenario
from ctk_suite.kits.official.variables import Variables
from ctk_suite.reporting.summary import build_summary
from tests.support.ctk_helpers import report_of, run_ctk
from tests.support.scripted_v4 import Odd, serving_scripted
from tmf622_scenarios import scenario_path

CREATE, BY_ID = "N1 /ProductOrder [POST]", "N1 /ProductOrder/{{IDPO01}} [GET]"


@pytest.fixture(scope="module")
def ctk() -> Scenario:
    return load_scenario(scenario_path())


def assertions(scenario: Scenario, odd: Odd, title: str) -> dict[str, dict[str, Any]]:
    """summary.json's assertions of request `title` in a CTK run against the scripted server, by key."""
    with serving_scripted(odd) as url:
        run = run_ctk(scenario, url)
    [record] = [
        r
        for r in build_summary(report_of(run))["requests"]
        if f"{r['scenario']} {r['name']} [{r['method']}]" == title
    ]
    return {a["key"]: a for a in record["assertions"]}


def test_a_create_answered_with_an_array_is_one_instance_at_the_root(ctk: Scenario) -> None:
    """The create script checks the whole body: `[order]` is no order, whatever its element holds."""

    def odd(request: web.Request, orders: dict[str, dict[str, Any]]) -> web.Response | None:
        return web.json_response(list(orders.values()), status=201) if request.method == "POST" else None

    found = assertions(ctk, odd, CREATE)["Instance has all mandatory attributes"]
    assert found["verdict"] == "failed"
    assert found["reason"].startswith("$: expected an object with attributes productOrderItem, href, id")


def test_an_order_read_back_as_null_is_missing_not_compared(ctk: Scenario) -> None:
    """By id, 200 `null`: no order at all, so the identity checks say the created one is not there."""

    def odd(request: web.Request, orders: dict[str, dict[str, Any]]) -> web.Response | None:
        by_id = request.method == "GET" and request.match_info["tail"].startswith("productOrder/")
        return web.json_response(None) if by_id else None

    found = assertions(ctk, odd, BY_ID)["id is {{IDPO01}}"]
    assert found["reason"] == "created order order-1 not in response (ids seen: none)"


def _create_without_id(request: web.Request, orders: dict[str, dict[str, Any]]) -> web.Response | None:
    """A server whose create answers without the order's id (everything else as the fake does)."""
    if request.method != "POST":
        return None
    [order] = orders.values()
    return web.json_response({k: v for k, v in order.items() if k != "id"}, status=201)


def test_a_value_never_captured_is_a_precondition_failure(ctk: Scenario) -> None:
    """The create answers without an id: the checks that compare with it did not meet their precondition."""

    found = assertions(ctk, _create_without_id, BY_ID)["href is {{HREFPO01}}"]
    assert (found["verdict"], found["kind"]) == ("failed", "precondition-not-met")


def rendered(kind: str, exchange: Exchange, body: Any, **params: Any) -> str:
    """The reason a check of `kind` gives (empty: passed), as reports render it."""
    failures = get_check(kind).run(CheckContext(exchange, body), AssertionSpec(kind, kind, params))
    assert isinstance(failures, tuple)
    return render_all(failures)


def answer(headers: dict[str, str], body: Any) -> Exchange:
    return Exchange("POST", "http://h/productOrder", {}, None, 201, headers, json.dumps(body).encode())


def test_content_type_says_when_there_is_none() -> None:
    assert rendered("content_type", answer({}, {}), {}, media="application/json") == (
        "header Content-Type: expected application/json, seen no Content-Type"
    )


def test_a_location_that_is_not_the_href_fails() -> None:
    order = {"href": "http://h/productOrder/1"}
    assert rendered(
        "location_matches_href", answer({"Location": "http://h/productOrder/2"}, order), order
    ) == (
        '$.href: expected the Location header a string "http://h/productOrder/2", seen a string "http://h/productOrder/1"'
    )


def test_a_kit_file_with_an_unknown_type_names_the_types_there_are(tmp_path: Path) -> None:
    text = scenario_path().read_text(encoding="utf-8").replace("type: array", "type: list", 1)
    (tmp_path / "kit.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(KitError) as refused:
        ScenarioKit.load(tmp_path / "kit.yaml")
    assert "type must be one of array, boolean, number, object, string" in str(refused.value)


def test_a_value_never_captured_is_named_with_why_in_the_reason(ctk: Scenario) -> None:
    """The create answers without an id: the reason names the variable the check waited for, and why."""

    found = assertions(ctk, _create_without_id, BY_ID)["href is {{HREFPO01}}"]
    assert found["reason"].startswith("IDPO01 unavailable: ")


def test_a_compared_value_never_captured_is_a_precondition_failure_naming_it(ctk: Scenario) -> None:
    """The create answers with an id but no href: the order is found, and the href check says which
    captured value it lacked, as a precondition (not as a wrong href)."""

    def odd(request: web.Request, orders: dict[str, dict[str, Any]]) -> web.Response | None:
        if request.method != "POST":
            return None
        [order] = orders.values()
        return web.json_response({k: v for k, v in order.items() if k != "href"}, status=201)

    found = assertions(ctk, odd, BY_ID)["href is {{HREFPO01}}"]
    assert (found["verdict"], found["kind"]) == ("failed", "precondition-not-met")
    assert found["reason"].startswith("HREFPO01 unavailable: ")


def outcome(kind: str, body: Any, values: dict[str, str], **params: Any) -> str | None:
    """The reason a check of `kind` gives on `body` with these captured values (None: not emitted)."""
    variables = Variables()
    for name, value in values.items():
        variables.set(name, value)
    exchange = Exchange("GET", "http://h/productOrder", {}, None, 200, {}, json.dumps(body).encode())
    found = get_check(kind).run(CheckContext(exchange, body, variables), AssertionSpec(kind, kind, params))
    assert not isinstance(found, NotRun)
    return None if found is None else render_all(found)


ORDERS = [{"externalId": "E0", "href": "h0"}, {"externalId": "E1", "href": "h1"}]


def test_identity_finds_the_created_order_by_the_key_attribute_a_kit_names() -> None:
    """A kit keying the created order on `externalId` compares that order, not a missing `id`."""
    values = {"IDPO01": "E1", "HREFPO01": "h1"}
    params = {"attribute": "href", "variable": "HREFPO01", "keyAttribute": "externalId"}
    assert outcome("identity", ORDERS, values, **params) == ""
    assert outcome("identity", ORDERS, {**values, "HREFPO01": "h0"}, **params) == (
        '$[1].href: expected a string "h0", seen a string "h1"'
    )


def test_an_unexpected_order_is_found_by_the_key_attribute_a_kit_names() -> None:
    params = {"keyVariable": "IDPO02", "keyAttribute": "externalId"}
    assert outcome("unexpected_instance", ORDERS, {"IDPO02": "E0"}, **params) == (
        "$[0].externalId: expected no order E0 here, seen it is listed"
    )


def test_an_answer_taking_exactly_the_time_allowed_passes() -> None:
    """`ms` is a bound the answer may reach: "at most", as the failure says."""
    timed = Exchange("GET", "http://h/productOrder", {}, None, 200, {}, b"{}", 100.0)
    assert rendered("max_response_time", timed, {}, ms=100) == ""
    assert rendered("max_response_time", timed, {}, ms=99.5) == (
        "response time: expected at most 99.5 ms, seen 100 ms"
    )
