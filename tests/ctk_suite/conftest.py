"""Fixtures for the CTK suite's own tests: the fault-injecting fake server and runs of the whole CTK."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ctk_suite.config.table import OPTIONS
from ctk_suite.kits.official.scenario import Scenario, load_scenario
from tmf622_scenarios import scenario_path

CTK_ENV = tuple(option.env for option in OPTIONS)


@pytest.fixture(autouse=True)
def _no_ctk_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's TMF622_CTK_* variables must not leak into the suite's own tests."""
    for name in CTK_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    """The shipped CTK 4.0.0 scenario."""
    return load_scenario(scenario_path())


@pytest.fixture
def ctk_file(pytester: pytest.Pytester) -> Path:
    """The shipped scenario copied into the pytester folder (collected as `ctk-4.0.0.yaml`)."""
    return Path(shutil.copy(scenario_path(), pytester.path / "ctk-4.0.0.yaml"))
