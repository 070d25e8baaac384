"""The Newman-style run summary printed at the end of the session."""

from __future__ import annotations

from statistics import mean

from ctk_suite.core.failures import clip
from ctk_suite.core.redaction import redact_text, redact_url
from ctk_suite.engine.records import UnitResult
from ctk_suite.reporting.run_report import RunReport

_RIGHT, _LEFT = ">", "<"


def render_table(report: RunReport) -> list[str]:
    """The official kit's table (rows, totals, timings, failure details), the notes, the verdict line."""
    kit = report.official_kit
    lines: list[str] = []
    if kit is not None:
        results = report.counted(kit)
        lines.append(f"TMF622 {kit.title} against {redact_url(report.api_url or '')}")
        header = ["request", "status", "time", "size", "assertions", "failed"]
        lines += _box([header, *map(_row, results)], header=True)
        lines += _box(_totals(results), header=True, footer=_footer(results, report.duration_ms))
        lines += _failure_details(results)
        lines.append(totals_line(kit.title, results))
    lines += _failure_details([r for r in report.counted() if kit is None or r.kit.id != kit.id])
    lines += notes(report)
    lines.append(report.verdict_line())
    lines.append(f"reports: {_reports(report)}")
    return [redact_text(line, report.registry) for line in lines]


def _reports(report: RunReport) -> str:
    folder = report.profile.reports_dir if report.profile else "reports"
    return f"{folder}/summary.json, {folder}/junit.xml"


def notes(report: RunReport) -> list[str]:
    """Levels, setup requests, cleanup, baseline comparison and warnings."""
    lines = [f"level {outcome.line()}" for outcome in report.levels()]
    lines += [
        f"setup (run because a selected request needed it): {r.title}" for r in report.results if r.setup
    ]
    if report.cleanup is not None:
        lines += _cleanup(report)
    if report.baseline is not None:
        lines += _baseline(report)
    lines += [f"WARNING: {warning}" for warning in report.warnings]
    return lines


def _cleanup(report: RunReport) -> list[str]:
    cleanup = report.cleanup
    assert cleanup is not None
    cancels = len(cleanup.cancel_requests)
    kept_cancels = f"; {cancels} cancel request(s) kept (TMF622 has no DELETE for them)" if cancels else ""
    created = f"cleanup: {cleanup.created} resource(s) created"
    if not cleanup.enabled:
        kept = ", ".join(cleanup.kept) or "none"
        return [f"{created} (cleanup off), left on the server: {clip(kept)}{kept_cancels}"]
    left = len(cleanup.failed) + cancels
    lines = [f"{created}, {len(cleanup.deleted)} deleted, {left} left on the server{kept_cancels}"]
    return lines + [f"  not deleted: {failure.id}: {failure.reason}" for failure in cleanup.failed]


def _baseline(report: RunReport) -> list[str]:
    baseline = report.baseline
    assert baseline is not None
    lines = [
        f"baseline {baseline.file}: {len(baseline.regressions)} regression(s), "
        f"{len(baseline.known_failures)} known failure(s), {len(baseline.fixed)} fixed, "
        f"{len(baseline.missing)} no longer evaluated"
    ]
    lines += [f"  REGRESSION {line}" for line in baseline.regressions]
    return lines + [f"  no longer evaluated: {line}" for line in baseline.missing]


def totals_line(title: str, results: list[UnitResult]) -> str:
    """`CTK 4.0.0: 9 requests, 63 assertions, 0 failed (official: 0 failed)`."""
    assertions = [a for r in results for a in r.assertions]
    failed = sum(a.failed for a in assertions)
    official = sum(a.official_verdict.value == "failed" for a in assertions)
    text = f"{title}: {len(results)} requests, {len(assertions)} assertions, {failed} failed"
    return text + (f" (official: {official} failed)" if official != failed else "")


def _row(result: UnitResult) -> list[str]:
    exchange = result.exchange
    status = (
        "not sent" if exchange is None else "error" if exchange.error is not None else str(exchange.status)
    )
    elapsed = f"{exchange.elapsed_ms:.0f}ms" if exchange else "-"
    size = _size(exchange.size) if exchange else "-"
    return [
        clip(result.title, 60),
        status,
        elapsed,
        size,
        str(len(result.assertions)),
        str(len(result.failed)),
    ]


def _totals(results: list[UnitResult]) -> list[list[str]]:
    assertions = [a for r in results for a in r.assertions]
    return [
        ["", "executed", "failed"],
        ["requests", str(len(results)), str(sum(r.error is not None for r in results))],
        ["assertions", str(len(assertions)), str(sum(a.failed for a in assertions))],
    ]


def _footer(results: list[UnitResult], duration_ms: float) -> list[str]:
    times = [r.exchange.elapsed_ms for r in results if r.exchange is not None]
    received = sum(r.exchange.size for r in results if r.exchange is not None)
    average = (
        f"average response time: {mean(times):.0f}ms [min: {min(times):.0f}ms, max: {max(times):.0f}ms]"
        if times
        else "average response time: - (no request was sent)"
    )
    return [
        f"total run duration: {duration_ms:.0f}ms",
        f"total data received: {_size(received)} (approx)",
        average,
    ]


def _failure_details(results: list[UnitResult]) -> list[str]:
    """Failed assertions per unit; one line when they all failed for the same reason."""
    lines = []
    for result in results:
        if not result.failed and result.error is None:
            continue
        if not result.failed:
            lines.append(f"  {result.title}: request failed: {result.error}")
            continue
        lines.append(f"  {result.title}: {len(result.failed)} of {len(result.assertions)} failed")
        reasons = {a.reason for a in result.failed}
        if len(result.failed) > 1 and len(reasons) == 1:
            lines.append(f"      every assertion: {reasons.pop()}")
        else:
            lines += [f"      - {a.name}: {a.reason}" for a in result.failed]
    return ["", "failure detail", *lines, ""] if lines else []


def _size(size: int) -> str:
    return f"{size}B" if size < 1024 else f"{size / 1024:.2f}kB"


def _box(rows: list[list[str]], header: bool, footer: list[str] | None = None) -> list[str]:
    """A box-drawn table; the first column left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    inner = sum(widths) + 3 * (len(widths) - 1)
    if footer:
        extra = max(0, max(len(f) for f in footer) - inner)
        widths[0] += extra
        inner += extra
    aligns = [_LEFT] + [_RIGHT] * (len(widths) - 1)

    def line(cells: list[str]) -> str:
        return "│ " + " │ ".join(f"{c:{a}{w}}" for c, a, w in zip(cells, aligns, widths, strict=True)) + " │"

    def rule(left: str, mid: str, right: str) -> str:
        return left + mid.join("─" * (w + 2) for w in widths) + right

    out = [rule("┌", "┬", "┐"), line(rows[0])]
    if header:
        out.append(rule("├", "┼", "┤"))
    out += [line(row) for row in rows[1:]]
    if footer:
        out.append(rule("├", "┴", "┤"))
        out += [f"│ {text:<{inner}} │" for text in footer]
        out.append("└" + "─" * (inner + 2) + "┘")
    else:
        out.append(rule("└", "┴", "┘"))
    return out
