"""`tmf622-ctk`: argument handling, the pytest command it builds, HTML rendering with or without Allure."""

from __future__ import annotations

import itertools
import json
import os
import stat
from pathlib import Path

import pytest

from ctk_suite import cli
from ctk_suite.config.frontends import cli_values
from ctk_suite.reporting import allure_html


def test_no_option_travels_as_a_pytest_argument(tmp_path: Path) -> None:
    """The profile (credentials included) is handed to the plugin as an object: pytest prints its argv."""
    argv = [
        "--base-url", "http://h/v4/", "--header", "X-A: secret-value", "--timeout", "3", "--level", "all",
        "--reports-dir", str(tmp_path), "--no-allure-html",
    ]  # fmt: skip
    resolved, kits = cli._prepare(cli.build_parser(), cli_values(cli.build_parser().parse_args(argv)))
    assert resolved.profile.request_headers["X-A"] == "secret-value"
    assert resolved.profile.target.api_url == "http://h/v4/"
    args = cli.pytest_args(resolved.profile, kits, ["-q"])
    assert args[0] == str(kits[0])
    assert not [arg for arg in args if arg.startswith("--ctk-") or "secret-value" in arg]
    assert "secret" not in repr(resolved)
    pairs = dict(itertools.pairwise(args))
    assert pairs["--alluredir"] == str(tmp_path / "allure-results")
    assert pairs["-c"] == os.devnull  # a surrounding project's pytest settings stay out
    assert "--clean-alluredir" in args
    assert args[-1] == "-q"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--timeout", "0"], "--timeout (command line): must be a number of seconds in (0, 3600], got '0'"),
        (
            ["--base-url", "ftp://h/"],
            "--base-url (command line): must be an absolute http(s) URL (value not shown)",
        ),
        (
            ["--header", "Authorization Bearer secret"],
            "--header (command line): a header must look like 'Name: value' (value not shown)",
        ),
        (
            ["--orderdate-quote", "double"],
            "argument --orderdate-quote/--ctk-orderdate-quote: invalid choice: 'double'",
        ),
        (["--profile", "nowhere.yaml"], "/"),  # the absolute path: nowhere.yaml: profile file not found
        (["--baseline", "nowhere.json"], "baseline /"),
        (["--read-timeout", "-1"], "--read-timeout (command line): must be a number of seconds in (0, 3600]"),
        (["--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["--time", "5"], "unrecognized arguments: --time 5"),  # a prefix of --timeout is no flag
    ],
)
def test_usage_errors_exit_2_with_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(argv)
    assert caught.value.code == cli.USAGE_ERROR
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"tmf622-ctk: {message}")
    assert "secret" not in err
    assert "not found" in err or "nowhere" not in " ".join(argv)


def fake_allure(folder: Path, body: str) -> Path:
    path = folder / "allure"
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_no_allure_cli_gives_a_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(allure_html, "find_allure", lambda cwd: None)
    rendered = allure_html.render_html(tmp_path / "allure-results", tmp_path / "allure-report", tmp_path)
    assert rendered.index is None
    assert rendered.reason == (
        "Allure CLI not found (install it with `npm install -g allure@3.18.0`, or put `allure` on PATH)"
    )


def test_failing_allure_cli_gives_a_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    allure = fake_allure(tmp_path, "echo 'no results found' >&2\nexit 1\n")
    monkeypatch.setattr(allure_html, "find_allure", lambda cwd: allure)
    rendered = allure_html.render_html(tmp_path / "allure-results", tmp_path / "allure-report", tmp_path)
    assert rendered.reason == "allure generate exited 1: no results found"


def test_allure_generate_is_asked_for_a_single_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Records its arguments and writes index.html where -o points.
    allure = fake_allure(
        tmp_path, 'echo "$@" > "$(dirname "$0")/args"\nmkdir -p "$4"\necho html > "$4/index.html"\n'
    )
    monkeypatch.setattr(allure_html, "find_allure", lambda cwd: allure)
    results = tmp_path / "allure-results"
    rendered = allure_html.render_html(results, tmp_path / "allure-report", tmp_path)
    assert rendered.index == tmp_path / "allure-report" / "index.html"
    config = tmp_path / "allurerc.json"
    assert (tmp_path / "args").read_text(encoding="utf-8").split() == [
        "generate",
        str(results),
        "-o",
        str(tmp_path / "allure-report"),
        "--config",
        str(config),
    ]
    assert (
        json.loads(config.read_text(encoding="utf-8"))["plugins"]["awesome"]["options"]["singleFile"] is True
    )


def test_find_allure_looks_in_node_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    (tmp_path / "node_modules" / ".bin").mkdir(parents=True)
    local = fake_allure(tmp_path / "node_modules" / ".bin", "exit 0\n")
    assert allure_html.find_allure(tmp_path) == local


def test_find_allure_finds_the_checkouts_pinned_copy_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`tmf622-ctk` run from another folder still renders with the copy `make ctk` installed."""
    pinned = Path(__file__).resolve().parents[2] / "node_modules" / ".bin" / "allure"
    if not pinned.is_file():
        pytest.skip("this checkout has no node_modules (scripts/bootstrap.sh installs the Allure CLI)")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert allure_html.find_allure(tmp_path) == pinned
