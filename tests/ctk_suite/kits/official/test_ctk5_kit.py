"""The v5 CTK kit (scenarios/ctk-5.0.0.yaml) against a fake v5 server over loopback: a correct server
passes both verdicts, each broken variant fails exactly what it breaks, and each oddity of TM Forum's
Cypress kit is reproduced in the official verdict (docs/ctk-5.0.0-defects.md)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import pytest

from ctk_suite.cli import main
from ctk_suite.core.failures import Kind
from ctk_suite.engine.kit import KitError
from ctk_suite.engine.records import UnitResult
from ctk_suite.http.client import HttpClient
from ctk_suite.kits.official.kit import ScenarioKit
from ctk_suite.kits.official.run import CtkRun, RunSettings
from ctk_suite.kits.official.scenario import Scenario, load_scenario
from tests.support.ctk_helpers import run_ctk
from tests.support.fakes.v5 import serving as serving_v5
from tmf622_scenarios import scenario_path

REPO = Path(__file__).resolve().parents[4]
#: Short names of the three official `it` titles.
SHORT = {"Tests status": "status", "Test schema": "schema", "Each attribute Test": "attrs"}
#: Index of `GET /productOrder/?completionDate={completionDate}`: a new order has no completionDate, so
#: the official kit sends "undefined" and the strict verdict is "not run" (all three assertions).
COMPLETION_FILTER = 5
NOT_RUN_FILTER = {(name, ("not run", "passed")): [COMPLETION_FILTER] for name in SHORT.values()}
BY_ID = [2, 3, 6, 9, 11]  # GET /productOrder/{id}/ and its four ?fields= variants
LISTS = [1, 4, 7, 10, 12]  # GET /productOrder/, plain and with ?fields=
Outcome = dict[tuple[str, tuple[str, str]], list[int]]


@pytest.fixture(scope="module")
def kit() -> Scenario:
    return load_scenario(scenario_path("ctk-5.0.0.yaml"))


def run_kit(kit: Scenario, *faults: str) -> tuple[CtkRun, list[str]]:
    """Every request of the kit against the fake with `faults`; the run and the request lines it got."""
    with serving_v5(*faults) as (url, fake):
        run = run_ctk(kit, url)
        return run, fake.requests


def outcome(results: list[UnitResult]) -> Outcome:
    """Every assertion whose (strict, official) verdicts are not (passed, passed), by request index."""
    found: Outcome = {}
    for index, result in enumerate(results):
        for assertion in result.assertions:
            verdicts = (assertion.verdict.value, assertion.official_verdict.value)
            if verdicts != ("passed", "passed"):
                found.setdefault((SHORT[assertion.name], verdicts), []).append(index)
    return found


def test_a_correct_server_passes_all_14_requests_in_both_verdicts(kit: Scenario) -> None:
    run, _ = run_kit(kit)
    assert len(run.results) == 14
    assert sum(len(r.assertions) for r in run.results) == 41
    assert outcome(run.results) == NOT_RUN_FILTER
    reason = run.results[COMPLETION_FILTER].assertions[0].reason or ""
    assert reason.startswith(
        "completionDate unavailable: the response to POST productOrder/ (HTTP 201) has none"
    )


def test_with_a_completion_date_every_strict_verdict_is_drawn_and_passes(kit: Scenario) -> None:
    run, requests = run_kit(kit, "completion_date_set")
    assert outcome(run.results) == {}
    assert "?completionDate=2026-12-02T10:00:02.000Z" in requests[COMPLETION_FILTER]


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        # Tests status (status_one_of): both verdicts.
        ("create_status_200", {("status", ("failed", "failed")): [0]}),
        # Test schema, both verdicts: a state that is no string.
        ("state_not_a_string", {("schema", ("failed", "failed")): [0, 1, 2, 8, 11, 12, 13]}),
        # Test schema, strict only: formats (ajv runs without format checkers in the official kit).
        ("creation_date_not_a_date", {("schema", ("failed", "passed")): [0, 1, 2, 6, 7, 8, 13]}),
        # Test schema, strict only: @type dispatch (the official kit deletes every discriminator).
        ("characteristic_value_mismatch", {("schema", ("failed", "passed")): [0, 1, 2, 8, 9, 10, 13]}),
        # Test schema, official only: without the discriminator a ProductRef matches both members of
        # ProductRefOrValue's oneOf.
        ("product_as_ref", {("schema", ("passed", "failed")): [0, 1, 2, 8, 9, 10, 13]}),
        # Each attribute Test, both verdicts (a flat key), but the ?state= filter then finds nothing: only
        # strict requires the created order there.
        (
            "state_progresses",
            {("attrs", ("failed", "failed")): [1, 2, 11, 12], ("attrs", ("failed", "passed")): [13]},
        ),
        # Each attribute Test, strict only: a dotted key (relatedParty.role) really resolved.
        ("related_party_role_changes", {("attrs", ("failed", "passed")): [1, 2]}),
        # Each attribute Test, strict only: the filter on the created order's own value must return it.
        ("filters_return_nothing", {("attrs", ("failed", "passed")): [8, 13]}),
        # A list that leaves the created order out: nothing to compare (official: vacuous pass).
        ("list_hides_created", {("attrs", ("not run", "passed")): LISTS}),
        ("retrieve_other_order", {("attrs", ("failed", "failed")): BY_ID}),
        # A body that is not JSON: strict fails all three; Cypress judges the string (its status passes).
        (
            "retrieve_not_json",
            {
                ("status", ("failed", "passed")): [2],
                ("schema", ("failed", "failed")): [2],
                ("attrs", ("failed", "failed")): [2],
            },
        ),
        # A server refusing ?completionDate=undefined: the official kit fails, strict has no verdict.
        (
            "bad_filter_value_400",
            {
                ("status", ("not run", "failed")): [5],
                ("schema", ("not run", "passed")): [5],
                ("attrs", ("not run", "failed")): [5],
            },
        ),
    ],
)
def test_a_broken_server_fails_exactly_what_it_breaks(kit: Scenario, fault: str, expected: Outcome) -> None:
    found = outcome(run_kit(kit, fault)[0].results)
    if fault == "list_hides_created":  # the completionDate filter keeps its three not-run verdicts
        expected = {**NOT_RUN_FILTER, **expected, ("attrs", ("not run", "passed")): sorted([*LISTS, 5])}
    elif fault != "bad_filter_value_400":
        expected = {**NOT_RUN_FILTER, **expected}
    assert found == expected


def test_urls_are_path_slash_query_as_routes_js_builds_them(kit: Scenario) -> None:
    _, requests = run_kit(kit)
    base = "/tmf-api/productOrderingManagement/v5/productOrder"
    assert requests[:6] == [
        f"POST {base}/",
        f"GET {base}/",
        f"GET {base}/order-2/",
        f"GET {base}/order-2/?fields=completionDate",
        f"GET {base}/?fields=completionDate",
        f"GET {base}/?completionDate=undefined",
    ]
    assert requests[13] == f"GET {base}/?state=acknowledged"


def test_a_server_without_the_trailing_slash_fails_everything_officially(kit: Scenario) -> None:
    found = outcome(run_kit(kit, "no_trailing_slash")[0].results)
    every = list(range(14))
    # The 404 body is a string to Cypress: its keys are undefined, like the values never captured.
    assert found == {
        ("status", ("failed", "failed")): every,
        ("schema", ("failed", "failed")): every,
        ("attrs", ("failed", "passed")): every[1:],
    }


def test_a_create_without_id_sends_undefined_and_fails_strictly(kit: Scenario) -> None:
    run, requests = run_kit(kit, "create_without_id")
    base = "/tmf-api/productOrderingManagement/v5/productOrder"
    assert requests[2] == f"GET {base}/undefined/"
    assert outcome(run.results) == {
        **NOT_RUN_FILTER,
        # Official: no list instance has id == undefined, so nothing is compared.
        ("attrs", ("failed", "passed")): [1, 4, 7, 8, 10, 12, 13],
        ("status", ("failed", "failed")): BY_ID,
        # Official: the 404 Error body validates against ProductOrder (it only requires @type).
        ("schema", ("failed", "passed")): BY_ID,
        ("attrs", ("failed", "failed")): BY_ID,
    }
    by_id = run.results[2].assertions[0]
    assert by_id.kind is Kind.PRECONDITION
    assert "the official kit sends 'undefined' in its place" in (by_id.reason or "")


def test_a_list_answered_as_one_object_fails_strictly_and_passes_officially(kit: Scenario) -> None:
    """The kit checks a non-array body as the element itself (`ctk.cy.js` 106-109); a TMF630 list is an
    array: ours fails "Each attribute Test" on every list request the server answered with an object."""
    run, _ = run_kit(kit, "list_as_object")
    listed = run.results[1]  # GET /productOrder/: the newest order, as an object
    attributes = next(a for a in listed.assertions if a.name == "Each attribute Test")
    assert (attributes.verdict.value, attributes.official_verdict.value) == ("failed", "passed")
    assert "a list of orders (a JSON array)" in (attributes.reason or "")


def test_the_cli_runs_the_v5_kit_and_reports_its_name_and_version(tmp_path: Path) -> None:
    with serving_v5() as (url, _):
        code = main(
            ["--api-version", "5.0.0", "--base-url", url, "--reports-dir", str(tmp_path), "--no-allure-html"]
        )
    assert code == 0
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["ctkVersion"] == "5.0.0"
    assert [(k["id"], k["name"], k["version"]) for k in summary["kits"]] == [("ctk-5.0.0", "CTK", "5.0.0")]
    assert summary["totals"] == {
        "requests": 14,
        "assertions": 41,
        "failedAssertions": 0,
    }
    # Ours: 38 judged (the completionDate filter has no strict verdict); the official kit judged all 41.
    kit = summary["kits"][0]
    assert (kit["passed"], kit["total"], kit["officialPassed"], kit["officialTotal"]) == (38, 38, 41, 41)
    assert "CTK 5.0.0" in (tmp_path / "junit.xml").read_text(encoding="utf-8")


def test_a_failing_before_hook_fails_tests_status_and_skips_the_rest_officially(tmp_path: Path) -> None:
    """A POST answered 201 `null`: Object.keys(null) throws in the kit's `before` hook (issue 21)."""
    with serving_v5("create_null") as (url, _):
        code = main(
            ["--api-version", "5.0.0", "--base-url", url, "--reports-dir", str(tmp_path), "--no-allure-html"]
        )
    assert code == 1
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    post = summary["requests"][0]["assertions"]
    assert [(a["name"], a["verdict"], a["officialVerdict"]) for a in post] == [
        ("Tests status", "failed", "failed"),
        ("Test schema", "failed", "skipped"),
    ]
    assert "Because this error occurred during a `before all` hook" in post[0]["reason"]
    assert summary["officialTotals"]["skippedAssertions"] == 1
    kit = summary["kits"][0]
    assert kit["officialPassed"] == kit["officialTotal"] - summary["officialTotals"]["failedAssertions"] - 1
    assert "(the official kit would report: skipped)" in (tmp_path / "junit.xml").read_text(encoding="utf-8")


