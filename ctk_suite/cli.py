"""`tmf622-ctk`: run the kits with pytest and render the Allure report, for people who do not use pytest."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import allure_pytest.plugin
import pytest

import ctk_suite.plugin.hooks
from ctk_suite.config.commands import run_command
from ctk_suite.config.frontends import add_arguments, cli_values
from ctk_suite.config.layers import OptionError, layered
from ctk_suite.config.profile import Profile
from ctk_suite.config.profile_schema import ProfileError
from ctk_suite.config.table import BY_NAME, DEFAULT_REPORTS_DIR
from ctk_suite.config.target import check_reports_dir, resolve_profile
from ctk_suite.core.levels import Level
from ctk_suite.core.version import __version__
from ctk_suite.engine.baseline import BaselineError, load_baseline
from ctk_suite.engine.items import STATE_KEY
from ctk_suite.plugin.handoff import ResolvedRun
from ctk_suite.reporting.allure_html import render_html
from ctk_suite.reporting.stopped import Stopped, write_stopped
from tmf622_scenarios import kit_files

USAGE_ERROR = 2
#: pytest's switch for entry-point plugins: the run loads ours and Allure's by name (`-p`) and no other.
AUTOLOAD_OFF = "PYTEST_DISABLE_PLUGIN_AUTOLOAD"
EXAMPLE = "tmf622-ctk --profile my-deployment.yaml"


class _Parser(argparse.ArgumentParser):
    """argparse that answers a usage error with one line saying how to fix it."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"tmf622-ctk: {message} (see tmf622-ctk --help; e.g. {EXAMPLE})\n")


def build_parser() -> argparse.ArgumentParser:
    """The command line, generated from the option table (each flag also answers to `--ctk-...`)."""
    parser = _Parser(
        prog="tmf622-ctk",
        allow_abbrev=False,  # a prefix is not a flag: `--time 5` is a usage error, not `--timeout 5`
        description="Certify a TMF622 Product Ordering deployment with ports of TM Forum's CTKs and our "
        "extended checks, against the target of a profile or the embedded mock. Exit codes: 0 every check "
        "passed (with --baseline: nothing regressed), 1 non-conformant, 2 usage or profile error, "
        "3 the embedded mock could not start, 4 the target is unreachable or refused the credentials.",
        epilog="Commands: `tmf622-ctk profile import FILE` prints the profile equivalent to TM Forum's own "
        "CHANGE_ME.json or Postman environment; `tmf622-ctk example [NAME]` prints a shipped example file. "
        "Arguments after `--` go to pytest unchanged (e.g. -- -q); other pytest plugins are not "
        "loaded unless named (-- -p NAME). Every option is also read from its environment variable and "
        "its profile key (command line > environment > profile > default).",
    )
    parser.add_argument("--version", action="version", version=f"tmf622-ctk {__version__}")
    add_arguments(parser)
    return parser


def kit_paths(profile: Profile) -> list[Path]:
    """The kit files of the profile's API version and levels."""
    extended = any(level is not Level.CTK for level in profile.levels)
    files: list[Path] = kit_files(profile.api_version, Level.CTK in profile.levels, extended)
    return files


def _prepare(parser: argparse.ArgumentParser, values: dict[str, object]) -> tuple[ResolvedRun, list[Path]]:
    """Check everything that can be checked before a request is sent; one line and exit 2 otherwise.

    The profile is resolved here once, the baseline read once: both go to the plugin as an object.
    """
    profile = None
    try:
        profile = resolve_profile(layered(values, os.environ))
        check_reports_dir(profile)
        baseline = load_baseline(profile.baseline) if profile.baseline is not None else None
    except (OptionError, ProfileError, BaselineError, FileNotFoundError) as exc:
        _usage_stop(parser, values, str(exc), profile)
    files = kit_paths(profile)
    if not files:
        _usage_stop(
            parser, values, f"no kit for TMF622 {profile.api_version} at the selected levels", profile
        )
    return ResolvedRun(profile, baseline), files


def _usage_stop(
    parser: argparse.ArgumentParser, values: dict[str, object], message: str, profile: Profile | None
) -> NoReturn:
    """Exit 2 with one line, after writing the reports of a stopped run where they would have gone."""
    write_stopped(Stopped(f"tmf622-ctk: {message}", USAGE_ERROR, _reports_dir(values, profile)))
    parser.error(message)


