"""Runs that stop before judging anything (exit 2, 3, 4) say why in one line and still leave reports for CI;
the embedded mock ignores the user's own `TMF622_MOCK_*` settings. `tmf622-ctk` is run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from tests.support.ctk_helpers import closed_port_url

CTK = str(Path(sys.executable).with_name("tmf622-ctk"))


def run(tmp_path: Path, *argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CTK, "--no-allure-html", *argv],
        cwd=tmp_path,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def stopped_reports(folder: Path) -> tuple[dict[str, Any], ET.Element]:
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return summary, ET.parse(folder / "junit.xml").getroot()


def assert_stopped(folder: Path, code: int, reason: str) -> None:
    summary, junit = stopped_reports(folder)
    assert summary["verdict"] == "error"
    assert summary["exitCode"] == code
    assert reason in summary["error"]
    cases = junit.findall(".//testcase")
    assert len(cases) == 1
    error = cases[0].find("error")
    assert error is not None
    assert reason in error.get("message", "")


def test_an_unusable_reports_dir_is_a_usage_error_in_one_line(tmp_path: Path, mock_server_url: str) -> None:
    """Issue 18.9: was an INTERNALERROR traceback and exit 3 ("embedded mock could not start")."""
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    done = run(tmp_path, "--base-url", mock_server_url + "/", "--reports-dir", str(tmp_path / "a-file" / "r"))
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    folder = tmp_path / "a-file" / "r"
    assert done.stderr.startswith(f"tmf622-ctk: reports folder {folder}: cannot write there")


def test_an_unreachable_target_stops_with_one_line_and_its_reports(tmp_path: Path) -> None:
    """Exit 4: one plain line (no `! _pytest.outcomes.Exit: ... !`), summary.json and junit.xml written."""
    url = closed_port_url()
    done = run(tmp_path, "--base-url", url, "--reports-dir", str(tmp_path / "r"))
    assert done.returncode == 4, done.stdout[-2000:] + done.stderr[-2000:]
    lines = [line for line in done.stdout.splitlines() if "tmf622-ctk" in line or "Exit" in line]
    assert len(lines) == 1
    assert lines[0].startswith("tmf622-ctk: target not usable: cannot reach ")
    assert "_pytest" not in done.stdout + done.stderr
    assert_stopped(tmp_path / "r", 4, "target not usable: cannot reach")


def test_a_mock_that_cannot_start_stops_with_exit_3_and_its_reports(tmp_path: Path) -> None:
    broken = tmp_path / "shadow" / "mock_server"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("", encoding="utf-8")
    (broken / "__main__.py").write_text("raise SystemExit('no mock today')\n", encoding="utf-8")
    done = run(tmp_path, "--reports-dir", str(tmp_path / "r"), env={"PYTHONPATH": str(broken.parent)})
    assert done.returncode == 3, done.stdout[-2000:] + done.stderr[-2000:]
    assert "_pytest" not in done.stdout + done.stderr
    assert_stopped(tmp_path / "r", 3, "cannot start the embedded mock")


def test_a_usage_error_after_the_options_were_read_writes_its_reports(tmp_path: Path) -> None:
    profile = tmp_path / "bad.yaml"
    profile.write_text("target: {base_url: 42}\n", encoding="utf-8")
    done = run(tmp_path, "--profile", str(profile), "--reports-dir", str(tmp_path / "r"))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert_stopped(tmp_path / "r", 2, "bad.yaml")


def test_the_embedded_mock_ignores_the_users_mock_settings(tmp_path: Path) -> None:
    """Issue 19.6: with TMF622_MOCK_API_TOKEN exported the embedded run used to exit 3."""
    env = {"TMF622_MOCK_API_TOKEN": "users-own-token", "TMF622_MOCK_STORE": "nowhere:"}
    done = run(tmp_path, "--reports-dir", str(tmp_path / "r"), env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "tmf622-ctk: CTK 4.0.0 63/63: PASS" in done.stdout
