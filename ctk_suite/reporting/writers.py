"""Write every report file of a run: summary.json, junit.xml and the Allure environment and categories."""

from __future__ import annotations

from pathlib import Path

from ctk_suite.reporting import allure_report
from ctk_suite.reporting.environment import environment
from ctk_suite.reporting.har import write_har
from ctk_suite.reporting.junit import write_junit
from ctk_suite.reporting.run_report import RunReport
from ctk_suite.reporting.summary import build_summary, write_document

__all__ = ["RunReport", "write_reports"]


def write_reports(report: RunReport, allure_dir: Path | None) -> None:
    """The files under the profile's reports folder, and Allure's beside its results when it runs."""
    reports = report.profile.reports_dir if report.profile else Path("reports")
    write_document(build_summary(report), reports / "summary.json")
    write_junit(report, reports / "junit.xml")
    if report.profile is not None and report.profile.har is not None:
        write_har(report, report.profile.har)
    if allure_dir is not None:
        allure_report.write_environment(allure_dir, environment(report))
