"""`tmf622-ctk`: run the CTK with pytest and render the Allure report, for people who do not use pytest."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import allure_pytest.plugin
import pytest

import ctk_suite.plugin
from ctk_suite.allure_html import render_html
from ctk_suite.baseline import BaselineError, load_baseline
from ctk_suite.config import DEFAULT_REPORTS_DIR, normalize_base_url, parse_headers
from ctk_suite.profile import Level, Profile
from ctk_suite.profile_schema import ProfileError
from ctk_suite.runner import QUOTES
from ctk_suite.target import LEVEL_CHOICES, Overrides, resolve_profile
from tmf622_scenarios import DEFAULT_SCENARIO, scenario_names, scenario_path

USAGE_ERROR = 2
#: pytest's switch for entry-point plugins: the run loads ours and Allure's by name (`-p`) and no other.
AUTOLOAD_OFF = "PYTEST_DISABLE_PLUGIN_AUTOLOAD"
EXAMPLE = "tmf622-ctk --profile my-deployment.yaml"
EXTENDED_PREFIX = "extended-"

#: (option, pytest option, argparse keywords): each also answers to its `--ctk-` spelling.
_S = {"type": float, "metavar": "SECONDS"}
_FILE = {"metavar": "FILE"}
_VALUED: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("--profile", "--ctk-profile", {**_FILE, "help": "target profile (YAML), see README"}),
    (
        "--base-url",
        "--ctk-base-url",
        {"help": "API root: https://host/tmf-api/productOrderingManagement/v4/"},
    ),
    (
        "--orderdate-quote",
        "--ctk-orderdate-quote",
        {"choices": sorted(QUOTES), "help": "?orderDate= quoting"},
    ),
    ("--timeout", "--ctk-timeout", {**_S, "help": "connect and read timeout at once"}),
    ("--connect-timeout", "--ctk-connect-timeout", {**_S, "help": "connect timeout"}),
    ("--read-timeout", "--ctk-read-timeout", {**_S, "help": "wait for a response"}),
    ("--ca-bundle", "--ctk-ca-bundle", {**_FILE, "help": "CA bundle (PEM) to trust"}),
    ("--client-cert", "--ctk-client-cert", {**_FILE, "help": "client certificate (mutual TLS)"}),
    ("--client-key", "--ctk-client-key", {**_FILE, "help": "its private key"}),
    ("--level", "--ctk-level", {"choices": list(LEVEL_CHOICES), "help": "default: the profile's levels"}),
    ("--payload", "--ctk-payload", {**_FILE, "help": "POST /productOrder body (JSON), checked first"}),
    ("--baseline", "--ctk-baseline", {**_FILE, "help": "earlier summary.json: fail only on regressions"}),
)
_FLAGS = (
    ("--insecure", "--ctk-insecure", "do not verify TLS certificates (the summary warns)"),
    ("--no-cleanup", "--ctk-no-cleanup", "keep the orders the run created on the server"),
)


class _Parser(argparse.ArgumentParser):
    """argparse that answers a usage error with one line saying how to fix it."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"tmf622-ctk: {message} (see tmf622-ctk --help; e.g. {EXAMPLE})\n")


def build_parser() -> argparse.ArgumentParser:
    """The command line, mirroring the plugin's --ctk-* options (both spellings are accepted)."""
    parser = _Parser(
        prog="tmf622-ctk",
        description="Run TM Forum's CTK for TMF622 Product Ordering v4.0.0 (N1, N2, E1) against the target "
        "of a profile, or against the embedded mock. Exit 0 only if every check passed "
        "(with --baseline: if nothing regressed).",
        epilog="Arguments after `--` go to pytest unchanged (e.g. -- -q); other pytest plugins are not "
        "loaded unless named (-- -p NAME).",
    )
    for option, alias, keywords in _VALUED:
        parser.add_argument(option, alias, default=None, **keywords)
    for option, alias, text in _FLAGS:
        parser.add_argument(option, alias, action="store_true", help=text)
    parser.add_argument(
        "--header", "--ctk-header", action="append", default=[], metavar="'NAME: VALUE'",
        help="extra request header, repeatable (values of credential headers are masked in reports)",
    )  # fmt: skip
    parser.add_argument(
        "--reports-dir", "--ctk-reports-dir", default=DEFAULT_REPORTS_DIR, metavar="DIR",
        help="where summary.json, junit.xml, allure-results/ and allure-report/ go (default reports)",
    )  # fmt: skip
    parser.add_argument(
        "--no-allure-html", action="store_true", help="keep the Allure results, skip the HTML"
    )
    parser.add_argument("--scenario", default=DEFAULT_SCENARIO, help=argparse.SUPPRESS)
    return parser


