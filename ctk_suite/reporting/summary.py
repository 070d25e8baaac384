"""reports/summary.json in format `tmf622-ctk-summary/1` (see docs/summary-format.md).

The keys of the first version come first and keep their meaning; later keys only add to it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ctk_suite.core.redaction import SecretRegistry, redact_text, redact_url
from ctk_suite.engine.records import UnitResult, Verdict
from ctk_suite.reporting.replay import reproduce
from ctk_suite.reporting.run_report import RunReport

SUMMARY_FORMAT = "tmf622-ctk-summary/1"
#: Official verdicts the official kit's report counts (`not emitted` and `not run` it never shows).
OFFICIALLY_COUNTED = frozenset({Verdict.PASSED.value, Verdict.FAILED.value, Verdict.SKIPPED.value})


def build_summary(report: RunReport) -> dict[str, Any]:
    """The summary document: the official kit's requests in run order, the other kits' apart."""
    registry = report.registry
    official = report.official_kit
    requests = [request_json(r, registry) for r in report.counted(official)] if official else []
    others = [r for r in report.results if not r.setup and (official is None or r.kit.id != official.id)]
    base_url = report.api_url
    started = report.started_at
    summary: dict[str, Any] = {
        "format": SUMMARY_FORMAT,
        "ctkVersion": official.version if official else None,
        "baseUrl": redact_url(base_url, registry) if base_url else None,
        "startedAt": started.strftime("%Y-%m-%dT%H:%M:%SZ") if started else None,
        "durationMs": report.duration_ms,
        "requests": requests,
        "totals": totals(requests),
        "profile": report.profile.name if report.profile else None,
        "levels": {outcome.level: outcome.as_json() for outcome in report.levels()},
        "extendedRequests": [request_json(r, registry) for r in others],
        "cleanup": report.cleanup.as_json() if report.cleanup else None,
        "warnings": [redact_text(w, registry) for w in report.warnings],
        "toolkitVersion": report.toolkit_version,
        "verdict": "pass" if report.passed else "fail",
        "verdictMode": report.verdict_mode,
        "kits": [
            {"id": kit.id, "name": kit.name, "version": kit.version, **outcome.as_json()}
            for kit, outcome in zip(report.kits, report.kit_outcomes(), strict=True)
        ],
        "setupRequests": [request_json(r, registry) for r in report.results if r.setup],
        "officialTotals": official_totals(requests),
    }
    if report.baseline is not None:
        summary["baseline"] = report.baseline.as_json()
    return summary


def totals(requests: Iterable[dict[str, Any]]) -> dict[str, int]:
    """`{"requests": 9, "assertions": 63, "failedAssertions": 0}` over request records (strict verdicts;
    the official ones are counted in `officialTotals`, `levels` and `kits`)."""
    listed = list(requests)
    assertions = [a for r in listed for a in r["assertions"]]
    return {
        "requests": len(listed),
        "assertions": len(assertions),
        "failedAssertions": sum(a["verdict"] == "failed" for a in assertions),
    }


def official_totals(requests: Iterable[dict[str, Any]]) -> dict[str, int]:
    """What the official kit's own report counts over request records: the assertions it emitted (or,
    Cypress, skipped), those that failed, those skipped, and its script errors (Newman's
    `stats.testScripts.failed`); an assertion it does not emit is not counted."""
    listed = list(requests)
    counted = [a for r in listed for a in r["assertions"] if a["officialVerdict"] in OFFICIALLY_COUNTED]
    return {
        "assertions": len(counted),
        "failedAssertions": sum(a["officialVerdict"] == Verdict.FAILED.value for a in counted),
        "skippedAssertions": sum(a["officialVerdict"] == Verdict.SKIPPED.value for a in counted),
        "scriptErrors": sum(r.get("officialScriptError") is not None for r in listed),
    }


def request_json(result: UnitResult, registry: SecretRegistry | None = None) -> dict[str, Any]:
    """One request record: the version 1 keys, then level, attempts, truncated, kit and setup."""
    exchange = result.exchange
    return {
        "scenario": result.group,
        "name": redact_text(result.name, registry),
        "method": result.method or "-",
        "url": redact_url(result.url, registry),
        "status": exchange.status if exchange else None,
        "timeMs": exchange.elapsed_ms if exchange else 0.0,
        "sizeBytes": exchange.size if exchange else 0,
        "error": _masked(result.error, registry),
        "assertions": [
            {
                "name": redact_text(a.name, registry),
                "passed": a.passed,
                "reason": _masked(a.reason, registry),
                "key": a.key or a.name,
                "rule": a.rule,
                "verdict": a.verdict.value,
                "officialVerdict": a.official_verdict.value,
                "kind": a.kind.value if a.kind else None,
            }
            for a in result.assertions
        ],
        "level": result.level,
        "attempts": exchange.attempts if exchange else 0,
        "truncated": exchange.truncated if exchange else False,
        "kit": result.kit.id,
        "setup": result.setup,
        "officialScriptError": _masked(result.official_error, registry),
        "reproduce": reproduce(result, registry),  # a failed request as a masked curl line
    }


def _masked(text: str | None, registry: SecretRegistry | None) -> str | None:
    return None if text is None else redact_text(text, registry)


def write_summary(report: RunReport, path: Path) -> Path:
    """Write the summary of `report` to `path` (parents created) and return the path."""
    return write_document(build_summary(report), path)


def write_document(summary: dict[str, Any], path: Path) -> Path:
    """Write an already built summary document."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
