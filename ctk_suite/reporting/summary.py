"""reports/summary.json in format `tmf622-ctk-summary/1` (see ARCHITECTURE.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ctk_suite.redact import redact_url
from ctk_suite.runner import CtkRun, RequestResult

SUMMARY_FORMAT = "tmf622-ctk-summary/1"


def build_summary(run: CtkRun) -> dict[str, Any]:
    """The summary document of `run` (requests in run order, totals over emitted assertions)."""
    requests = [_request(r) for r in run.results]
    return {
        "format": SUMMARY_FORMAT,
        "ctkVersion": run.scenario.ctk_version,
        "baseUrl": redact_url(run.settings.base_url),
        "startedAt": run.started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "durationMs": run.duration_ms,
        "requests": requests,
        "totals": {
            "requests": len(requests),
            "assertions": sum(len(r["assertions"]) for r in requests),
            "failedAssertions": sum(not a["passed"] for r in requests for a in r["assertions"]),
        },
    }


def _request(result: RequestResult) -> dict[str, Any]:
    exchange = result.exchange
    return {
        "scenario": result.spec.scenario,
        "name": result.name,
        "method": result.spec.method,
        "url": redact_url(result.url),
        "status": exchange.status if exchange else None,
        "timeMs": exchange.elapsed_ms if exchange else 0.0,
        "sizeBytes": exchange.size if exchange else 0,
        "error": result.error,
        "assertions": [{"name": a.name, "passed": a.passed, "reason": a.reason} for a in result.assertions],
    }


def write_summary(run: CtkRun, path: Path) -> Path:
    """Write the summary of `run` to `path` (parents created) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(build_summary(run), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
