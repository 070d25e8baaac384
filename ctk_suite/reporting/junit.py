"""reports/junit.xml shaped as Newman's JUnit reporter: a testsuite per request, a testcase per assertion.

The extended level's requests follow the CTK's, their testcases classed under `<collection>.extended`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from ctk_suite.redaction import SecretRegistry, redact_text, redact_url
from ctk_suite.reporting.context import ReportContext
from ctk_suite.runner import CtkRun, RequestResult

_NAME = "tmf622-ctk"


def build_junit(run: CtkRun | None, context: ReportContext | None = None) -> ET.ElementTree[ET.Element]:
    """The XML tree of the run (CTK requests, then extended ones)."""
    context = context or ReportContext()
    results: Sequence[RequestResult] = [*(run.results if run else []), *context.extended]
    assertions = [a for r in results for a in r.assertions]
    collection = run.scenario.collection if run else _NAME
    root = ET.Element(
        "testsuites",
        name=collection,
        tests=str(len(assertions)),
        failures=str(sum(not a.passed for a in assertions)),
        errors=str(sum(r.error is not None for r in results)),
        time=_seconds(run.duration_ms if run else sum(_elapsed(r) for r in results)),
    )
    classname = re.sub(r"\W", "", collection) or "ctk"
    started = run.started_at if run else context.started_at
    for result in results:
        root.append(_suite(result, started, classname, context.registry))
    ET.indent(root)
    return ET.ElementTree(root)


def _elapsed(result: RequestResult) -> float:
    return result.exchange.elapsed_ms if result.exchange else 0.0


def _suite(result: RequestResult, started: datetime, classname: str, registry: SecretRegistry) -> ET.Element:
    elapsed = _elapsed(result)
    suite = ET.Element(
        "testsuite",
        name=result.title,
        timestamp=started.strftime("%Y-%m-%dT%H:%M:%S"),
        tests=str(len(result.assertions)),
        failures=str(len(result.failed)),
        errors=str(int(result.error is not None)),
        time=_seconds(elapsed),
    )
    properties = ET.SubElement(suite, "properties")
    url = f"{result.spec.method} {redact_url(result.url, registry)}"
    properties.append(ET.Element("property", name="url", value=url))
    properties.append(ET.Element("property", name="level", value=result.level))
    if result.exchange is not None:
        properties.append(ET.Element("property", name="attempts", value=str(result.exchange.attempts)))
    group = result.spec.scenario if result.level == "ctk" else f"extended.{result.spec.scenario}"
    for assertion in result.assertions:
        name = redact_text(assertion.name, registry)
        case = ET.SubElement(
            suite, "testcase", name=name, time=_seconds(elapsed), classname=f"{classname}.{group}"
        )
        if assertion.reason is not None:
            reason = redact_text(assertion.reason, registry)
            failure = ET.SubElement(case, "failure", type="AssertionFailure", message=reason)
            failure.text = f"{name}: {reason}"
    if result.error is not None:
        ET.SubElement(suite, "system-err").text = redact_text(result.error, registry)
    return suite


def _seconds(ms: float) -> str:
    return f"{ms / 1000:.3f}"


def write_junit(run: CtkRun | None, path: Path, context: ReportContext | None = None) -> Path:
    """Write the JUnit XML of the run to `path` and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    build_junit(run, context).write(path, encoding="utf-8", xml_declaration=True)
    return path
