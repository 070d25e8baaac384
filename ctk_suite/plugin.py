"""pytest plugin (entry point `tmf622_ctk`): collects a CTK scenario file as one item per request.

The project's own test run never names a scenario file, so the CTK only runs when asked:
`pytest <path>/ctk-4.0.0.yaml` or `tmf622-ctk`.
"""

from __future__ import annotations

import platform
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ctk_suite.checks import validate_assertion
from ctk_suite.config import CtkConfig, add_options, resolve
from ctk_suite.mock_process import EmbeddedMock, MockStartError
from ctk_suite.redact import redact_url
from ctk_suite.reporting import allure_report
from ctk_suite.reporting.junit import write_junit
from ctk_suite.reporting.summary import write_summary
from ctk_suite.reporting.table import render_table
from ctk_suite.runner import QUOTES, CtkRun, RequestResult, RunSettings
from ctk_suite.scenario import RequestSpec, Scenario, ScenarioError, is_scenario_file, load_scenario
from ctk_suite.variables import apply_quote

#: Exit code when the embedded mock cannot be started (distinct from failures, 1, and usage, 4).
MOCK_START_FAILED = 3


class CtkSession:
    """Per-session state: the resolved options, the scenario, the run (created at the first item)."""

    def __init__(self, config: CtkConfig) -> None:
        self.config = config
        self.scenario: Scenario | None = None
        self.scenario_path: Path | None = None
        self.run: CtkRun | None = None
        self.mock: EmbeddedMock | None = None

    def ensure_run(self, scenario: Scenario) -> CtkRun:
        """The run, starting the embedded mock first when no base URL was given."""
        if self.run is None:
            base_url = self.config.base_url or self._start_mock()
            settings = RunSettings(
                base_url, self.config.headers, self.config.orderdate_quote, self.config.timeout_s
            )
            self.run = CtkRun(scenario, settings)
        return self.run

    def _start_mock(self) -> str:
        self.mock = EmbeddedMock()
        try:
            return self.mock.start()
        except MockStartError as exc:
            pytest.exit(f"tmf622-ctk: cannot start the embedded mock: {exc}", returncode=MOCK_START_FAILED)

    def close(self) -> None:
        """Stop the mock and release connections."""
        if self.mock is not None:
            self.mock.stop()
        if self.run is not None:
            self.run.client.close()


CONFIG_KEY = pytest.StashKey[CtkConfig]()
SESSION_KEY = pytest.StashKey[CtkSession]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """The `--ctk-*` options and their ini keys."""
    add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Resolve the options once; default the Allure results folder when the CTK is run by path."""
    ctk_config = resolve(config)
    config.stash[CONFIG_KEY] = ctk_config
    session = CtkSession(ctk_config)
    config.stash[SESSION_KEY] = session
    config.add_cleanup(session.close)
    if _ctk_requested(config) and getattr(config.option, "allure_report_dir", "unset") is None:
        config.option.allure_report_dir = str(ctk_config.reports_dir / "allure-results")
        config.option.clean_alluredir = True  # our own output folder: stale results would be mixed in


def _ctk_requested(config: pytest.Config) -> bool:
    root = config.invocation_params.dir
    return any(is_scenario_file(root / arg.split("::")[0]) for arg in config.args)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Our scenario files (`ctk-*.yaml` declaring format tmf622-ctk-scenarios/1) become CtkFile."""
    if is_scenario_file(file_path):
        return CtkFile.from_parent(parent, path=file_path)
    return None


class CtkFile(pytest.File):
    """A scenario file: one item per request, in the file's order."""

    def collect(self) -> Iterator[pytest.Item]:
        """Load and validate the whole file before any request is sent."""
        session = self.config.stash[SESSION_KEY]
        try:
            scenario = load_scenario(self.path)
            for spec in scenario.requests:
                for assertion in spec.assertions:
                    validate_assertion(assertion)
        except (ScenarioError, KeyError) as exc:
            raise self.CollectError(f"invalid CTK scenario {self.path}: {exc}") from exc
        if session.scenario_path not in (None, self.path):
            raise self.CollectError(
                f"one CTK scenario per session; already collected {session.scenario_path}"
            )
        session.scenario, session.scenario_path = scenario, self.path
        quote = QUOTES[session.config.orderdate_quote]
        for spec in scenario.requests:
            name = f"{spec.scenario} {apply_quote(spec.name, spec.quoted_variables, quote)} [{spec.method}]"
            yield CtkItem.from_parent(self, name=name, spec=spec, scenario=scenario)


class CtkFailed(AssertionError):
    """Raised after every assertion of a request was evaluated and at least one failed."""


class CtkItem(pytest.Item):
    """One request of the CTK: sends it, evaluates all its assertions, then fails if any failed."""

    def __init__(self, *, spec: RequestSpec, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.scenario = scenario

    def runtest(self) -> None:
        """Run the request through the session's CtkRun and report it."""
        run = self.config.stash[SESSION_KEY].ensure_run(self.scenario)
        result = run.execute(self.spec)
        allure_report.record(result, self.scenario.collection)
        if result.failed or result.error is not None:
            raise CtkFailed(failure_message(result))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        """Our failures are already readable: no traceback."""
        if isinstance(excinfo.value, CtkFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the request is defined."""
        return self.path, None, self.name


def failure_message(result: RequestResult) -> str:
    """`N of M assertions failed` for the request, then each failed assertion with its reason."""
    exchange = result.exchange
    if exchange is None:
        outcome = f"not sent: {result.not_sent}"
    elif exchange.status is None:
        outcome = f"{exchange.method} {redact_url(exchange.url)} -> {exchange.error}"
    else:
        outcome = f"{exchange.method} {redact_url(exchange.url)} -> HTTP {exchange.status}"
    lines = [f"{len(result.failed)} of {len(result.assertions)} assertions failed ({outcome})"]
    if not result.assertions:
        lines = [f"request failed ({outcome})"]
    lines += [f"  - {a.name}: {a.reason}" for a in result.failed]
    return "\n".join(lines)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write summary.json, junit.xml and the Allure environment of the run, if the CTK ran."""
    ctk = session.config.stash.get(SESSION_KEY, None)
    if ctk is None or ctk.run is None:
        return
    reports = ctk.config.reports_dir
    write_summary(ctk.run, reports / "summary.json")
    write_junit(ctk.run, reports / "junit.xml")
    allure_dir = getattr(session.config.option, "allure_report_dir", None)
    if allure_dir:
        allure_report.write_environment(Path(allure_dir), _environment(ctk, ctk.run))


def _environment(ctk: CtkSession, run: CtkRun) -> dict[str, str]:
    return {
        "ctkVersion": run.scenario.ctk_version,
        "collection": run.scenario.collection,
        "baseUrl": redact_url(run.settings.base_url),
        "target": "embedded mock" if ctk.mock is not None else "external server",
        "orderDateQuote": run.settings.orderdate_quote,
        "python": platform.python_version(),
    }


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """The Newman-style table: per request, totals, timings; then where the reports are."""
    ctk = config.stash.get(SESSION_KEY, None)
    if ctk is None or ctk.run is None:
        return
    terminalreporter.section("TMF622 CTK", sep="=")
    for line in render_table(ctk.run):
        terminalreporter.write_line(line)
    terminalreporter.write_line(
        f"reports: {ctk.config.reports_dir}/summary.json, {ctk.config.reports_dir}/junit.xml"
    )
