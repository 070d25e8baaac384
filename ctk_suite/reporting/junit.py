"""reports/junit.xml shaped as Newman's JUnit reporter: a testsuite per request, a testcase per assertion.

Unlike Newman's, every (classname, name) pair is unique, so Jenkins and GitLab keep every assertion
apart: the classname is `<kit>.<scenario>` and the name starts with the request. A request without
assertions (N2 `?fields=`) gets one testcase, `request answered`, so no suite is empty.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ctk_suite.core.failures import Failure, Kind
from ctk_suite.core.redaction import SecretRegistry, redact_text, redact_url
from ctk_suite.engine.records import AssertionResult, UnitResult
from ctk_suite.reporting.run_report import RunReport

_NAME = "tmf622-ctk"
ANSWERED = "request answered"


def build_junit(report: RunReport) -> ET.ElementTree[ET.Element]:
    """The XML tree of the run (official kit first, then the other kits), setup requests left out."""
    results = report.counted()
    cases = [a for r in results for a in _assertions(r)]
    official = report.official_kit
    root = ET.Element(
        "testsuites",
        name=official.collection if official else _NAME,
        tests=str(len(cases)),
        failures=str(sum(a.failed for a in cases)),
        errors=str(sum(r.error is not None for r in results)),
        time=_seconds(report.duration_ms),
    )
    stamp = report.started_at.strftime("%Y-%m-%dT%H:%M:%S") if report.started_at else ""
    used: set[tuple[str, str]] = set()
    for result in results:
        root.append(_suite(result, stamp, used, report.registry))
    ET.indent(root)
    return ET.ElementTree(root)


def _assertions(result: UnitResult) -> tuple[AssertionResult, ...]:
    if result.assertions:
        return result.assertions
    failures = () if result.error is None else (Failure("", note=result.error, kind=Kind.TRANSPORT),)
    return (AssertionResult(ANSWERED, failures),)


def _elapsed(result: UnitResult) -> float:
    return result.exchange.elapsed_ms if result.exchange else 0.0


def _suite(
    result: UnitResult, stamp: str, used: set[tuple[str, str]], registry: SecretRegistry
) -> ET.Element:
    elapsed = _elapsed(result)
    assertions = _assertions(result)
    suite = ET.Element(
        "testsuite",
        name=redact_text(result.title, registry),
        timestamp=stamp,
        tests=str(len(assertions)),
        failures=str(sum(a.failed for a in assertions)),
        errors=str(int(result.error is not None)),
        time=_seconds(elapsed),
    )
    properties = ET.SubElement(suite, "properties")
    url = f"{result.method or '-'} {redact_url(result.url, registry)}"
    for name, value in {"url": url, "level": result.level, "kit": result.kit.title}.items():
        properties.append(ET.Element("property", name=name, value=value))
    if result.exchange is not None:
        properties.append(ET.Element("property", name="attempts", value=str(result.exchange.attempts)))
    classname = f"{_identifier(result.kit.id)}.{_identifier(result.group)}"
    request = f"{result.name} [{result.method}]" if result.method else result.name
    for assertion in assertions:
        name = _unique(classname, redact_text(f"{request}: {assertion.name}", registry), used)
        case = ET.SubElement(suite, "testcase", name=name, time=_seconds(elapsed), classname=classname)
        _verdict(case, assertion, name, registry)
    if result.error is not None:
        ET.SubElement(suite, "system-err").text = redact_text(result.error, registry)
    return suite


def _verdict(case: ET.Element, assertion: AssertionResult, name: str, registry: SecretRegistry) -> None:
    reason = None if assertion.reason is None else redact_text(assertion.reason, registry)
    if assertion.not_run is not None:
        ET.SubElement(case, "skipped", message=reason or "not run")
    elif reason is not None:
        kind = assertion.kind.value if assertion.kind else "assertion"
        failure = ET.SubElement(case, "failure", type=kind, message=reason)
        failure.text = f"{name}: {reason}"
        if assertion.official is not None:
            failure.text += f" (the official kit would report: {assertion.official.value})"


def _identifier(text: str) -> str:
    return re.sub(r"[^\w-]", "_", text) or "ctk"


def _unique(classname: str, name: str, used: set[tuple[str, str]]) -> str:
    candidate, number = name, 1
    while (classname, candidate) in used:
        number += 1
        candidate = f"{name} #{number}"
    used.add((classname, candidate))
    return candidate


def _seconds(ms: float) -> str:
    return f"{ms / 1000:.3f}"


def write_junit(report: RunReport, path: Path) -> Path:
    """Write the JUnit XML of the run to `path` and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    build_junit(report).write(path, encoding="utf-8", xml_declaration=True)
    return path