def test_the_cli_fails_a_broken_v5_server(tmp_path: Path) -> None:
    with serving_v5("related_party_role_changes") as (url, _):
        strict = main(
            ["--api-version", "5.0.0", "--base-url", url, "--reports-dir", str(tmp_path), "--no-allure-html"]
        )
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert strict != 0
    kit = summary["kits"][0]
    assert summary["totals"]["failedAssertions"] == 2
    assert kit["officialPassed"] == kit["officialTotal"]  # the official kit would not see it


# The kit file against TM Forum's own files ------------------------------------------------------------


def official_file(relative: str, ctk_unavailable: Callable[[str], NoReturn]) -> Path:
    """A file of the official v5 kit, from TMF622_CTK5_DIR (default: `../shared/reference/ctk-5.0.0`
    beside the repository); skipped when absent (failed under TMF622_REQUIRE_CTK=1)."""
    folder = Path(os.environ.get("TMF622_CTK5_DIR") or REPO.parent / "shared" / "reference" / "ctk-5.0.0")
    path = folder / relative
    if not path.is_file():
        ctk_unavailable(f"the official TMF622 v5.0.0 CTK is not at {folder}: set TMF622_CTK5_DIR")
    return path


@pytest.fixture(scope="module")
def official_ctk(ctk_unavailable: Callable[[str], NoReturn]) -> dict[str, Any]:
    """`cypress/fixtures/ctk.json` of the official v5 kit."""
    path = official_file("DO_NOT_CHANGE/cypress/fixtures/ctk.json", ctk_unavailable)
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def describe_title(entry: dict[str, Any]) -> str:
    """ctk.cy.js line 43: `Tests method ${method} and path ${path} ${query ? "and " + query : ""}`."""
    query = entry["query"]
    return f"Tests method {entry['method']} and path {entry['path']} {'and ' + query if query else ''}"


