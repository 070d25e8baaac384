"""reports/junit.xml shaped as Newman's JUnit reporter: a testsuite per request, a testcase per assertion."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ctk_suite.redact import redact_url
from ctk_suite.runner import CtkRun, RequestResult


def build_junit(run: CtkRun) -> ET.ElementTree[ET.Element]:
    """The XML tree of `run`."""
    assertions = [a for r in run.results for a in r.assertions]
    root = ET.Element(
        "testsuites",
        name=run.scenario.collection,
        tests=str(len(assertions)),
        failures=str(sum(not a.passed for a in assertions)),
        errors=str(sum(r.error is not None for r in run.results)),
        time=_seconds(run.duration_ms),
    )
    classname = re.sub(r"\W", "", run.scenario.collection) or "ctk"
    for result in run.results:
        root.append(_suite(result, run, classname))
    ET.indent(root)
    return ET.ElementTree(root)


def _suite(result: RequestResult, run: CtkRun, classname: str) -> ET.Element:
    elapsed = result.exchange.elapsed_ms if result.exchange else 0.0
    suite = ET.Element(
        "testsuite",
        name=result.title,
        timestamp=run.started_at.strftime("%Y-%m-%dT%H:%M:%S"),
        tests=str(len(result.assertions)),
        failures=str(len(result.failed)),
        errors=str(int(result.error is not None)),
        time=_seconds(elapsed),
    )
    ET.SubElement(suite, "properties").append(
        ET.Element("property", name="url", value=f"{result.spec.method} {redact_url(result.url)}")
    )
    for assertion in result.assertions:
        case = ET.SubElement(
            suite,
            "testcase",
            name=assertion.name,
            time=_seconds(elapsed),
            classname=f"{classname}.{result.spec.scenario}",
        )
        if assertion.reason is not None:
            failure = ET.SubElement(case, "failure", type="AssertionFailure", message=assertion.reason)
            failure.text = f"{assertion.name}: {assertion.reason}"
    if result.error is not None:
        ET.SubElement(suite, "system-err").text = result.error
    return suite


def _seconds(ms: float) -> str:
    return f"{ms / 1000:.3f}"


def write_junit(run: CtkRun, path: Path) -> Path:
    """Write the JUnit XML of `run` to `path` and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    build_junit(run).write(path, encoding="utf-8", xml_declaration=True)
    return path
