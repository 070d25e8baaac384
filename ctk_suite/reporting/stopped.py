"""The reports of a run that stopped before judging anything (exit 2, 3, 4): CI still finds its files.

summary.json keeps the format of a full run (tmf622-ctk-summary/1) with `verdict: error`, the `error` line
and the `exitCode`; junit.xml holds one test case in error, so a CI test reporter shows why the job failed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ctk_suite.core.redaction import SecretRegistry, redact_text, redact_url
from ctk_suite.core.version import __version__
from ctk_suite.reporting.summary import SUMMARY_FORMAT, write_document

#: The one JUnit case of a stopped run: the same (classname, name) whatever stopped it.
CLASSNAME, CASE = "tmf622-ctk", "the run starts"


@dataclass(frozen=True)
class Stopped:
    """Why and how a run stopped, and what little is known of it."""

    reason: str  # one line, already free of secrets or masked by `registry`
    code: int  # the exit code: 2 usage, 3 embedded mock, 4 target unusable
    reports_dir: Path
    api_url: str | None = None
    profile: str | None = None
    registry: SecretRegistry | None = None


def stopped_summary(stop: Stopped) -> dict[str, Any]:
    """summary.json of a stopped run: no request, no level, the reason."""
    return {
        "format": SUMMARY_FORMAT,
        "ctkVersion": None,
        "baseUrl": redact_url(stop.api_url, stop.registry) if stop.api_url else None,
        "startedAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "durationMs": 0.0,
        "requests": [],
        "totals": {"requests": 0, "assertions": 0, "failedAssertions": 0},
        "profile": stop.profile,
        "levels": {},
        "extendedRequests": [],
        "cleanup": None,
        "warnings": [],
        "toolkitVersion": __version__,
        "verdict": "error",
        "error": redact_text(stop.reason, stop.registry),
        "exitCode": stop.code,
        "kits": [],
        "setupRequests": [],
    }


def stopped_junit(stop: Stopped) -> ET.ElementTree[ET.Element]:
    """junit.xml of a stopped run: one suite, one case in error with the reason."""
    reason = redact_text(stop.reason, stop.registry)
    root = ET.Element("testsuites", name=CLASSNAME, tests="1", failures="0", errors="1", time="0.000")
    suite = ET.SubElement(
        root, "testsuite", name=CLASSNAME, tests="1", failures="0", errors="1", time="0.000"
    )
    case = ET.SubElement(suite, "testcase", classname=CLASSNAME, name=CASE, time="0.000")
    error = ET.SubElement(case, "error", type=f"exit {stop.code}", message=reason)
    error.text = reason
    ET.indent(root)
    return ET.ElementTree(root)


def write_stopped(stop: Stopped) -> bool:
    """Write both files; False when the folder cannot be written (the reason line is all there is)."""
    try:
        write_document(stopped_summary(stop), stop.reports_dir / "summary.json")
        stopped_junit(stop).write(stop.reports_dir / "junit.xml", encoding="utf-8", xml_declaration=True)
    except OSError:
        return False
    return True
