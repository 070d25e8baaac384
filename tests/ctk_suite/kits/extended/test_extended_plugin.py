"""The extended level in a pytest session (pytester): collection, levels, exit codes, reports, Allure."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from ctk_suite.config.table import OPTIONS
from ctk_suite.core.levels import Level
from ctk_suite.kits.extended.catalogue import load_catalogue
from tests.support.ctk_helpers import read_summary
from tests.support.fakes.v4 import EXTENDED, serving
from tmf622_scenarios import scenario_path

RULES = load_catalogue().rules
NAMES = [r.name for level in Level for r in load_catalogue().at_level(level)]


@pytest.fixture(autouse=True)
def _no_extended_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [option.env for option in OPTIONS]:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def extended_file(pytester: pytest.Pytester) -> Path:
    """The shipped catalogue copied into the pytester folder."""
    return Path(shutil.copy(scenario_path("extended-4.0.0.yaml"), pytester.path / "extended-4.0.0.yaml"))


def collected(result: pytest.RunResult) -> list[str]:
    return [line.split("::", 1)[1] for line in result.outlines if "::" in line]


def test_one_item_per_rule_mandatory_first(pytester: pytest.Pytester, extended_file: Path) -> None:
    result = pytester.runpytest(extended_file.name, "--collect-only", "-q", "--ctk-level", "extended")
    assert result.ret == 0
    assert collected(result) == NAMES
    assert NAMES[0] == "TMF622B-M-POST-201 create answers 201 with one order"


def test_levels_select_the_items(pytester: pytest.Pytester, ctk_file: Path, extended_file: Path) -> None:
    files = (ctk_file.name, extended_file.name, "--collect-only", "-q")
    assert len(collected(pytester.runpytest(*files))) == 9  # the default level is the CTK alone
    everything = collected(pytester.runpytest(*files, "--ctk-level", "all"))
    assert len(everything) == 9 + len(RULES)
    assert everything[9:] == NAMES
    only_extended = collected(pytester.runpytest(*files, "--ctk-level", "extended"))
    assert only_extended == NAMES


def allure_results(folder: Path) -> dict[str, dict[str, Any]]:
    results = [json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*-result.json")]
    return {r["name"]: r for r in results}


def labels(result: dict[str, Any]) -> dict[str, str]:
    return {label["name"]: label["value"] for label in result["labels"]}


def test_a_broken_rule_fails_its_items_and_the_reports_say_so(
    pytester: pytest.Pytester, extended_file: Path
) -> None:
    with serving("fields_ignored", config=EXTENDED) as (url, _):
        result = pytester.runpytest(
            extended_file.name, "--ctk-base-url", url, "--ctk-level", "extended", "--ctk-event-timeout", "2"
        )
    assert result.ret == 1
    result.assert_outcomes(passed=len(RULES) - 2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*[[]assertion[]] 1 of 1 assertions failed (GET *productOrder?fields=*",
            "*- fields selects attributes on the list: GET /productOrder?fields=orderDate,state "
            "(fields on the list): $[[]0[]]: expected only href*",
            "*rule TMF622B-M-FIELDS-LIST: TMF622B: *",
            "level extended mandatory 4.0.0: fail (14/16)",
            "level extended optional 4.0.0: pass (17/17)",
            "tmf622-ctk: extended 4.0.0 31/33: FAIL",
        ]
    )
    reports = pytester.path / "reports"
    summary = read_summary(reports)
    assert summary["requests"] == []
    assert summary["levels"]["extended-mandatory"] == {
        "label": "extended mandatory 4.0.0",
        "verdict": "fail",
        "passed": 14,
        "total": 16,
        "officialPassed": 14,
        "officialTotal": 16,
        "notRun": 0,
        "applicable": 16,
        "notApplicable": 0,
    }
    records = {r["scenario"]: r for r in summary["extendedRequests"]}
    assert list(records) == [name.split()[0] for name in NAMES]
    fields = records["TMF622B-M-FIELDS-RETRIEVE"]
    assert (fields["level"], fields["method"], fields["status"]) == ("extended-mandatory", "GET", 200)
    assertion = fields["assertions"][0]
    assert (assertion["key"], assertion["passed"]) == ("TMF622B-M-FIELDS-RETRIEVE", False)
    assert assertion["rule"].startswith(
        "TMF622B: GET /productOrder/{id}?fields= of two attributes the created"
    )
    assert "$: expected only href, id, orderDate, state, seen also productOrderItem" in assertion["reason"]

    junit = ET.parse(reports / "junit.xml").getroot()
    assert len(junit.findall(".//testcase")) == len(RULES)
    assert len(junit.findall(".//failure")) == 2

    allure = allure_results(reports / "allure-results")
    failed = allure["TMF622B-M-FIELDS-LIST fields selects attributes on the list"]
    assert failed["status"] == "failed"
    assert {k: labels(failed)[k] for k in ("level", "specRule", "parentSuite")} == {
        "level": "extended-mandatory",
        "specRule": "TMF622B-M-FIELDS-LIST",
        "parentSuite": "TMF622 extended conformance",
    }
    optional = allure["TMF622-v4-HUB-DELETE hub unregisters the listener"]
    assert (optional["status"], labels(optional)["level"]) == ("passed", "extended-optional")
    names = [a["name"] for a in allure["TMF622B-M-FILTER-AND two criteria combine with AND"]["attachments"]]
    assert names[:3] == ["request", "response", "response body"]
    assert "request GET /productOrder?id=po-2&state=rejected (filter id=po-2&state=rejected)" in names


def test_bad_listener_options_stop_the_collection(pytester: pytest.Pytester, extended_file: Path) -> None:
    result = pytester.runpytest(
        extended_file.name, "--ctk-level", "extended", "--ctk-listener-bind", "h:port"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert (
        "--ctk-listener-bind (command line): must look like HOST or HOST:PORT, got 'h:port'"
        in result.stderr.str()
    )


def test_a_profile_can_select_the_mandatory_level_alone(
    pytester: pytest.Pytester, ctk_file: Path, extended_file: Path
) -> None:
    pytester.makefile(
        ".yaml",
        profile="name: t\ntarget: {base_url: 'http://127.0.0.1:9'}\nauth: {type: none}\n"
        "levels: [ctk, extended-mandatory]\npayload: {productOrderItem: [{id: '1', action: add}]}\n",
    )
    result = pytester.runpytest(
        ctk_file.name, extended_file.name, "--collect-only", "-q", "--ctk-profile", "profile.yaml"
    )
    mandatory = [rule.name for rule in load_catalogue().at_level(Level.EXTENDED_MANDATORY)]
    assert collected(result)[9:] == mandatory
