"""Baseline comparison: with an earlier summary.json, the run fails only on regressions and lists them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ctk_suite.engine.baseline import ANSWERED, BaselineError, compare, load_baseline, verdicts
from tests.support.ctk_helpers import read_summary
from tests.support.fakes.v4 import serving


def summary(*requests: dict[str, Any]) -> dict[str, Any]:
    return {"format": "tmf622-ctk-summary/1", "requests": list(requests)}


def request(
    name: str, *assertions: tuple[str, bool], error: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "scenario": "N1",
        "name": name,
        "method": "GET",
        "error": error,
        "assertions": [
            {"name": n, "passed": p, "reason": None if p else f"{n} broke"} for n, p in assertions
        ],
        **extra,
    }


def test_only_newly_failing_assertions_are_regressions() -> None:
    before = summary(request("/a", ("A", True), ("B", False), ("C", True), ("D", False)))
    after = summary(request("/a", ("A", False), ("B", False), ("D", True), ("E", False)))
    result = compare(before, after, "old.json")
    assert result.regressions == (
        "ctk N1 /a [GET]: A (passed in the baseline): A broke",
        "ctk N1 /a [GET]: E (new): E broke",
    )
    assert result.known_failures == ("ctk N1 /a [GET]: B (failed in the baseline too): B broke",)
    assert result.fixed == ("ctk N1 /a [GET]: D",)
    assert result.missing == ("ctk N1 /a [GET]: C",)


def test_assertions_match_on_their_unrendered_name() -> None:
    before = summary(request("/a", ("id is 1", True)))
    before["requests"][0]["assertions"][0]["key"] = "id is {{IDPO01}}"
    after = summary(request("/a", ("id is 2", False)))
    after["requests"][0]["assertions"][0]["key"] = "id is {{IDPO01}}"
    assert compare(before, after, "b").regressions == (
        "ctk N1 /a [GET]: id is {{IDPO01}} (passed in the baseline): id is 2 broke",
    )


def test_a_request_that_stops_answering_is_a_regression_even_without_assertions() -> None:
    before = summary(request("/fields"))
    after = summary(request("/fields", error="transport error: connection refused by h"))
    assert compare(before, after, "b").regressions == (
        f"ctk N1 /fields [GET]: {ANSWERED} (passed in the baseline): "
        "transport error: connection refused by h",
    )


def test_levels_and_repeated_requests_are_kept_apart() -> None:
    found = verdicts(
        {
            "requests": [request("/a", ("A", True)), request("/a", ("A", False))],
            "extendedRequests": [request("/a", ("A", True), level="extended-mandatory")],
        }
    )
    assert {key: v.passed for key, v in found.items() if key.endswith(": A")} == {
        "ctk N1 /a [GET]: A": True,
        "ctk N1 /a [GET] #2: A": False,
        "extended-mandatory N1 /a [GET]: A": True,
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "file not found"),
        ("{not json", "not a readable JSON file"),
        ('{"format": "newman"}', "not a tmf622-ctk summary.json (format 'newman')"),
        ('{"format": "tmf622-ctk-summary/1"}', "it holds no `requests` list"),
    ],
)
def test_unusable_baselines_are_one_line_errors(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "old.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError, match=re.escape(message)):
        load_baseline(path)


# --- in a pytest session: the exit code follows the regressions ---


def baseline_from(pytester: pytest.Pytester, ctk_file: Path, *faults: str) -> Path:
    with serving(*faults) as (url, _):
        pytester.runpytest(ctk_file.name, "--ctk-base-url", url)
    path = pytester.path / "baseline.json"
    path.write_text(
        (pytester.path / "reports" / "summary.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return path


def run_against(pytester: pytest.Pytester, ctk_file: Path, baseline: Path, *faults: str) -> pytest.RunResult:
    with serving(*faults) as (url, _):
        return pytester.runpytest(ctk_file.name, "--ctk-base-url", url, "--ctk-baseline", str(baseline))


def test_known_failures_only_exit_0(pytester: pytest.Pytester, ctk_file: Path) -> None:
    baseline = baseline_from(pytester, ctk_file, "create_status_200")
    result = run_against(pytester, ctk_file, baseline, "create_status_200")
    assert result.ret == 0
    result.assert_outcomes(passed=8, failed=1)  # pytest still shows what failed
    result.stdout.fnmatch_lines(
        ["baseline *: 0 regression(s), 1 known failure(s), 0 fixed, 0 no longer evaluated"]
    )
    compared = read_summary(pytester.path / "reports")["baseline"]
    assert (compared["regressions"], len(compared["knownFailures"])) == ([], 1)


def test_a_regression_exits_1_and_is_listed(pytester: pytest.Pytester, ctk_file: Path) -> None:
    baseline = baseline_from(pytester, ctk_file, "create_status_200")
    result = run_against(pytester, ctk_file, baseline, "unknown_id_200")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "baseline *: 1 regression(s), 0 known failure(s), 1 fixed, 0 no longer evaluated",
            "  REGRESSION ctk E1 /ProductOrder/404ID [GET]: Status code is 404 (passed in the baseline): "
            "status: expected HTTP 404, seen HTTP 200",
        ]
    )
    compared = read_summary(pytester.path / "reports")["baseline"]
    assert compared["fixed"] == ["ctk N1 /ProductOrder [POST]: Status code is 201"]


def test_a_baseline_that_cannot_be_read_stops_the_run(pytester: pytest.Pytester, ctk_file: Path) -> None:
    (pytester.path / "old.json").write_text(json.dumps({"format": "other"}), encoding="utf-8")
    result = pytester.runpytest(ctk_file.name, "--ctk-baseline", "old.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "baseline " in result.stderr.str()
    assert "not a tmf622-ctk summary.json" in result.stderr.str()
