"""reports/summary.json in format `tmf622-ctk-summary/1` (see docs/summary-format.md).

The keys of the first version come first and keep their meaning; later keys only add to it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ctk_suite.redaction import SecretRegistry, redact_text, redact_url
from ctk_suite.reporting.context import ReportContext
from ctk_suite.runner import CtkRun, RequestResult

SUMMARY_FORMAT = "tmf622-ctk-summary/1"


def build_summary(run: CtkRun | None, context: ReportContext | None = None) -> dict[str, Any]:
    """The summary document (CTK requests in run order, totals over emitted assertions).

    `run` is None when the CTK level was not selected: `requests` is then empty.
    """
    context = context or ReportContext()
    registry = context.registry
    requests = [request_json(r, registry) for r in run.results] if run else []
    base_url = run.settings.base_url if run else context.api_url
    summary: dict[str, Any] = {
        "format": SUMMARY_FORMAT,
        "ctkVersion": run.scenario.ctk_version if run else None,
        "baseUrl": redact_url(base_url, registry) if base_url else None,
        "startedAt": (run.started_at if run else context.started_at).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "durationMs": run.duration_ms if run else 0.0,
        "requests": requests,
        "totals": totals(requests),
        "profile": context.profile,
        "levels": {outcome.level: outcome.as_json() for outcome in context.levels},
        "extendedRequests": [request_json(r, registry) for r in context.extended],
        "cleanup": context.cleanup.as_json() if context.cleanup else None,
        "warnings": [redact_text(w, registry) for w in context.warnings],
    }
    if context.baseline is not None:
        summary["baseline"] = context.baseline.as_json()
    return summary


def totals(requests: Iterable[dict[str, Any]]) -> dict[str, int]:
    """`{"requests": 9, "assertions": 63, "failedAssertions": 0}` over request records."""
    listed = list(requests)
    return {
        "requests": len(listed),
        "assertions": sum(len(r["assertions"]) for r in listed),
        "failedAssertions": sum(not a["passed"] for r in listed for a in r["assertions"]),
    }


def request_json(result: RequestResult, registry: SecretRegistry | None = None) -> dict[str, Any]:
    """One request record: the version 1 keys, then level, attempts and truncated."""
    exchange = result.exchange
    return {
        "scenario": result.spec.scenario,
        "name": result.name,
        "method": result.spec.method,
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
            }
            for a in result.assertions
        ],
        "level": result.level,
        "attempts": exchange.attempts if exchange else 0,
        "truncated": exchange.truncated if exchange else False,
    }


def _masked(text: str | None, registry: SecretRegistry | None) -> str | None:
    return None if text is None else redact_text(text, registry)


def write_summary(run: CtkRun | None, path: Path, context: ReportContext | None = None) -> Path:
    """Write the summary of `run` to `path` (parents created) and return the path."""
    return write_document(build_summary(run, context), path)


def write_document(summary: dict[str, Any], path: Path) -> Path:
    """Write an already built summary (the plugin adds the baseline comparison to it first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
