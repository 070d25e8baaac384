"""pytest plugin (entry point `tmf622_ctk`): collects a CTK scenario file as one item per request.

The project's own test run never names a scenario file, so the CTK only runs when asked:
`pytest <path>/ctk-4.0.0.yaml` or `tmf622-ctk`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ctk_suite.baseline import BaselineError, compare
from ctk_suite.checks import validate_assertion
from ctk_suite.config import add_options, resolve
from ctk_suite.extended.catalogue import is_extended_file
from ctk_suite.extended.items import ExtendedFile
from ctk_suite.extended.options import add_options as add_extended_options
from ctk_suite.mock_process import EmbeddedMock, MockStartError
from ctk_suite.profile_schema import ProfileError
from ctk_suite.progress import ProgressPrinter
from ctk_suite.redaction import SecretRegistry, redact_text, redact_url
from ctk_suite.reporting import allure_report
from ctk_suite.reporting.environment import environment
from ctk_suite.reporting.junit import write_junit
from ctk_suite.reporting.summary import build_summary, write_document
from ctk_suite.reporting.table import notes, render_table
from ctk_suite.runner import QUOTES, RequestResult
from ctk_suite.scenario import RequestSpec, Scenario, ScenarioError, is_scenario_file, load_scenario
from ctk_suite.session import CtkSession
from ctk_suite.variables import apply_quote

#: Exit code when the embedded mock cannot be started (distinct from failures, 1, and usage, 4).
MOCK_START_FAILED = 3

SESSION_KEY = pytest.StashKey[CtkSession]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """The `--ctk-*` options and their ini keys."""
    add_options(parser)
    add_extended_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Resolve the options once; load the profile now when the CTK is run by path (errors stop the run)."""
    session = CtkSession(resolve(config))
    config.stash[SESSION_KEY] = session
    config.add_cleanup(session.close)
    if not _ctk_requested(config):
        return
    try:
        session.load()
    except (ProfileError, BaselineError) as exc:
        raise pytest.UsageError(str(exc)) from None
    if getattr(config.option, "allure_report_dir", "unset") is None:
        config.option.allure_report_dir = str(session.config.reports_dir / "allure-results")
        config.option.clean_alluredir = True  # our own output folder: stale results would be mixed in


def _ctk_requested(config: pytest.Config) -> bool:
    root = config.invocation_params.dir
    return any(_ours(root / arg.split("::")[0]) for arg in config.args)


def _ours(path: Path) -> bool:
    return is_scenario_file(path) or is_extended_file(path)


def start_mock(mock: EmbeddedMock) -> str:
    """The embedded mock's API root; a mock that cannot start ends the session with a clear line."""
    try:
        return mock.start()
    except MockStartError as exc:
        pytest.exit(f"tmf622-ctk: cannot start the embedded mock: {exc}", returncode=MOCK_START_FAILED)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Our scenario files (`ctk-*.yaml` declaring format tmf622-ctk-scenarios/1) become CtkFile."""
    if is_scenario_file(file_path):
        return CtkFile.from_parent(parent, path=file_path)
    if is_extended_file(file_path):  # the extended level's catalogue (extended-*.yaml)
        session = parent.config.stash[SESSION_KEY]
        return ExtendedFile.from_parent(parent, path=file_path, ctk_session=session, start_mock=start_mock)
    return None


class CtkFile(pytest.File):
    """A scenario file: one item per request, in the file's order."""

    def collect(self) -> Iterator[pytest.Item]:
        """Load and validate the whole file (and the target profile) before any request is sent."""
        session = self.config.stash[SESSION_KEY]
        try:
            profile = session.load()
            scenario = load_scenario(self.path)
            for spec in scenario.requests:
                for assertion in spec.assertions:
                    validate_assertion(assertion)
        except (ProfileError, BaselineError) as exc:
            raise self.CollectError(str(exc)) from None
        except (ScenarioError, KeyError) as exc:
            raise self.CollectError(f"invalid CTK scenario {self.path}: {exc}") from exc
        if session.scenario_path not in (None, self.path):
            raise self.CollectError(
                f"one CTK scenario per session; already collected {session.scenario_path}"
            )
        session.scenario, session.scenario_path = scenario, self.path
        quote = QUOTES[profile.order_date_quoting.value]
        for spec in scenario.requests:
            name = f"{spec.scenario} {apply_quote(spec.name, spec.quoted_variables, quote)} [{spec.method}]"
            yield CtkItem.from_parent(self, name=name, spec=spec, scenario=scenario)


class CtkFailed(AssertionError):
    """Raised after every assertion of a request was evaluated and at least one failed."""


