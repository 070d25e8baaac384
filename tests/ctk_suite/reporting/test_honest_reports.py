"""Reports that CI can track and a person can trust (issue 19.3, 19.4): stable names, nothing unjudged
shown as a pass, and a level that judged less than half of what applied is `incomplete`."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from ctk_suite.config.profile import Level, Profile, Target
from ctk_suite.core.failures import Failure, NotRun
from ctk_suite.engine.records import AssertionResult, KitInfo, UnitResult
from ctk_suite.reporting.junit import build_junit
from ctk_suite.reporting.run_report import RunReport
from ctk_suite.reporting.summary import build_summary
from tmf622_scenarios import scenario_path

KIT = KitInfo("extended-5.0.0", "extended", "5.0.0", "extended checks", official=False)


def NotApplicable(name: str) -> AssertionResult:
    """What the v5 extended checks give a part the order lacks."""
    return AssertionResult(name, not_run=NotRun.inapplicable("the order has no such part"))


def unit(*assertions: AssertionResult) -> UnitResult:
    return UnitResult(KIT, "extended-mandatory", "R1", "a rule", "GET", "http://x/", None, assertions)


def report(results: list[UnitResult], allow_incomplete: bool = False) -> RunReport:
    profile = Profile(
        "p",
        Path("p.yaml"),
        Target(None),
        levels=(Level.EXTENDED_MANDATORY,),
        allow_incomplete=allow_incomplete,
    )
    plain = RunReport.of_results(results)
    return RunReport(plain.results, plain.registry, profile=profile, started_at=plain.started_at)


PASSED = AssertionResult("judged")
NOT_RUN = AssertionResult("unjudged", not_run=NotRun("its precondition did not hold"))


def test_a_level_that_judged_less_than_half_is_incomplete_and_fails_the_run() -> None:
    run = report([unit(PASSED, NOT_RUN, NOT_RUN)])
    assert run.verdict == "incomplete"
    assert not run.passed
    (level,) = run.levels()
    assert level.line() == "extended mandatory 5.0.0: incomplete (1/1, 2 not run: judged 1 of 3 (33%))"
    assert run.verdict_line().endswith("(2 not run, judged 1 of 3 (33%)): INCOMPLETE")
    summary = build_summary(run)
    assert summary["verdict"] == "incomplete"
    assert summary["levels"]["extended-mandatory"]["verdict"] == "incomplete"
    assert summary["levels"]["extended-mandatory"]["applicable"] == 3


def test_allow_incomplete_lets_it_pass_and_says_so() -> None:
    run = report([unit(PASSED, NOT_RUN, NOT_RUN)], allow_incomplete=True)
    assert run.passed
    assert run.verdict_line().endswith(
        ": PASS (--allow-incomplete: extended mandatory 5.0.0 judged less than half)"
    )


def test_half_judged_passes_and_a_failure_is_a_failure_whatever_was_judged() -> None:
    assert report([unit(PASSED, NOT_RUN)]).verdict == "pass"
    failed = AssertionResult("broken", (Failure("GET x", note="no"),))
    assert report([unit(failed, NOT_RUN, NOT_RUN, NOT_RUN)]).verdict == "fail"


def test_not_applicable_is_neither_judged_nor_a_pass() -> None:
    """Not applicable leaves the checks that applied: 1 judged of 2 applicable is half, a pass; all of them
    not applicable is nothing judged, never a pass."""
    applicable = report([unit(PASSED, NOT_RUN, NotApplicable("absent part"), NotApplicable("other"))])
    (level,) = applicable.levels()
    assert (level.total, level.evaluated) == (2, 1)
    assert applicable.verdict == "pass"
    nothing = report([unit(NotApplicable("absent part"))])
    assert not nothing.passed


def test_a_not_run_assertion_is_skipped_in_junit_with_its_reason() -> None:
    cases = build_junit(report([unit(PASSED, NOT_RUN)])).getroot().findall(".//testcase")
    skipped = [case.find("skipped") for case in cases]
    assert skipped[0] is None
    assert skipped[1] is not None
    assert skipped[1].get("message") == "its precondition did not hold"


def results_of(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("allure-results/*-result.json")]


def steps(result: dict[str, Any]) -> list[dict[str, Any]]:
    return list(result.get("steps", []))


def test_not_run_is_skipped_in_allure_and_on_the_terminal_never_a_pass_with_red_steps(
    pytester: pytest.Pytester, mock_server_url: str
) -> None:
    """The v5 `?completionDate=` request: its three assertions have nothing to judge on a new order."""
    shutil.copy(scenario_path("ctk-5.0.0.yaml"), pytester.path / "ctk-5.0.0.yaml")
    url = mock_server_url.replace("/v4", "/v5") + "/"
    result = pytester.runpytest("ctk-5.0.0.yaml", "--ctk-base-url", url, "--ctk-api-version", "5.0.0", "-rs")
    assert result.ret == 0, result.stdout.str()[-3000:]
    output = result.stdout.str()
    assert "not judged (skipped, with the reason)" in output
    assert "not run: completionDate unavailable" in output.split("short test summary info")[1]  # -rs
    allure = results_of(pytester.path / "reports")
    for test in allure:
        if test["status"] == "passed":
            assert all(step["status"] in ("passed", "skipped") for step in steps(test)), test["name"]
    skipped = [test for test in allure if test["status"] == "skipped"]
    assert len(skipped) == 1
    assert "completionDate" in skipped[0]["name"]
    assert {step["status"] for step in steps(skipped[0])} == {"skipped"}
    assert steps(skipped[0])[0]["statusDetails"]["message"].startswith("Skipped: not run: completionDate")
    junit = ET.parse(pytester.path / "reports" / "junit.xml").getroot()
    assert len(junit.findall(".//skipped")) == 3


def names_of_a_run(pytester: pytest.Pytester, url: str, folder: str) -> tuple[set[tuple[str, str]], set[str]]:
    reports = pytester.path / folder
    result = pytester.runpytest(
        "ctk-4.0.0.yaml", "--ctk-base-url", url + "/", "--ctk-reports-dir", str(reports)
    )
    assert result.ret == 0, result.stdout.str()[-3000:]
    junit = ET.parse(reports / "junit.xml").getroot()
    pairs = {(case.get("classname", ""), case.get("name", "")) for case in junit.iter("testcase")}
    return pairs, {test["historyId"] for test in results_of(reports)}


def test_names_are_the_same_in_every_run_against_every_server(
    pytester: pytest.Pytester,
    ctk_file: Path,
    start_mock_server: Callable[..., AbstractContextManager[str]],
) -> None:
    """Two mocks (other ports, other ids): the same JUnit (classname, name) pairs and Allure historyIds."""
    with start_mock_server() as first:
        names, history = names_of_a_run(pytester, first, "first")
    with start_mock_server() as second:
        again, history_again = names_of_a_run(pytester, second, "second")
    assert len(names) == 66  # 63 assertions, and `request answered` for the three N2 requests with none
    assert names == again
    assert history == history_again
    run_values = re.compile(r"127\.0\.0\.1|https?://|[0-9a-f]{8}-[0-9a-f]{4}-")
    assert not [name for _, name in names if run_values.search(name)]
    assert ("ctk-4_0_0.N1", "/ProductOrder [GET]: id is {{IDPO01}}") in names
