"""The engine's promises: selection keeps dependencies, one record feeds every report, the User-Agent."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctk_suite import USER_AGENT, __version__
from ctk_suite.core.registry import Registry
from ctk_suite.engine.kit import KIT_TYPES
from ctk_suite.kits.official.scenario import SCENARIO_FORMAT
from tests.support.ctk_helpers import read_summary
from tests.support.fakes.v4 import serving


def test_a_selection_runs_what_it_needs_first_as_setup(pytester: pytest.Pytester, ctk_file: Path) -> None:
    with serving() as (url, fake):
        result = pytester.runpytest(ctk_file.name, "--ctk-base-url", url, "-k", "N2 and id")
    assert result.ret == 0
    result.assert_outcomes(passed=2, deselected=7)
    posts = [line for line in fake.requests if line.startswith("POST")]
    assert len(posts) == 1  # N1 POST ran once, as setup, so IDPO01 exists
    summary = read_summary(pytester.path / "reports")
    assert [r["name"] for r in summary["requests"]] == [
        "/ProductOrder?fields=id",
        "/ProductOrder?id={{IDPO01}}",
    ]
    assert [(r["scenario"], r["method"], r["setup"]) for r in summary["setupRequests"]] == [
        ("N1", "POST", True)
    ]
    assert summary["totals"] == {"requests": 2, "assertions": 13, "failedAssertions": 0}
    result.stdout.fnmatch_lines(["setup (run because a selected request needed it): N1 /ProductOrder [POST]"])
    assert "was not run" not in result.stdout.str()


def test_every_request_says_who_sends_it(pytester: pytest.Pytester, ctk_file: Path) -> None:
    with serving() as (url, fake):
        pytester.runpytest(ctk_file.name, "--ctk-base-url", url, "-q")
    assert f"tmf622-ctk/{__version__}" == USER_AGENT
    assert fake.headers_seen
    assert {headers.get("User-Agent") for headers in fake.headers_seen} == {USER_AGENT}
    summary = read_summary(pytester.path / "reports")
    assert summary["toolkitVersion"] == __version__
    assert [(k["name"], k["version"]) for k in summary["kits"]] == [("CTK", "4.0.0")]


def test_one_registry_class_for_everything_pluggable() -> None:
    registry: Registry[int] = Registry("thing")
    registry.add("a", 1)
    with pytest.raises(ValueError, match="thing 'a' registered twice"):
        registry.add("a", 2)
    with pytest.raises(KeyError, match=r"unknown thing 'b' \(known: a\)"):
        registry.get("b")
    assert SCENARIO_FORMAT in KIT_TYPES
    assert "tmf622-extended-rules/1" in KIT_TYPES


def test_the_containerfile_installs_as_the_wheel_smoke_test_does() -> None:
    """No image builder runs here: the Containerfile's steps are the ones CI runs in a clean venv."""
    root = Path(__file__).resolve().parents[3]
    containerfile = (root / "Containerfile").read_text(encoding="utf-8")
    smoke = (root / "scripts" / "wheel_smoke.sh").read_text(encoding="utf-8")
    assert "python -m build --wheel" in containerfile
    assert "-m build -q --sdist --wheel" in smoke
    assert "pip install --no-cache-dir /tmp/*.whl" in containerfile
    assert "scripts/wheel_smoke.sh" in (root / ".ci" / "run").read_text(encoding="utf-8")


def test_the_embedded_mock_start_is_not_the_first_request_s_time(
    pytester: pytest.Pytester, ctk_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session opens in the first item's setup phase: Allure times the call phase only."""
    import json
    import time

    from ctk_suite.engine.mock_process import EmbeddedMock

    start = EmbeddedMock.start

    def slow_start(self: EmbeddedMock) -> str:
        time.sleep(1.5)  # a slow machine: the mock takes its time to come up
        return start(self)

    monkeypatch.setattr(EmbeddedMock, "start", slow_start)
    result = pytester.runpytest(ctk_file.name, "-q", "--alluredir", "allure")
    assert result.ret == 0
    results = [
        json.loads(p.read_text(encoding="utf-8")) for p in (pytester.path / "allure").glob("*-result.json")
    ]
    post = next(r for r in results if r["name"] == "N1 /ProductOrder [POST]")
    assert post["stop"] - post["start"] < 1000  # milliseconds: the request, not the mock's 1.5 s start