class CtkItem(pytest.Item):
    """One request of the CTK: sends it, evaluates all its assertions, then fails if any failed."""

    #: The level this item belongs to; items of levels the profile does not select are deselected.
    ctk_level = "ctk"

    def __init__(self, *, spec: RequestSpec, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.scenario = scenario
        self.result: RequestResult | None = None

    def runtest(self) -> None:
        """Run the request through the session's CtkRun and report it."""
        session = self.config.stash[SESSION_KEY]
        run = session.ensure_run(self.scenario, start_mock)
        self.result = result = run.execute(self.spec)
        labels = {"specRule": f"CTK {self.scenario.ctk_version} {self.spec.scenario}"}
        allure_report.record(result, self.scenario.collection, session.registry, labels)
        if result.failed or result.error is not None:
            raise CtkFailed(failure_message(result, session.registry))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        """Our failures are already readable: no traceback."""
        if isinstance(excinfo.value, CtkFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the request is defined."""
        return self.path, None, self.name


def failure_message(result: RequestResult, registry: SecretRegistry | None = None) -> str:
    """`N of M assertions failed` for the request, then each failed assertion with its reason."""
    exchange = result.exchange
    if exchange is None:
        outcome = f"not sent: {result.not_sent}"
    elif exchange.error is not None:
        outcome = f"{exchange.method} {redact_url(exchange.url)} -> {exchange.error}"
    else:
        outcome = f"{exchange.method} {redact_url(exchange.url)} -> HTTP {exchange.status}"
    lines = [f"{len(result.failed)} of {len(result.assertions)} assertions failed ({outcome})"]
    if not result.assertions:
        lines = [f"request failed ({outcome})"]
    lines += [f"  - {a.name}: {a.reason}" for a in result.failed]
    return redact_text("\n".join(lines), registry)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep only the items of the selected levels (`--ctk-level`, the profile's `levels`)."""
    session = config.stash[SESSION_KEY]
    levelled = [item for item in items if hasattr(item, "ctk_level")]
    if not levelled:
        return
    try:
        selected = {level.value for level in session.load().levels}
    except (ProfileError, BaselineError):
        return  # already reported as the scenario file's collection error
    dropped = [item for item in levelled if not _selected(str(item.ctk_level), selected)]
    session.collected_levels |= {str(i.ctk_level) for i in levelled if i not in dropped}
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]


def _selected(level: str, selected: set[str]) -> bool:
    """`extended` items belong to both extended levels (their own rule says which)."""
    return level in selected or (level == "extended" and any(s.startswith("extended") for s in selected))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Print one progress line per request (unless -q) once the items to run are known."""
    items = [item for item in session.items if hasattr(item, "ctk_level")]
    if items and session.config.get_verbosity() >= 0:
        ctk = session.config.stash[SESSION_KEY]
        printer = ProgressPrinter(session.config, items, lambda: (ctk.api_url or "", ctk.registry))
        session.config.pluginmanager.register(printer, "tmf622-ctk-progress")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Clean up, then write summary.json, junit.xml and the Allure environment; apply the baseline."""
    ctk = session.config.stash.get(SESSION_KEY, None)
    if ctk is None or (ctk.run is None and not ctk.extended_results):
        return
    ctk.finish()
    summary = build_summary(ctk.run, ctk.report_context())
    if ctk.baseline is not None and ctk.config.baseline is not None:
        ctk.comparison = compare(ctk.baseline, summary, str(ctk.config.baseline))
        summary["baseline"] = ctk.comparison.as_json()
        if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            regressed = bool(ctk.comparison.regressions)
            session.exitstatus = pytest.ExitCode.TESTS_FAILED if regressed else pytest.ExitCode.OK
    reports = ctk.config.reports_dir
    write_document(summary, reports / "summary.json")
    write_junit(ctk.run, reports / "junit.xml", ctk.report_context())
    allure_dir = getattr(session.config.option, "allure_report_dir", None)
    if allure_dir:
        properties = environment(ctk.profile, ctk.run, ctk.mock is not None, ctk.registry)
        allure_report.write_environment(Path(allure_dir), properties)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """The Newman-style table: per request, totals, timings, the run's notes; then where the reports are."""
    ctk = config.stash.get(SESSION_KEY, None)
    if ctk is None or (ctk.run is None and not ctk.extended_results):
        return
    context = ctk.report_context()
    terminalreporter.section("TMF622 CTK", sep="=")
    lines = render_table(ctk.run, context) if ctk.run is not None else notes(context)
    for line in lines:
        terminalreporter.write_line(line)
    terminalreporter.write_line(
        f"reports: {ctk.config.reports_dir}/summary.json, {ctk.config.reports_dir}/junit.xml"
    )
