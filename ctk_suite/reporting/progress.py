"""One terminal line per finished request (`[3/9] GET /productOrder/42 200 12 ms`), for long runs."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import pytest

from ctk_suite.core.failures import clip
from ctk_suite.core.redaction import SecretRegistry, redact_text
from ctk_suite.engine.records import UnitResult

_MAX_PATH = 70
_MAX_ERROR = 100


def progress_line(
    position: int, total: int, result: UnitResult, api_url: str, registry: SecretRegistry | None = None
) -> str:
    """`[n/N] METHOD /path status time`, then attempts, failed assertions or the error, if any."""
    path = result.url
    if api_url and path.startswith(api_url):
        path = "/" + path.removeprefix(api_url).lstrip("/")
    what = f"{result.method} {clip(path, _MAX_PATH)}" if result.method else result.title
    head = f"[{position}/{total}] {what}"
    exchange = result.exchange
    if exchange is None:
        return redact_text(f"{head} not sent ({clip(result.not_sent or '', _MAX_ERROR)})", registry)
    status = "---" if exchange.status is None else str(exchange.status)
    parts = [head, status, f"{exchange.elapsed_ms:.0f} ms"]
    if exchange.attempts > 1:
        parts.append(f"({exchange.attempts} attempts)")
    if exchange.error is not None:
        parts.append(f"- {clip(exchange.error, _MAX_ERROR)}")
    elif result.failed:
        parts.append(f"- {len(result.failed)} of {len(result.assertions)} assertions failed")
    return redact_text(" ".join(parts), registry)


class ProgressPrinter:
    """A pytest plugin object: one line per finished request instead of a dot (dots would interleave)."""

    def __init__(
        self, config: pytest.Config, items: list[pytest.Item], where: Callable[[], tuple[str, SecretRegistry]]
    ) -> None:
        self._config = config
        self._positions = {item.nodeid: index for index, item in enumerate(items, start=1)}
        self._where = where  # the API root is known only once the embedded mock runs
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        self._reporter = reporter
        if reporter is not None and config.get_verbosity() == 0:
            reporter.showfspath = False

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, Any, Any]:
        """Attach the line to the call report (it is printed outside output capture)."""
        report: Any = yield
        result = getattr(item, "result", None)
        if call.when == "call" and isinstance(result, UnitResult) and item.nodeid in self._positions:
            api_url, registry = self._where()
            position = self._positions[item.nodeid]
            report.ctk_progress = progress_line(position, len(self._positions), result, api_url, registry)
        return report

    def pytest_report_teststatus(self, report: pytest.TestReport) -> tuple[str, str, str] | None:
        """No dot for a request whose line is printed (in -v, pytest's own line stays)."""
        if hasattr(report, "ctk_progress") and self._config.get_verbosity() == 0:
            return report.outcome, "", ""
        return None

    @pytest.hookimpl(trylast=True)  # in -v, after pytest's own `PASSED [ 11%]`
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Print the line of a finished request."""
        line = getattr(report, "ctk_progress", None)
        if line is not None and self._reporter is not None:
            self._reporter.write_line(line)
