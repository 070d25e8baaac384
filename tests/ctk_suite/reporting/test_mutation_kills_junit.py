"""reports/junit.xml keeps every assertion apart, however many share a name.

Written for `make mutate` (mutation/README.md).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

from ctk_suite.core.failures import Failure, NotRun
from ctk_suite.core.redaction import SecretRegistry
from ctk_suite.engine.records import AssertionResult, KitInfo, UnitResult, Verdict
from ctk_suite.http.exchange import Exchange
from ctk_suite.reporting.junit import write_junit
from ctk_suite.reporting.run_report import RunReport

KIT = KitInfo("ctk-4.0.0", "CTK", "4.0.0", "TMF622 CTK", official=True)
OFFICIAL = KitInfo("ctk-4.0.0", "CTK", "4.0.0", "TMF622 CTK collection", official=True)
EXTENDED = KitInfo("extended 4.0.0", "extended", "4.0.0", "extended checks", official=False)
SECRET = "tok-0123456789"


def test_three_assertions_of_one_name_get_three_distinct_testcases(tmp_path: Path) -> None:
    same = AssertionResult("Response is an array")
    unit = UnitResult(KIT, "ctk", "N2", "/ProductOrder", "GET", "http://h/productOrder", None, (same,) * 3)
    root = ET.parse(write_junit(RunReport.of_results([unit]), tmp_path / "junit.xml")).getroot()
    names = [case.get("name") for case in root.iter("testcase")]
    assert names == [
        "/ProductOrder [GET]: Response is an array",
        "/ProductOrder [GET]: Response is an array #2",
        "/ProductOrder [GET]: Response is an array #3",
    ]


def mixed_run() -> RunReport:
    """A pass, a failure the official kit would pass, a not-run assertion, a check without requests,
    a setup request (left out) and a transport error, with a secret in a URL, a title and an error."""
    read = Exchange("GET", f"http://h/{SECRET}/productOrder", {}, None, 200, elapsed_ms=1500.0, attempts=2)
    refused = Exchange(
        "POST", "http://h/productOrder", {}, None, elapsed_ms=20.0, error=f"refused ({SECRET})"
    )
    wrong_id = Failure("GET http://h/productOrder", "$.id", "a string", "null")
    assertions = (
        AssertionResult("Status code is 200"),
        AssertionResult("id is set", (wrong_id,), official=Verdict.PASSED),
        AssertionResult("skipped one", not_run=NotRun("no order to read")),
    )
    units = [
        UnitResult(OFFICIAL, "ctk", "N2", "/ProductOrder", "GET", read.url, read, assertions),
        UnitResult(EXTENDED, "extended-mandatory", "TMF622B.M/1", f"create {SECRET}", "", "", None, ()),
        UnitResult(
            OFFICIAL, "ctk", "S1", "setup", "POST", "http://h/x", None, (AssertionResult("x"),), setup=True
        ),
        UnitResult(OFFICIAL, "ctk", "N1", "/ProductOrder", "POST", refused.url, refused, ()),
    ]
    started = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    return RunReport(tuple(units), SecretRegistry([SECRET]), started_at=started, duration_ms=2345.6)


def test_junit_xml_of_a_mixed_run(tmp_path: Path) -> None:
    written = write_junit(mixed_run(), tmp_path / "new" / "reports" / "junit.xml")
    expected = Path(__file__).with_name("junit_mixed_run.xml").read_text(encoding="utf-8")
    assert written.read_text(encoding="utf-8") == expected


def test_a_run_without_the_official_kit(tmp_path: Path) -> None:
    """The root is named after the toolkit; no start time, no request, an empty rule id and an empty
    not-run reason still give a well-formed testcase."""
    check = UnitResult(
        EXTENDED, "extended-optional", "", "fields", "", "", None, (AssertionResult("a", not_run=NotRun("")),)
    )
    report = RunReport((check,), SecretRegistry(), started_at=None, duration_ms=0.0)
    root = ET.parse(write_junit(report, tmp_path / "junit.xml")).getroot()
    suite = root.find("testsuite")
    assert suite is not None
    assert (root.get("name"), suite.get("timestamp"), suite.get("time")) == ("tmf622-ctk", "", "0.000")
    case = suite.find("testcase")
    assert case is not None
    assert (case.get("classname"), case.get("name")) == ("extended_4_0_0.ctk", "fields: a")
    skipped = case.find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "not run"


def test_equal_names_in_different_scenarios_stay_as_they_are(tmp_path: Path) -> None:
    units = [
        UnitResult(KIT, "ctk", group, "/P", "GET", "http://h/P", None, (AssertionResult("ok"),))
        for group in "AB"
    ]
    root = ET.parse(write_junit(RunReport.of_results(units), tmp_path / "junit.xml")).getroot()
    assert [(c.get("classname"), c.get("name")) for c in root.iter("testcase")] == [
        ("ctk-4_0_0.A", "/P [GET]: ok"),
        ("ctk-4_0_0.B", "/P [GET]: ok"),
    ]


def test_the_name_as_run_goes_to_the_cases_system_out_masked(tmp_path: Path) -> None:
    """The case keeps the stable name (CI history); the rendered one, which may hold a secret the
    target echoed, is in system-out, masked."""
    rendered = AssertionResult(f"id is {SECRET}", key="id is {{IDPO01}}")
    unit = UnitResult(KIT, "ctk", "N1", "/ProductOrder", "GET", "http://h/productOrder", None, (rendered,))
    report = RunReport((unit,), SecretRegistry([SECRET]), started_at=datetime.now(UTC), duration_ms=1.0)
    path = write_junit(report, tmp_path / "junit.xml")
    case = next(ET.parse(path).getroot().iter("testcase"))
    assert case.get("name") == "/ProductOrder [GET]: id is {{IDPO01}}"
    assert [out.text for out in case.iter("system-out")] == ["as run: id is ***"]