def overrides(options: argparse.Namespace) -> Overrides:
    """The command line as profile overrides."""
    return Overrides(
        base_url=normalize_base_url(options.base_url) if options.base_url else None,
        orderdate_quote=options.orderdate_quote,
        timeout_s=_seconds(options.timeout, "--timeout"),
        connect_timeout_s=_seconds(options.connect_timeout, "--connect-timeout"),
        read_timeout_s=_seconds(options.read_timeout, "--read-timeout"),
        insecure=options.insecure,
        ca_bundle=options.ca_bundle,
        client_cert=options.client_cert,
        client_key=options.client_key,
        level=options.level,
        no_cleanup=options.no_cleanup,
        payload_file=options.payload,
    )


def _seconds(value: float | None, flag: str) -> float | None:
    if value is not None and not 0 < value <= 3600:
        raise pytest.UsageError(f"argument {flag}: must be a positive number of seconds, got '{value:g}'")
    return value


def pytest_args(
    options: argparse.Namespace, reports: Path, scenarios: Sequence[Path], extra: Sequence[str]
) -> list[str]:
    """The pytest command line: the scenario files and an empty config (`run_pytest` adds the plugins).

    `-c os.devnull` keeps a surrounding project's pytest settings (addopts, filterwarnings) out of the run.
    `--assert=plain`: the items raise their own failures, no test module's asserts need rewriting.
    """
    args = [*map(str, scenarios), "-c", os.devnull, "--rootdir", str(scenarios[0].parent)]
    args += ["-p", "no:cacheprovider", "--assert=plain"]
    args += [
        "--alluredir",
        str(reports / "allure-results"),
        "--clean-alluredir",
        "--ctk-reports-dir",
        str(reports),
    ]
    for option, alias, _ in _VALUED:
        value = getattr(options, option.removeprefix("--").replace("-", "_"))
        if value is not None:
            args += [alias, str(value)]
    args += [alias for option, alias, _ in _FLAGS if getattr(options, option[2:].replace("-", "_"))]
    for header in options.header:
        args += ["--ctk-header", header]
    return [*args, *extra]


def scenario_files(profile: Profile, ctk_scenario: Path) -> list[Path]:
    """The CTK's scenario file if its level is selected, then the extended level's files if it is."""
    files = [ctk_scenario] if Level.CTK in profile.levels else []
    if any(level is not Level.CTK for level in profile.levels):
        files += [scenario_path(name) for name in scenario_names() if name.startswith(EXTENDED_PREFIX)]
    return files or [ctk_scenario]


def _prepare(parser: argparse.ArgumentParser, options: argparse.Namespace) -> list[Path]:
    """Check everything that can be checked before a request is sent; one line and exit 2 otherwise."""
    try:
        parse_headers(options.header)
        profile = resolve_profile(options.profile, overrides(options))
        if options.baseline is not None:
            load_baseline(Path(options.baseline))
        return scenario_files(profile, scenario_path(options.scenario))
    except (pytest.UsageError, ProfileError, BaselineError, FileNotFoundError) as exc:
        parser.error(str(exc))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CTK; return pytest's exit code (2 for usage errors)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    ours, extra = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    parser = build_parser()
    options = parser.parse_args(ours)
    scenarios = _prepare(parser, options)
    reports = Path(options.reports_dir).resolve()
    code = run_pytest(pytest_args(options, reports, scenarios, extra))
    if code == pytest.ExitCode.USAGE_ERROR:
        return USAGE_ERROR
    if not options.no_allure_html and (reports / "allure-results").is_dir():
        _render(reports)
    return code


def run_pytest(args: list[str]) -> int:
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
        return int(pytest.main(args, plugins=[ctk_suite.plugin, allure_pytest.plugin]))
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