def test_the_kit_has_the_official_requests_names_and_keys(
    kit: Scenario, official_ctk: dict[str, Any]
) -> None:
    entries = list(official_ctk["tests"].values())
    assert len(kit.requests) == len(entries) == 14
    for spec, entry in zip(kit.requests, entries, strict=True):
        assert (spec.scenario, spec.name, spec.method) == (
            describe_title(entry),
            entry["testContext"],
            entry["method"],
        )
        # routes.js: path + '/' + params + query, the {x} placeholders being Cypress.env(x).
        official_url = entry["path"] + "/" + entry["query"]
        assert "/" + spec.path.replace("{{", "{").replace("}}", "}") == official_url
        names = [a.name for a in spec.assertions]
        assert names == [
            "Tests status",
            "Test schema",
            *(["Each attribute Test"] if entry["method"] == "GET" else []),
        ]
        status, schema = spec.assertions[0], spec.assertions[1]
        assert status.params["statuses"] == entry["statusCodes"]
        assert "#/components/schemas/" + schema.params["schema"] == entry["schemaRef"]
        if entry["method"] == "GET":
            assert spec.assertions[2].params["keys"] == entry["mandatoryKeys"]


def test_the_official_oneof_unions_are_those_of_the_kits_oas(
    kit: Scenario, ctk_unavailable: Callable[[str], NoReturn]
) -> None:
    import yaml

    path = official_file("DO_NOT_CHANGE/oas.yaml", ctk_unavailable)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ten times faster on 9000 lines
    schemas = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)["components"]["schemas"]
    exclusive = {name for name, schema in schemas.items() if "oneOf" in schema and "_" not in name}
    listed = set(kit.requests[0].assertions[1].params["officialValidation"]["oneOf"])
    assert listed == exclusive


