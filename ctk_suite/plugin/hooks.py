"""pytest plugin (entry point `tmf622_ctk`): collects kit files, runs their units, writes the reports.

The project's own test run never names a kit file, so the suite only runs when asked:
`pytest <path>/ctk-4.0.0.yaml` or `tmf622-ctk`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import ctk_suite.kits.extended.kit
import ctk_suite.kits.official.kit  # noqa: F401 - registers the kit types
from ctk_suite.config.frontends import add_pytest_options, options_of_run
from ctk_suite.config.layers import OptionError, layered
from ctk_suite.config.profile_schema import ProfileError
from ctk_suite.config.target import resolve_profile
from ctk_suite.engine.baseline import BaselineError, compare
from ctk_suite.engine.items import CONFIG_ERROR_KEY, RECORDER_KEY, STATE_KEY, collect_kit_file
from ctk_suite.engine.kit import declared_format
from ctk_suite.engine.state import SuiteState
from ctk_suite.reporting.allure_report import record_unit
from ctk_suite.reporting.progress import ProgressPrinter
from ctk_suite.reporting.summary import build_summary
from ctk_suite.reporting.table import render_table
from ctk_suite.reporting.writers import RunReport, write_reports


def pytest_addoption(parser: pytest.Parser) -> None:
    """The `--ctk-*` options and their ini keys, generated from the option table."""
    add_pytest_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Resolve the options and the profile once; when a kit file is named, errors stop the run (exit 2)."""
    config.stash[RECORDER_KEY] = record_unit  # each unit's exchanges and steps on its Allure test
    requested = _kit_requested(config)
    try:
        cli, ini = options_of_run(config)
        profile = resolve_profile(layered(cli, os.environ, ini, pytest_flags=True))
        state = SuiteState(profile)
    except (OptionError, ProfileError, BaselineError) as exc:
        if requested:
            raise pytest.UsageError(str(exc)) from None
        config.stash[CONFIG_ERROR_KEY] = str(exc)  # a kit file collected anyway fails with this line
        return
    config.stash[STATE_KEY] = state
    config.add_cleanup(state.close)
    if requested and getattr(config.option, "allure_report_dir", "unset") is None:
        config.option.allure_report_dir = str(profile.reports_dir / "allure-results")
        config.option.clean_alluredir = True  # our own output folder: stale results would be mixed in


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
        printer = ProgressPrinter(session.config, items, lambda: (state.api_url or "", state.registry))
        session.config.pluginmanager.register(printer, "tmf622-ctk-progress")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Clean up, then write the reports; the exit code follows the chosen verdicts and the baseline."""
    state = session.config.stash.get(STATE_KEY, None)
    if state is None or not state.results.results:
        return
    state.finish()
    report = RunReport.of(state)
    if state.baseline is not None and state.profile.baseline is not None:
        state.comparison = compare(state.baseline, build_summary(report), str(state.profile.baseline))
        report = RunReport.of(state)
    allure_dir = getattr(session.config.option, "allure_report_dir", None)
    write_reports(report, Path(allure_dir) if allure_dir else None)
    if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        session.exitstatus = pytest.ExitCode.OK if report.passed else pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """The Newman-style table, the levels, then the one verdict line a CI log is searched for."""
    state = config.stash.get(STATE_KEY, None)
    if state is None or not state.results.results:
        return
    report = RunReport.of(state)
    terminalreporter.section("TMF622 CTK", sep="=")
    for line in render_table(report):
        terminalreporter.write_line(line)
