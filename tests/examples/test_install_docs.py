"""Installable as documented: the CI examples install from the repository, the Allure hint names the pinned
version, the example files ship and print, the licence is there, and `tmf622-mock --help` names v4 and v5.

The CI jobs themselves need a CI runner; what can be checked here is checked: which commands they run
(`scripts/wheel_smoke.sh` installs the wheel and the sdist into clean venvs in CI).
"""

from __future__ import annotations

import fnmatch
import io
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from ctk_suite.config.commands import EXAMPLES, run_command
from ctk_suite.reporting.allure_html import ALLURE_VERSION, INSTALL_HINT

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PINNED_ALLURE = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]["allure"]


def ci_commands(name: str) -> list[str]:
    """The shell lines of a CI example: GitHub's `run:` steps, GitLab's before_script and script."""
    document: dict[str, Any] = yaml.safe_load((ROOT / "docs" / "ci" / name).read_text(encoding="utf-8"))
    if "jobs" in document:
        return [step["run"] for job in document["jobs"].values() for step in job["steps"] if "run" in step]
    job = document["tmf622-conformance"]
    return [*job["before_script"], *job["script"]]


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_the_ci_examples_install_from_the_repository_and_the_pinned_allure(name: str) -> None:
    lines = ci_commands(name)
    installs = [line for line in lines if re.search(r"\bpip3? install\b", line)]
    assert installs
    for line in installs:  # a git URL or a wheel built in the job: the package is on no index
        assert re.search(r"git\+\$\{?TMF622_TOOLKIT_GIT|\.whl\b", line), line
        assert not re.search(r"install\s+tmf622-toolkit\s*($|&)", line), line
    assert f"npm install -g allure@{PINNED_ALLURE}" in lines
    assert any(line.startswith("tmf622-ctk ") for line in lines)


def test_the_allure_hint_names_the_pinned_version() -> None:
    assert ALLURE_VERSION == PINNED_ALLURE
    assert f"npm install -g allure@{PINNED_ALLURE}" == INSTALL_HINT
    assert INSTALL_HINT in (ROOT / "Containerfile").read_text(encoding="utf-8")


def test_the_licence_is_the_apache_2_text_the_metadata_names() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.lstrip().startswith("Apache License\n                           Version 2.0, January 2004")
    assert "END OF TERMS AND CONDITIONS" in text
    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    assert set(PYPROJECT["project"]["license-files"]) == {"LICENSE", "NOTICE"}
    assert "LICENSE" in (ROOT / "NOTICE").read_text(encoding="utf-8")


def test_every_example_the_readme_cites_ships_and_prints() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    cited = set(re.findall(r"scenarios/((?:mock|profiles)/[\w.-]+\.yaml)", readme))
    assert cited <= set(EXAMPLES.values())
    shipped = PYPROJECT["tool"]["setuptools"]["package-data"]["tmf622_scenarios"]
    for name, relative in EXAMPLES.items():
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in shipped), relative
        for spelled in (name, f"scenarios/{relative}"):
            out = io.StringIO()
            assert run_command(["example", spelled], out, io.StringIO()) == 0
            assert out.getvalue() == (ROOT / "scenarios" / relative).read_text(encoding="utf-8")


def test_the_example_command_lists_them_and_refuses_an_unknown_name() -> None:
    listed = subprocess.run(
        [str(BIN / "tmf622-ctk"), "example"], capture_output=True, text=True, timeout=60, check=True
    )
    assert [line.split()[0] for line in listed.stdout.splitlines()] == list(EXAMPLES)
    err = io.StringIO()
    assert run_command(["example", "nope"], io.StringIO(), err) == 2
    assert err.getvalue().startswith("tmf622-ctk example: no example 'nope'")


def test_the_mock_s_help_names_both_versions() -> None:
    shown = subprocess.run(
        [str(BIN / "tmf622-mock"), "--help"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    description = " ".join(shown.split())
    assert (
        "TMF622 Product Ordering server: v4.0.0 under --base-path and v5.0.0 under --v5-base-path"
        in description
    )
