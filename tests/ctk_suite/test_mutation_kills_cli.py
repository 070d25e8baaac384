"""`tmf622-ctk` exit codes a CI job reads, for the cases the rest of the suite let a mutant through.

Written for `make mutate` (mutation/README.md).
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

import ctk_suite.cli
from ctk_suite.cli import main
from ctk_suite.config.table import BY_NAME
from ctk_suite.core.version import __version__
from ctk_suite.reporting import allure_html
from ctk_suite.reporting.allure_html import INSTALL_HINT
from tests.support.ctk_helpers import closed_port_url, read_summary


def test_a_pytest_usage_error_after_the_separator_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pytest says 4 for its usage errors; the CLI's contract is 2 for every usage error."""
    argv = ["--reports-dir", str(tmp_path), "--no-allure-html", "--", "--no-such-pytest-option"]
    assert main(argv) == 2
    assert "--no-such-pytest-option" in capsys.readouterr().err


def test_an_unreachable_target_exits_4_and_leaves_the_environment_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """4 is the suite's own code (pytest would say 4 for a usage error): the CLI keeps the suite's."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "kept")
    argv = ["--base-url", closed_port_url(), "--reports-dir", str(tmp_path), "--no-allure-html", "--", "-q"]
    assert main(argv) == 4
    assert os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] == "kept"
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    assert main(["--reports-dir", str(tmp_path), "--", "--no-such-pytest-option"]) == 2
    assert "PYTEST_DISABLE_PLUGIN_AUTOLOAD" not in os.environ


EXIT_CODES = (
    "Exit codes: 0 every check passed (with --baseline: nothing regressed), 1 non-conformant, 2 usage or "
    "profile error, 3 the embedded mock could not start, 4 the target is unreachable or refused the "
    "credentials."
)
PURPOSE = (
    "Certify a TMF622 Product Ordering deployment with ports of TM Forum's CTKs and our extended checks, "
    "against the target of a profile or the embedded mock."
)
COMMANDS = (
    "Commands: `tmf622-ctk profile import FILE` prints the profile equivalent to TM Forum's own "
    "CHANGE_ME.json or Postman environment; `tmf622-ctk example [NAME]` prints a shipped example file."
)
PASSING_ON = (
    "Arguments after `--` go to pytest unchanged (e.g. -- -q); other pytest plugins are not loaded unless "
    "named (-- -p NAME). Every option is also read from its environment variable and its profile key "
    "(command line > environment > profile > default)."
)


def squeezed(text: str) -> str:
    """`text` without whitespace: argparse wraps its lines, at hyphens too."""
    return "".join(text.split())


def test_help_states_the_exit_codes_and_where_options_come_from(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--help"])
    shown = squeezed(capsys.readouterr().out)
    assert stopped.value.code == 0
    assert shown.startswith(squeezed("usage: tmf622-ctk [-h] [--version]"))
    assert squeezed(f"{PURPOSE} {EXIT_CODES}") in shown
    assert squeezed(f"{COMMANDS} {PASSING_ON}") in shown


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert (stopped.value.code, capsys.readouterr().out) == (0, f"tmf622-ctk {__version__}\n")


def test_a_passing_run_against_the_embedded_mock_exits_0_with_its_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from a folder without node_modules (and no `allure` on PATH here): the HTML report is
    skipped with its reason and the results are kept."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(allure_html, "CHECKOUT", tmp_path)  # nor the checkout's pinned copy
    if shutil.which("allure"):
        pytest.skip("an `allure` on PATH would render the report")
    reports = tmp_path / "reports"
    assert main(["--reports-dir", str(reports), "--", "-q", "-k", "N1"]) == 0
    out = capsys.readouterr().out
    assert "tmf622-ctk: CTK 4.0.0 36/36: PASS" in out
    assert any((reports / "allure-results").glob("*-result.json"))
    assert out.endswith(
        f"tmf622-ctk: no HTML report (Allure CLI not found (install it with `{INSTALL_HINT}`, or put "
        f"`allure` on PATH)); results kept in {reports / 'allure-results'}\n"
    )


def test_the_command_line_is_read_from_sys_argv(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.argv", ["tmf622-ctk", "--version"])
    with pytest.raises(SystemExit):
        main()
    assert capsys.readouterr().out == f"tmf622-ctk {__version__}\n"


@pytest.mark.parametrize(
    ("level", "levels"),
    [
        ("extended", ["extended-mandatory", "extended-optional"]),
        ("all", ["ctk", "extended-mandatory", "extended-optional"]),
    ],
)
def test_a_level_runs_the_kits_it_names(level: str, levels: list[str], tmp_path: Path) -> None:
    """`--level extended` runs our kit alone, `--level all` the official kit's port and ours: the
    summary judges each level it ran."""
    reports = tmp_path / "reports"
    assert main(["--level", level, "--reports-dir", str(reports), "--no-allure-html", "--", "-q"]) == 0
    judged = read_summary(reports)["levels"]
    assert {name: (level["verdict"], level["total"] > 0) for name, level in judged.items()} == dict.fromkeys(
        levels, ("pass", True)
    )


#: An Allure CLI stand-in: like the real one, it fails on a folder without results; else it writes the
#: page where `-o` points. Each call is recorded beside it.
FAKE_ALLURE = """#!/bin/sh
echo "$@" >> "$(dirname "$0")/calls"
[ "$1" = generate ] && [ "$3" = -o ] && [ "$5" = --config ] || exit 2
ls "$2"/*-result.json > /dev/null 2>&1 || { echo "no results in $2" >&2; exit 1; }
mkdir -p "$4" && echo '<html></html>' > "$4/index.html"
"""


@pytest.fixture
def allure_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding the stand-in `allure`, first on PATH; its `calls` file lists the calls."""
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "allure").write_text(FAKE_ALLURE, encoding="utf-8")
    (folder / "allure").chmod(stat.S_IRWXU)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.chdir(tmp_path)
    return folder


def test_a_run_renders_its_results_with_the_allure_cli_and_says_where(
    tmp_path: Path, allure_on_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    assert main(["--reports-dir", str(reports), "--", "-q", "-k", "N1"]) == 0
    results, report = reports / "allure-results", reports / "allure-report"
    calls = (allure_on_path / "calls").read_text(encoding="utf-8")
    assert calls == f"generate {results} -o {report} --config {reports / 'allurerc.json'}\n"
    assert capsys.readouterr().out.endswith(f"tmf622-ctk: Allure report: {report / 'index.html'}\n")


def test_no_allure_html_leaves_the_results_unrendered(
    tmp_path: Path, allure_on_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    assert main(["--reports-dir", str(reports), "--no-allure-html", "--", "-q", "-k", "N1"]) == 0
    assert any((reports / "allure-results").glob("*-result.json"))
    assert not (allure_on_path / "calls").exists()
    assert not (reports / "allure-report").exists()
    assert "Allure" not in capsys.readouterr().out


def stopped(folder: Path) -> tuple[str, int, str]:
    """What summary.json says of a run that stopped before judging anything: verdict, exit code, why."""
    summary = read_summary(folder)
    return summary["verdict"], summary["exitCode"], summary["error"]


TIMEOUT_REFUSED = "tmf622-ctk: --timeout (command line): must be a number of seconds in (0, 3600], got '0'"


@pytest.mark.parametrize("given_by", ["option", "environment", "nothing"])
def test_a_usage_error_before_any_profile_leaves_its_reports_where_they_would_have_gone(
    given_by: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CI reads summary.json in the folder it named (`--reports-dir`, the environment, else ./reports)."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / {"option": "given", "environment": "from-env", "nothing": "reports"}[given_by]
    argv = ["--timeout", "0", *(["--reports-dir", str(folder)] if given_by == "option" else [])]
    if given_by == "environment":
        monkeypatch.setenv(BY_NAME["reports_dir"].env, str(folder))
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert stopped(folder) == ("error", 2, TIMEOUT_REFUSED)


@pytest.fixture
def profile_with_reports_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A profile whose `reports_dir` (relative: to the current folder) is the only one named."""
    monkeypatch.chdir(tmp_path)
    profile = tmp_path / "profile.yaml"
    profile.write_text("name: p\ntarget: {embedded_mock: true}\nreports_dir: out\n", encoding="utf-8")
    return profile


def test_a_missing_baseline_leaves_the_reports_in_the_profiles_folder(profile_with_reports_dir: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--profile", str(profile_with_reports_dir), "--baseline", "nowhere.json"])
    assert caught.value.code == 2
    folder = profile_with_reports_dir.parent
    assert stopped(folder / "out") == (
        "error",
        2,
        f"tmf622-ctk: baseline {folder / 'nowhere.json'}: file not found",
    )
    assert not (folder / "reports").exists()


def test_a_version_without_a_kit_at_the_chosen_levels_is_a_usage_error(
    profile_with_reports_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every shipped version has both kits today: a version shipped with its official kit only, run at
    `--level extended`, must stop with one line and its reports, not run pytest on no file."""
    monkeypatch.setattr(ctk_suite.cli, "kit_files", lambda version, official, extended: [])
    with pytest.raises(SystemExit) as caught:
        main(["--profile", str(profile_with_reports_dir), "--level", "extended"])
    message = "tmf622-ctk: no kit for TMF622 4.0.0 at the selected levels"
    assert caught.value.code == 2
    assert capsys.readouterr().err.startswith(f"{message} (see tmf622-ctk --help")
    assert stopped(profile_with_reports_dir.parent / "out") == ("error", 2, message)


def test_pytest_refusing_its_arguments_is_reported_as_a_usage_error(tmp_path: Path) -> None:
    argv = ["--reports-dir", str(tmp_path), "--no-allure-html", "--", "--no-such-pytest-option"]
    assert main(argv) == 2
    assert stopped(tmp_path) == ("error", 2, "tmf622-ctk: pytest refused its arguments")
