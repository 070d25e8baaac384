"""The official runners are registered models, looked up by the name a kit file gives, not by import."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ctk_suite.http.client import HttpClient
from ctk_suite.kits.official.kit import ScenarioKit
from ctk_suite.kits.official.run import CtkRun, RunSettings
from ctk_suite.kits.official.runners import RUNNERS
from ctk_suite.kits.official.scenario import load_scenario
from tmf622_scenarios import scenario_path


def test_both_official_runners_are_registered_under_the_names_kit_files_give() -> None:
    assert sorted(RUNNERS) == ["cypress", "postman"]
    kits = {name: ScenarioKit.load(scenario_path(name)) for name in ("ctk-4.0.0.yaml", "ctk-5.0.0.yaml")}
    assert {name: kit.scenario.official_runner for name, kit in kits.items()} == {
        "ctk-4.0.0.yaml": "postman",
        "ctk-5.0.0.yaml": "cypress",
    }


def test_a_run_of_a_kit_with_an_unregistered_runner_refuses_to_start() -> None:
    """A scenario built in code (not through `ScenarioKit.load`) still fails before its first request."""
    scenario = replace(load_scenario(scenario_path()), official_runner="newman-7")
    client = HttpClient.plain(1.0, 1.0)
    try:
        with pytest.raises(KeyError, match=r"unknown official runner 'newman-7' \(known: cypress, postman\)"):
            CtkRun(scenario, RunSettings("http://127.0.0.1:9/", {}), client)
    finally:
        client.close()
