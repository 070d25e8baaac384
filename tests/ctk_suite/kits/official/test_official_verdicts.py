"""Each rule of the official scripts' behaviour, on a server that takes its branch (issue 9, section 2).

The server (tests/support/fakes/v4.py, config BRANCHES) makes the official CTK 4.0.0 scripts take one
branch each;
what Newman reports there is known from the collection's scripts (and checked against Newman itself in
tests/e2e/test_newman_official_parity.py). Each test asserts the port's names and both verdicts:
(strict, official) as `AssertionResult.verdict` and `.official_verdict` give them.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from ctk_suite.core.js import UNDEFINED, js_loose_equal, js_string
from ctk_suite.engine.records import UnitResult
from ctk_suite.http.exchange import Exchange
from ctk_suite.kits.official.checks.catalogue import get_check
from ctk_suite.kits.official.checks.kinds import CheckContext
from ctk_suite.kits.official.scenario import AssertionSpec, Emit, Scenario, load_scenario
from ctk_suite.kits.official.variables import Variables
from tests.support.ctk_helpers import run_ctk
from tests.support.fakes.v4 import BASE_PATH, BRANCHES, serving
from tmf622_scenarios import scenario_path

P, F, N, NE = "passed", "failed", "not run", "not emitted"
LIST, BY_ID, BY_ID_FILTER, BY_DATE = (
    "N1 /ProductOrder [GET]",
    "N1 /ProductOrder/{{IDPO01}} [GET]",
    "N2 /ProductOrder?id={{IDPO01}} [GET]",
    "N2 /ProductOrder?orderDate={{ORDERDATEPO01}} [GET]",
)
CREATE = "N1 /ProductOrder [POST]"


@pytest.fixture(scope="module")
def ctk() -> Scenario:
    return load_scenario(scenario_path())


def run_mode(scenario: Scenario, mode: str) -> tuple[dict[str, UnitResult], list[str]]:
    """Every request of the CTK against `mode`: results by title, and the paths the server was sent."""
    with serving(mode, config=BRANCHES) as (url, fake):
        run = run_ctk(scenario, url)
    return {result.title: result for result in run.results}, fake.paths


def verdicts(result: UnitResult) -> dict[str, tuple[str, str]]:
    return {a.name: (a.verdict.value, a.official_verdict.value) for a in result.assertions}


def test_an_instance_without_an_id_takes_the_idpo02_branch_on_the_list(ctk: Scenario) -> None:
    results, _ = run_mode(ctk, "idless_list")
    listed = verdicts(results[LIST])
    assert {
        name: listed[name] for name in ("href is undefined", "id is undefined", "orderDate is undefined")
    } == {
        "href is undefined": (P, P),
        "id is undefined": (P, P),
        "orderDate is undefined": (P, P),
    }
    created = next(name for name in listed if name.startswith("href is http"))
    assert listed[created] == (P, P)  # the created order is listed: the IDPO01 branch too
    assert listed["Response has id attribute"] == (F, F)


def test_an_error_body_takes_the_idpo02_branch_and_skips_the_identity_checks(ctk: Scenario) -> None:
    results, _ = run_mode(ctk, "error_bodies")
    for title in (BY_ID, BY_ID_FILTER, BY_DATE):
        found = verdicts(results[title])
        assert found["IDPO02 not expected on this test"] == (P, P)
        identity = {
            name: v for name, v in found.items() if name.startswith(("href is ", "id is ", "orderDate is "))
        }
        # Ours: the created order is missing, a failure. Newman: its branch is not taken, nothing emitted.
        assert set(identity.values()) == {(F, NE)}, identity
        assert found["Instance has all mandatory attributes"] == (F, F)
    assert verdicts(results[BY_ID])["Status code is 200"] == (F, F)
    assert verdicts(results[BY_ID_FILTER])["Status code is 200"] == (P, P)


def test_the_status_is_tested_before_the_body_is_parsed(ctk: Scenario) -> None:
    results, _ = run_mode(ctk, "html_200")
    for title in (LIST, BY_ID, BY_ID_FILTER, BY_DATE):
        found = verdicts(results[title])
        assert found["Status code is 200"] == (P, P)
        # Newman stops at pm.response.json(): one script error, and nothing else is emitted (issue 21).
        assert {v for name, v in found.items() if name != "Status code is 200"} == {(F, NE)}
        assert (results[title].official_error or "").startswith("JSONError")
    assert results[CREATE].official_error is None


def test_a_create_that_is_not_json_stops_its_script_first_and_no_global_is_set(ctk: Scenario) -> None:
    results, paths = run_mode(ctk, "create_html")
    created = verdicts(results[CREATE])
    assert created["Status code is 201"] == (P, NE)  # ours saw 201; the official script stopped before
    assert {v for name, v in created.items() if name != "Status code is 201"} == {(F, NE)}
    assert (results[CREATE].official_error or "").startswith("JSONError")
    assert (
        f"{BASE_PATH}/productOrder/%7B%7BIDPO01%7D%7D" in paths
    )  # sent, the placeholder left as Postman does
    assert f"{BASE_PATH}/productOrder?id=%7B%7BIDPO01%7D%7D" in paths
    by_id = verdicts(results[BY_ID])  # the 404 is not JSON: Newman stops after the status
    assert by_id.pop("Status code is 200") == (F, F)
    assert set(by_id.values()) == {(F, NE)}
    filtered = verdicts(results[BY_ID_FILTER])  # `[]`: the body itself, without an id: undefined == undefined
    assert filtered["id is undefined"] == (F, P)
    assert filtered["IDPO02 not expected on this test"] == (P, P)


def test_a_null_create_stops_before_the_body_includes_checks(ctk: Scenario) -> None:
    results, paths = run_mode(ctk, "create_null")
    created = verdicts(results[CREATE])
    assert created["Status code is 201"] == (P, P)
    assert created["Response has id attribute"] == (F, F)
    assert created["Body includes value held on id"] == (F, NE)  # the script stopped before it
    assert (results[CREATE].official_error or "").startswith("TypeError")
    assert (
        f"{BASE_PATH}/productOrder/%7B%7BIDPO01%7D%7D" in paths
    )  # sent, the placeholder left as Postman does


def test_a_missing_captured_value_is_sent_as_an_empty_string(ctk: Scenario) -> None:
    results, paths = run_mode(ctk, "create_without_id")
    assert f"{BASE_PATH}/productOrder/" in paths
    assert f"{BASE_PATH}/productOrder?id=" in paths
    by_id = verdicts(results[BY_ID])
    assert by_id["id is null"] == (F, P)  # pm.globals.get gives null: the 404 body has no id either
    assert results[BY_ID].exchange is not None
    assert results[BY_ID].exchange.status == 404


def test_numbers_flow_on_as_their_decimal_string_and_are_found_in_the_body(ctk: Scenario) -> None:
    results, paths = run_mode(ctk, "numeric_values")
    assert f"{BASE_PATH}/productOrder/42" in paths
    assert f"{BASE_PATH}/productOrder?id=42" in paths
    assert f"{BASE_PATH}/productOrder?orderDate=20261202" in paths
    created = verdicts(results[CREATE])
    assert created["Body includes value held on id"] == (F, P)  # chai searches "42" in the raw text
    assert created["Response has id attribute"] == (F, F)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (UNDEFINED, "undefined"),
        (None, "null"),
        (True, "true"),
        (42, "42"),
        (1.0, "1"),
        (1.5, "1.5"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        ([1, None, "a"], "1,,a"),
        ({"a": 1}, "[object Object]"),
        ("text", "text"),
    ],
)
def test_values_are_shown_as_javascript_strings(value: object, shown: str) -> None:
    assert js_string(value) == shown


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [
        (UNDEFINED, None, True),
        (UNDEFINED, UNDEFINED, True),
        ("", None, False),
        ("42", 42, True),
        (" 42 ", 42, True),
        ("4x", 4, False),
        (True, 1, True),
        (["a"], "a", True),
        ("order-1", "order-1", True),
        ("order-1", "order-2", False),
    ],
)
def test_loose_equality_follows_javascript(left: object, right: object, equal: bool) -> None:
    assert js_loose_equal(left, right) is equal
    assert js_loose_equal(right, left) is equal


def test_the_three_states_of_a_global() -> None:
    variables = Variables()
    variables.unavailable("A", "never set")
    variables.set("B", UNDEFINED, "missing")
    variables.set("C", 7)
    assert variables.render_url("x/{{A}}/{{B}}/{{C}}", str) == "x/{{A}}//7"
    assert variables.render_name("{{A}} {{B}} {{C}}") == "undefined null 7"
    assert [variables.get(n) for n in "ABC"] == [None, None, None]  # none is a string our checks use
    assert variables.reason("B") == "B unavailable: missing"


def _exchange(body: object) -> Exchange:
    return Exchange("GET", "http://h/productOrder", {}, None, status=200, kept=json.dumps(body).encode())


def test_unexpected_instance_fails_only_where_the_keyed_order_is_listed() -> None:
    spec = AssertionSpec(
        "unexpected_instance", "IDPO02 not expected", {"keyVariable": "K"}, Emit.IF_CREATED_ORDER_LISTED
    )
    variables = Variables()
    variables.set("K", "o2")
    check = get_check("unexpected_instance").run
    assert check(CheckContext(_exchange([{"id": "o1"}]), [{"id": "o1"}], variables), spec) is None
    [failure] = check(CheckContext(_exchange([{"id": "o2"}]), [{"id": "o2"}], variables), spec) or ()
    assert (failure.where, failure.expected, failure.seen) == ("$[0].id", "no order o2 here", "it is listed")
    variables.unavailable("K", "never set")
    assert check(CheckContext(_exchange([{}]), [{}], variables), spec) is None


def write_profile(folder: Path, url: str, verdict: str | None) -> Path:
    text = f"""\
        name: verdicts
        target: {{base_url: "{url}", api_path: ""}}
        timeouts: {{connect: 5, read: 5}}
        payload:
          productOrderItem: [{{id: "1", action: add}}]
          relatedParty: [{{id: "456-dd-df45", "@referredType": Individual}}]
        """
    path = folder / "profile.yaml"
    path.write_text(textwrap.dedent(text) + (f"verdict: {verdict}\n" if verdict else ""), encoding="utf-8")
    return path


@pytest.mark.parametrize(("verdict", "exit_code"), [(None, 1), ("official", 0)])
def test_the_exit_code_follows_strict_verdicts_unless_official_ones_are_asked_for(
    pytester: pytest.Pytester, ctk_file: Path, verdict: str | None, exit_code: int
) -> None:
    """`href_changes`: only our identity checks fail; the official ones (`pm.expect(x) == y`) cannot."""
    with serving("href_changes") as (url, _):
        args = ["--ctk-verdict", verdict] if verdict else []
        result = pytester.runpytest(
            ctk_file.name, "--ctk-profile", str(write_profile(pytester.path, url, None)), *args
        )
    assert result.ret == exit_code, result.stdout.str()[-2000:]
    text = result.stdout.str()
    assert "level CTK 4.0.0: fail (62/63, official 63/63)" in text
    reports = pytester.path / "reports"
    summary = json.loads((reports / "summary.json").read_text("utf-8"))
    assert summary["levels"]["ctk"] | {"label": None} == {
        "label": None,
        "verdict": "fail",
        "passed": 62,
        "total": 63,
        "officialPassed": 63,
        "officialTotal": 63,
        "notRun": 0,
        "applicable": 63,
        "notApplicable": 0,
    }
    assert "(the official kit would report: passed)" in (reports / "junit.xml").read_text("utf-8")
    allure = [json.loads(p.read_text("utf-8")) for p in reports.glob("allure-results/*-result.json")]
    shown = {p["value"] for r in allure for p in r.get("parameters", []) if p["name"] == "verdicts"}
    assert shown == {"'official 13/13, strict 12/13'"}  # Allure keeps parameter values as repr()


def test_allure_shows_the_script_error_and_counts_only_what_newman_emits(
    pytester: pytest.Pytester, ctk_file: Path
) -> None:
    """html_200: Newman emits "Status code is 200", then a JSONError, on each GET that parses (issue 21)."""
    with serving("html_200", config=BRANCHES) as (url, _):
        pytester.runpytest(ctk_file.name, "--ctk-profile", str(write_profile(pytester.path, url, None)))
    allure = [
        json.loads(p.read_text("utf-8"))
        for p in (pytester.path / "reports").glob("allure-results/*-result.json")
    ]
    listed = next(r for r in allure if r["name"].startswith("N1 /ProductOrder [GET]"))
    shown = {p["value"] for p in listed.get("parameters", []) if p["name"] == "verdicts"}
    assert shown == {"'official 1/1, strict 1/10'"}
    assert "official script error" in {a["name"] for a in listed.get("attachments", [])}