def _reports_dir(values: dict[str, object], profile: Profile | None) -> Path:
    """The reports folder of the profile, else the one given (command line, environment), else the default."""
    if profile is not None:
        return profile.reports_dir
    given = values.get("reports_dir") or os.environ.get(BY_NAME["reports_dir"].env) or DEFAULT_REPORTS_DIR
    return Path(str(given)).expanduser().absolute()


def pytest_args(profile: Profile, kits: Sequence[Path], extra: Sequence[str]) -> list[str]:
    """The pytest command line: the kit files and an empty config (`run_pytest` adds the plugins).

    No option of ours is on it: the profile (credentials included) is handed over as a `ResolvedRun`,
    since pytest prints its arguments (`--debug`, an interrupted run with `--full-trace`).
    `-c os.devnull` keeps a surrounding project's pytest settings (addopts, filterwarnings) out of the run.
    `--assert=plain`: the items raise their own failures, no test module's asserts need rewriting.
    """
    args = [*map(str, kits), "-c", os.devnull, "--rootdir", str(kits[0].parent)]
    args += ["-p", "no:cacheprovider", "--assert=plain", "--tb=no"]  # the table says each failure once
    args += ["--alluredir", str(profile.reports_dir / "allure-results"), "--clean-alluredir"]
    return [*args, *extra]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the kits; return the exit code (see the parser's description)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if (code := run_command(argv)) is not None:  # `profile import`, `example`: no kit runs
        return code
    ours, extra = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    parser = build_parser()
    values = cli_values(parser.parse_args(ours))
    resolved, kits = _prepare(parser, values)
    profile = resolved.profile
    stop = StopProbe()
    code = run_pytest(pytest_args(profile, kits, extra), resolved, stop)
    if stop.code is not None:
        return stop.code
    if code == pytest.ExitCode.USAGE_ERROR:  # pytest said why (an argument after `--`)
        write_stopped(Stopped("tmf622-ctk: pytest refused its arguments", USAGE_ERROR, profile.reports_dir))
        return USAGE_ERROR
    results = profile.reports_dir / "allure-results"
    if profile.allure_html and results.is_dir() and any(results.glob("*-result.json")):
        _render(profile.reports_dir)
    return code


class StopProbe:
    """A pytest plugin object that keeps the exit code the suite stopped with (3, 4): pytest's own
    exit codes use the same numbers for other things (3 internal error, 4 usage error)."""

    code: int | None = None

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        """Read the suite's state before the session is gone."""
        state = config.stash.get(STATE_KEY, None)
        self.code = state.stopped_with if state is not None else None


def run_pytest(args: list[str], *extra_plugins: object) -> int:
    """pytest with our plugin and Allure's and no other: the plugins other packages register
    (schemathesis, hypothesis, ...) took most of a run's time to import. Ours are given as modules,
    not `-p NAME`, which would read the entry points of every installed distribution per name.
    The environment is restored afterwards: only this call is affected.

    The objects alive so far (the imported modules: they live as long as the process) are frozen out
    of the garbage collector: pytest's `gc.collect()` at the end of the session and the interpreter's
    at exit would otherwise walk them all, a sixth of a run. They stay frozen: unfreezing would make
    the exit's collection walk them again.
    """
    saved = os.environ.get(AUTOLOAD_OFF)
    os.environ[AUTOLOAD_OFF] = "1"
    gc.freeze()
    try:
        return int(pytest.main(args, plugins=[ctk_suite.plugin.hooks, allure_pytest.plugin, *extra_plugins]))
    finally:
        if saved is None:
            os.environ.pop(AUTOLOAD_OFF, None)
        else:
            os.environ[AUTOLOAD_OFF] = saved


def _render(reports: Path) -> None:
    rendered = render_html(reports / "allure-results", reports / "allure-report", Path.cwd())
    if rendered.index is not None:
        print(f"tmf622-ctk: Allure report: {rendered.index}")
    else:
        print(f"tmf622-ctk: no HTML report ({rendered.reason}); results kept in {reports / 'allure-results'}")


if __name__ == "__main__":
    raise SystemExit(main())
