"""The Newman (CTK 4.0.0) verdict model on the answers its rules are about, read from summary.json's records.

Written for `make mutate` (scripts/mutation/README.md): each test fails when a rule of
kits/official/runners/postman.py is broken, and says what Newman 4.6.1 reports there.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp import web

from ctk_suite.kits.official.scenario import Scenario, load_scenario
from ctk_suite.reporting.summary import build_summary
from tests.support.ctk_helpers import report_of, run_ctk
from tests.support.scripted_v4 import Odd, raw, serving_scripted
from tmf622_scenarios import scenario_path

CREATE, LIST = "N1 /ProductOrder [POST]", "N1 /ProductOrder [GET]"


@pytest.fixture(scope="module")
def ctk() -> Scenario:
    return load_scenario(scenario_path())


def records(scenario: Scenario, odd: Odd) -> dict[str, dict[str, Any]]:
    """summary.json's request records of a whole CTK run against the scripted server, by request title."""
    with serving_scripted(odd) as url:
        run = run_ctk(scenario, url)
    summary = build_summary(report_of(run))
    return {f"{r['scenario']} {r['name']} [{r['method']}]": r for r in summary["requests"]}


def by_name(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["name"]: a for a in record["assertions"]}


def test_an_array_from_the_create_fails_array_not_expected_in_both_verdicts(ctk: Scenario) -> None:
    """`if (Array.isArray(jsonData)) pm.test("Array not expected as response", ...)`: emitted, and failed."""

    def odd(request: web.Request, orders: dict[str, dict[str, Any]]) -> web.Response | None:
        return web.json_response(list(orders.values()), status=201) if request.method == "POST" else None

    created = by_name(records(ctk, odd)[CREATE])
    found = created["Array not expected as response"]
    assert (found["verdict"], found["officialVerdict"]) == ("failed", "failed")


def test_a_null_in_a_list_stops_the_script_with_newmans_type_error(ctk: Scenario) -> None:
    """`instance.id` on `null` throws outside any pm.test: one script error, worded as Node words it."""

    def odd(request: web.Request, orders: dict[str, dict[str, Any]]) -> web.Response | None:
        listed = request.method == "GET" and request.match_info["tail"] == "productOrder"
        return web.json_response([None]) if listed and not request.query else None

    listed = records(ctk, odd)[LIST]
    assert listed["officialScriptError"] == "TypeError: Cannot read properties of null (reading 'id')"


def test_an_idless_order_in_a_list_we_cannot_decode_passes_only_officially(ctk: Scenario) -> None:
    """Newman reads the bytes as text with U+FFFD and takes the IDPO02 branch (`undefined == undefined`);
    we refuse a body that is not UTF-8. The branch's tests keep their template as their key."""
    body = json.dumps([{"state": "acknowledged", "note": "\udcff"}]).replace("\\udcff", "\xff")

    def odd(request: web.Request, orders: dict[str, dict[str, Any]]) -> web.Response | None:
        listed = request.method == "GET" and request.match_info["tail"] == "productOrder"
        return raw(body.encode("latin-1")) if listed and not request.query else None

    found = by_name(records(ctk, odd)[LIST])["href is undefined"]
    assert (found["verdict"], found["officialVerdict"], found["key"]) == (
        "failed",
        "passed",
        "href is {{HREFPO02}}",
    )
    assert "not valid utf-8" in found["reason"]


def test_an_idless_order_in_a_list_passes_the_idpo02_branch_under_its_template(ctk: Scenario) -> None:
    """Decodable this time: both verdicts pass, no reason given, the key is the template."""

    def odd(request: web.Request, orders: dict[str, dict[str, Any]]) -> web.Response | None:
        listed = request.method == "GET" and request.match_info["tail"] == "productOrder"
        return web.json_response([{"state": "acknowledged"}]) if listed and not request.query else None

    found = by_name(records(ctk, odd)[LIST])["id is undefined"]
    assert found | {"passed": None} == {
        "name": "id is undefined",
        "passed": None,
        "reason": None,
        "key": "id is {{IDPO02}}",
        "rule": None,
        "verdict": "passed",
        "officialVerdict": "passed",
        "kind": None,
    }


def test_nan_in_a_list_is_a_json_error_to_newman(ctk: Scenario) -> None:
    """`JSON.parse` has no NaN: Newman stops at `pm.response.json()` and emits nothing after the status."""

    def odd(request: web.Request, orders: dict[str, dict[str, Any]]) -> web.Response | None:
        listed = request.method == "GET" and request.match_info["tail"] == "productOrder"
        [order] = orders.values()
        text = json.dumps([{**order, "discount": float("nan")}])  # Python writes NaN; JSON has no such token
        return raw(text.encode()) if listed and not request.query else None

    listed = records(ctk, odd)[LIST]
    assert (listed["officialScriptError"] or "").startswith("JSONError")
    emitted = {a["name"]: a["officialVerdict"] for a in listed["assertions"]}
    assert emitted.pop("Status code is 200") == "passed"
    assert set(emitted.values()) == {"not emitted"}
