"""pytest plugin (entry point `tmf622_ctk`): collects kit files, runs their units, writes the reports.

The project's own test run never names a kit file, so the suite only runs when asked:
`pytest <path>/ctk-4.0.0.yaml` or `tmf622-ctk`.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import ctk_suite.kits.extended.kit
import ctk_suite.kits.official.kit  # noqa: F401 - registers the kit types
from ctk_suite.config.frontends import add_pytest_options, options_of_run
from ctk_suite.config.layers import OptionError, layered
from ctk_suite.config.profile_schema import ProfileError
from ctk_suite.config.target import check_reports_dir, resolve_profile
from ctk_suite.core.redaction import RedactingStream, redact_text
from ctk_suite.engine.baseline import BaselineError, compare
from ctk_suite.engine.items import CONFIG_ERROR_KEY, STATE_KEY, collect_kit_file
from ctk_suite.engine.kit import declared_format
from ctk_suite.engine.mock_process import seconds_since_start
from ctk_suite.engine.state import SuiteState
from ctk_suite.plugin.handoff import handed_over
from ctk_suite.reporting.allure_report import AllureRecorder, mask_allure
from ctk_suite.reporting.progress import ProgressPrinter, start_line
from ctk_suite.reporting.stopped import Stopped, write_stopped
from ctk_suite.reporting.summary import build_summary
from ctk_suite.reporting.table import render_table
from ctk_suite.reporting.writers import RunReport, write_reports

#: The run's report, built once when the session finishes.
REPORT_KEY = pytest.StashKey[RunReport]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """The `--ctk-*` options and their ini keys, generated from the option table."""
    add_pytest_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Resolve the options and the profile once; when a kit file is named, errors stop the run (exit 2)."""
    requested = _kit_requested(config)
    if requested and hasattr(config.option, "force_short_summary"):
        # Under CI=true pytest puts each failure's whole text in its short summary: the table already
        # said it, so the summary keeps its first line (the unit's count), as it does off CI.
        config.option.force_short_summary = True
    try:
        state = _state(config)
        if requested:
            check_reports_dir(state.profile)
    except (OptionError, ProfileError, BaselineError) as exc:
        if requested:
            raise pytest.UsageError(str(exc)) from None
        config.stash[CONFIG_ERROR_KEY] = str(exc)  # a kit file collected anyway fails with this line
        return
    config.stash[STATE_KEY] = state
    config.pluginmanager.register(AllureRecorder(state.registry), "tmf622-ctk-allure")
    config.add_cleanup(state.close)
    if requested and getattr(config.option, "allure_report_dir", "unset") is None:
        config.option.allure_report_dir = str(state.profile.reports_dir / "allure-results")
        config.option.clean_alluredir = True  # our own output folder: stale results would be mixed in


def _state(config: pytest.Config) -> SuiteState:
    """The run's state, from the profile `tmf622-ctk` handed over, else from the `--ctk-*` options."""
    if (given := handed_over(config)) is not None:
        return SuiteState(given.profile, baseline=given.baseline)
    cli, ini = options_of_run(config)
    return SuiteState(resolve_profile(layered(cli, os.environ, ini, pytest_flags=True)))


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Everything pytest prints from now on is masked: tracebacks with their locals, interrupted frames."""
    state = session.config.stash.get(STATE_KEY, None)
    if state is None:
        return
    registry = state.registry
    if (reporter := session.config.pluginmanager.get_plugin("terminalreporter")) is not None:
        writer = reporter._tw  # pytest's one terminal writer: no public way to filter it
        writer._file = RedactingStream(writer._file, registry)
    session.config.add_cleanup(mask_allure(registry))
    tracer = session.config.trace.root  # `--debug=FILE` writes every hook call's arguments through it
    if (trace := tracer._writer) is not None:
        tracer.setwriter(lambda text: trace(redact_text(text, registry)))


def _kit_requested(config: pytest.Config) -> bool:
    root = config.invocation_params.dir
    return any(declared_format(root / arg.split("::")[0]) for arg in config.args)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """A YAML file declaring a registered kit format (`format: tmf622-ctk-scenarios/1`) is a kit."""
    return collect_kit_file(file_path, parent)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep only the units of the selected levels (`--ctk-level`, the profile's `levels`)."""
    state = config.stash.get(STATE_KEY, None)
    levelled = [item for item in items if hasattr(item, "ctk_level")]
    if state is None or not levelled:
        return
    selected = {level.value for level in state.profile.levels}
    dropped = [item for item in levelled if str(item.ctk_level) not in selected]
    state.collected_levels |= {str(i.ctk_level) for i in levelled if i not in dropped}
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]


def pytest_collection_finish(session: pytest.Session) -> None:
    """Print one progress line per unit (unless -q) once the items to run are known."""
    items = [item for item in session.items if hasattr(item, "ctk_level")]
    state = session.config.stash.get(STATE_KEY, None)
    if items and state is not None and session.config.get_verbosity() >= 0:
        printer = ProgressPrinter(
            session.config, items, lambda: (state.api_url or "", state.registry), lambda: _start_line(state)
        )
        session.config.pluginmanager.register(printer, "tmf622-ctk-progress")


def _start_line(state: SuiteState) -> str | None:
    """How long the run took to its first answer, and the embedded mock to start (when it ran)."""
    mock = state.session.mock if state.session is not None else None
    return start_line(mock.ready_s if mock is not None else None, seconds_since_start())


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Clean up, then write the reports; the exit code follows the chosen verdicts and the baseline."""
    state = session.config.stash.get(STATE_KEY, None)
    if state is not None and state.stop_reason is not None and state.stopped_with is not None:
        profile = state.profile
        stop = Stopped(
            state.stop_reason, state.stopped_with, profile.reports_dir, None, profile.name, state.registry
        )
        write_stopped(stop)
        _say_stopped(session.config, state.stop_reason)
        return
    if state is None or not state.results.results:
        return
    state.finish()
    report = RunReport.of(state)  # once per session: the files and the terminal summary read this one
    if state.baseline is not None and state.profile.baseline is not None:
        state.comparison = compare(state.baseline, build_summary(report), str(state.profile.baseline))
        report = replace(report, baseline=state.comparison)
    session.config.stash[REPORT_KEY] = report
    allure_dir = getattr(session.config.option, "allure_report_dir", None)
    write_reports(report, Path(allure_dir) if allure_dir else None)
    if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        session.exitstatus = pytest.ExitCode.OK if report.passed else pytest.ExitCode.TESTS_FAILED


def _say_stopped(config: pytest.Config, reason: str) -> None:
    """The reason as one plain line, in place of the `! _pytest.outcomes.Exit: ... !` banner."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter._keyboardinterrupt_memo = None  # pytest's banner for `pytest.exit`; no public switch
        reporter.write_line(reason)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """The Newman-style table, the levels, then the one verdict line a CI log is searched for."""
    report = config.stash.get(REPORT_KEY, None)
    if report is None:
        return
    terminalreporter.section("TMF622 CTK", sep="=")
    # pytest's own FAILURES section says each failure unless tracebacks are off (`tmf622-ctk` turns them off)
    for line in render_table(report, details=config.option.tbstyle == "no"):
        terminalreporter.write_line(line)
