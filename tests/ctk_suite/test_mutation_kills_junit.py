"""reports/junit.xml keeps every assertion apart, however many share a name.

Written for `make mutate` (mutation/README.md).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ctk_suite.engine.records import AssertionResult, KitInfo, UnitResult
from ctk_suite.reporting.junit import write_junit
from ctk_suite.reporting.run_report import RunReport

KIT = KitInfo("ctk-4.0.0", "CTK", "4.0.0", "TMF622 CTK", official=True)


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