def test_the_official_verdict_decides_the_exit_code_when_asked(tmp_path: Path) -> None:
    """A valid ProductRef item: strict passes; the official kit (oneOf without discriminator) fails."""
    codes = {}
    for verdict in ("strict", "official"):
        with serving_v5("product_as_ref") as (url, _):
            args = ["--api-version", "5.0.0", "--base-url", url, "--verdict", verdict]
            codes[verdict] = main([*args, "--reports-dir", str(tmp_path / verdict), "--no-allure-html"])
    assert codes["strict"] == 0
    assert codes["official"] != 0


def test_a_get_run_alone_first_runs_the_post_it_compares_with(kit: Scenario) -> None:
    with serving_v5() as (url, fake):
        run = CtkRun(kit, RunSettings(url, {}), HttpClient.plain(5.0, 5.0))
        try:
            results = run.execute(kit.requests[11])  # GET /productOrder/{id}/?fields=state
        finally:
            run.client.close()
    assert [(r.method, r.setup) for r in results] == [("POST", True), ("GET", False)]
    assert fake.requests[-1].endswith("/productOrder/order-2/?fields=state")
    assert all(a.passed for a in results[-1].assertions)


def test_the_official_payload_echoed_passes_both_verdicts(
    kit: Scenario, ctk_unavailable: Callable[[str], NoReturn]
) -> None:
    """CHANGE_ME.json's POST body (relationships, prices, terms, party refs), created and read back."""
    document = json.loads(official_file("CHANGE_ME.json", ctk_unavailable).read_text(encoding="utf-8"))
    payload = document["payloads"]["ProductOrder"]["POST"]["payload"]
    with serving_v5() as (url, fake):
        run = CtkRun(kit, RunSettings(url, {}, payload=payload), HttpClient.plain(5.0, 5.0))
        try:
            for spec in kit.requests:
                run.execute(spec)
        finally:
            run.client.close()
    assert fake.bodies_seen == [payload]
    assert outcome(run.results) == NOT_RUN_FILTER


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"officialRunner": "mocha"}, "unknown official runner 'mocha' (known: cypress, postman)"),
        ({"requests": "mayBeAbsent"}, "requests[5].mayBeAbsent: must be a list of variable names, not 5"),
        ({"requests": "instances"}, "instances must be one of each, body, elements, not 'some'"),
    ],
)
def test_a_malformed_kit_file_is_refused_with_its_key(
    tmp_path: Path, change: dict[str, str], message: str
) -> None:
    import yaml

    document = yaml.safe_load(scenario_path("ctk-5.0.0.yaml").read_text(encoding="utf-8"))
    if change.get("requests") == "mayBeAbsent":
        document["requests"][5]["mayBeAbsent"] = 5
    elif change.get("requests") == "instances":
        document["requests"][5]["instances"] = "some"
    else:
        document.update(change)
    path = tmp_path / "ctk-5.0.0.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    with pytest.raises(KitError) as caught:  # when the kit is loaded, before any request is sent
        ScenarioKit.load(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)
