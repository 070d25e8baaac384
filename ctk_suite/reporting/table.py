"""The Newman-style run summary printed at the end of the session."""

from __future__ import annotations

from statistics import mean

from ctk_suite.failures import clip
from ctk_suite.redaction import redact_text, redact_url
from ctk_suite.reporting.context import ReportContext
from ctk_suite.runner import CtkRun, RequestResult

_RIGHT, _LEFT = ">", "<"


def render_table(run: CtkRun, context: ReportContext | None = None) -> list[str]:
    """Per-request rows, totals, timing footer, failure details, the run's notes, one closing line."""
    context = context or ReportContext()
    lines = [f"TMF622 CTK {run.scenario.ctk_version} against {redact_url(run.settings.base_url)}"]
    lines += _box(
        [["request", "status", "time", "size", "assertions", "failed"], *map(_row, run.results)], header=True
    )
    lines += _box(_totals(run), header=True, footer=_footer(run))
    lines += _failure_details(run)
    lines += notes(context)
    lines.append(closing_line(run))
    return [redact_text(line, context.registry) for line in lines]


def notes(context: ReportContext) -> list[str]:
    """Levels, cleanup, baseline comparison and warnings: what a reader must know besides the table."""
    lines = [f"level {outcome.line()}" for outcome in context.levels]
    if context.cleanup is not None:
        lines += _cleanup(context)
    if context.baseline is not None:
        lines += _baseline(context)
    lines += [f"WARNING: {warning}" for warning in context.warnings]
    return lines


def _cleanup(context: ReportContext) -> list[str]:
    cleanup = context.cleanup
    assert cleanup is not None
    if not cleanup.enabled:
        kept = ", ".join(cleanup.kept) or "none"
        return [f"cleanup: off; orders the run created are left on the server: {clip(kept)}"]
    lines = [f"cleanup: {len(cleanup.deleted)} order(s) deleted, {len(cleanup.failed)} left on the server"]
    return lines + [f"  not deleted: {failure.id}: {failure.reason}" for failure in cleanup.failed]


def _baseline(context: ReportContext) -> list[str]:
    baseline = context.baseline
    assert baseline is not None
    lines = [
        f"baseline {baseline.file}: {len(baseline.regressions)} regression(s), "
        f"{len(baseline.known_failures)} known failure(s), {len(baseline.fixed)} fixed, "
        f"{len(baseline.missing)} no longer evaluated"
    ]
    lines += [f"  REGRESSION {line}" for line in baseline.regressions]
    return lines + [f"  no longer evaluated: {line}" for line in baseline.missing]


def closing_line(run: CtkRun) -> str:
    """`9 requests, 63 assertions, 0 failed`: the figures a reader (or a script) looks for."""
    assertions = [a for r in run.results for a in r.assertions]
    failed = sum(not a.passed for a in assertions)
    return f"tmf622-ctk: {len(run.results)} requests, {len(assertions)} assertions, {failed} failed"


def _row(result: RequestResult) -> list[str]:
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


def _totals(run: CtkRun) -> list[list[str]]:
    assertions = [a for r in run.results for a in r.assertions]
    return [
        ["", "executed", "failed"],
        ["requests", str(len(run.results)), str(sum(r.error is not None for r in run.results))],
        ["assertions", str(len(assertions)), str(sum(not a.passed for a in assertions))],
    ]


def _footer(run: CtkRun) -> list[str]:
    times = [r.exchange.elapsed_ms for r in run.results if r.exchange is not None]
    received = sum(r.exchange.size for r in run.results if r.exchange is not None)
    average = (
        f"average response time: {mean(times):.0f}ms [min: {min(times):.0f}ms, max: {max(times):.0f}ms]"
        if times
        else "average response time: - (no request was sent)"
    )
    return [
        f"total run duration: {run.duration_ms:.0f}ms",
        f"total data received: {_size(received)} (approx)",
        average,
    ]


def _failure_details(run: CtkRun) -> list[str]:
    """Failed assertions per request; one line when they all failed for the same reason."""
    lines = []
    for result in run.results:
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
