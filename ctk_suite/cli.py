"""`tmf622-ctk`: run the CTK with pytest and render the Allure report, for people who do not use pytest."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import pytest

from ctk_suite.allure_html import render_html
from ctk_suite.config import DEFAULT_REPORTS_DIR, DEFAULT_TIMEOUT_S, normalize_base_url, parse_headers
from ctk_suite.runner import QUOTES
from tmf622_scenarios import DEFAULT_SCENARIO, scenario_path

USAGE_ERROR = 2
EXAMPLE = "tmf622-ctk --base-url https://host/tmf-api/productOrderingManagement/v4/"


class _Parser(argparse.ArgumentParser):
    """argparse that answers a usage error with one line saying how to fix it."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"tmf622-ctk: {message} (see tmf622-ctk --help; e.g. {EXAMPLE})\n")


def build_parser() -> argparse.ArgumentParser:
    """The command line, mirroring the plugin's --ctk-* options."""
    parser = _Parser(
        prog="tmf622-ctk",
        description="Run TM Forum's CTK for TMF622 Product Ordering v4.0.0 (N1, N2, E1) against a server, "
        "or against the embedded mock when no --base-url is given. Exit 0 only if every assertion passed.",
        epilog="Arguments after `--` go to pytest unchanged (e.g. -- -q).",
    )
    parser.add_argument(
        "--base-url", help="API root, e.g. https://host/tmf-api/productOrderingManagement/v4/"
    )
    parser.add_argument(
        "--orderdate-quote",
        choices=sorted(QUOTES),
        default=None,
        help="send ?orderDate= bare (none, default) or in single quotes, as the first official kit",
    )
    parser.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="extra request header, repeatable (values are redacted in reports)",
    )
    parser.add_argument(
        "--timeout",
        type=_positive_float,
        default=None,
        metavar="SECONDS",
        help=f"per-request timeout (default {DEFAULT_TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--reports-dir",
        default=DEFAULT_REPORTS_DIR,
        metavar="DIR",
        help="where summary.json, junit.xml, allure-results/ and allure-report/ go (default reports)",
    )
    parser.add_argument(
        "--no-allure-html", action="store_true", help="keep the Allure results, skip the HTML report"
    )
    parser.add_argument("--scenario", default=DEFAULT_SCENARIO, help=argparse.SUPPRESS)
    return parser


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return value


def pytest_args(
    options: argparse.Namespace, reports: Path, scenario: Path, extra: Sequence[str]
) -> list[str]:
    """The pytest command line: the scenario file, our plugin and Allure, and an empty config.

    `-c os.devnull` keeps a surrounding project's pytest settings (addopts, filterwarnings) out of the run.
    """
    args = [str(scenario), "-c", os.devnull, "--rootdir", str(scenario.parent), "-p", "no:cacheprovider"]
    args += ["-p", "tmf622_ctk", "-p", "allure_pytest"]
    args += [
        "--alluredir",
        str(reports / "allure-results"),
        "--clean-alluredir",
        "--ctk-reports-dir",
        str(reports),
    ]
    if options.base_url:
        args += ["--ctk-base-url", options.base_url]
    if options.orderdate_quote:
        args += ["--ctk-orderdate-quote", options.orderdate_quote]
    if options.timeout:
        args += ["--ctk-timeout", str(options.timeout)]
    for header in options.header:
        args += ["--ctk-header", header]
    return [*args, *extra]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CTK; return pytest's exit code (2 for usage errors)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    ours, extra = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    parser = build_parser()
    options = parser.parse_args(ours)
    try:
        parse_headers(options.header)
        if options.base_url is not None:
            normalize_base_url(options.base_url)
        scenario = scenario_path(options.scenario)
    except (pytest.UsageError, FileNotFoundError) as exc:
        parser.error(str(exc))
    reports = Path(options.reports_dir).resolve()
    code = int(pytest.main(pytest_args(options, reports, scenario, extra)))
    if code == pytest.ExitCode.USAGE_ERROR:
        return USAGE_ERROR
    if not options.no_allure_html and (reports / "allure-results").is_dir():
        _render(reports)
    return code


def _render(reports: Path) -> None:
    rendered = render_html(reports / "allure-results", reports / "allure-report", Path.cwd())
    if rendered.index is not None:
        print(f"tmf622-ctk: Allure report: {rendered.index}")
    else:
        print(f"tmf622-ctk: no HTML report ({rendered.reason}); results kept in {reports / 'allure-results'}")


if __name__ == "__main__":
    raise SystemExit(main())
