"""summary.json of a run with every part filled in: setup, another kit's requests, a secret, warnings, a
profile, cleanup and a baseline; and of a run without the official kit.

Written for `make mutate` (scripts/mutation/README.md): each test fails when a rule of
reporting/summary.py is broken.
"""

from __future__ import annotations

import json
import locale
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from ctk_suite.config.target import resolve_profile
from ctk_suite.core.redaction import MASK, SecretRegistry
from ctk_suite.engine.baseline import Comparison
from ctk_suite.engine.cleanup import CleanupReport
from ctk_suite.engine.records import KitInfo, UnitResult
from ctk_suite.http.client import HttpClient
from ctk_suite.kits.official.run import CtkRun, RunSettings
from ctk_suite.kits.official.scenario import load_scenario
from ctk_suite.reporting.run_report import RunReport
from ctk_suite.reporting.summary import build_summary, write_summary
from tests.support.scripted_v4 import raw, serving_scripted
from tmf622_scenarios import scenario_path

SECRET = "productOrderingManagement"  # in every URL of the run: masked wherever the summary shows one
#: Secrets that only an assertion's reason (the HTML body it quotes) and Newman's script error hold.
IN_REASON, IN_SCRIPT_ERROR = "order</html", "body is not JSON"
OTHER_KIT = KitInfo("extended-4.0.0", "extended", "4.0.0", "TMF622 extended checks", official=False)


def html_by_id(request: web.Request, orders: dict[str, dict[str, Any]]) -> web.Response | None:
    """The order by id as an HTML page: Newman's script stops there with a JSONError."""
    by_id = request.method == "GET" and request.match_info["tail"].startswith("productOrder/")
    return raw(b"<html>order</html>", content_type="text/html") if by_id else None


def get_by_id_against(odd: Any) -> tuple[UnitResult, UnitResult]:
    """The kit's GET by id run alone against a scripted server answering as `odd` says: (the POST it
    ran first as setup, the GET)."""
    scenario = load_scenario(scenario_path())
    with serving_scripted(odd) as url:
        run = CtkRun(scenario, RunSettings(url, {}), HttpClient.plain(5.0, 5.0))
        try:
            setup, by_id = run.execute(scenario.requests[2])
        finally:
            run.client.close()
    return setup, by_id


@pytest.fixture(scope="module")
def results() -> list[UnitResult]:
    """GET by id run alone: the POST it needs runs first as setup; then another kit's check that sent
    nothing, named after the secret."""
    setup, by_id = get_by_id_against(html_by_id)
    unsent = replace(
        by_id,
        kit=OTHER_KIT,
        name=f"check {SECRET}",
        method="",
        exchange=None,
        not_sent=f"blocked by {SECRET}",
    )
    return [setup, by_id, unsent]


def test_every_part_of_a_run_is_in_its_place_and_masked(results: list[UnitResult], tmp_path: Path) -> None:
    profile = resolve_profile({}, {})
    report = RunReport(
        tuple(results),
        SecretRegistry([SECRET, "order-1", IN_REASON, IN_SCRIPT_ERROR]),
        profile=profile,
        api_url=results[1].url.rsplit("/", 2)[0] + "/",
        cleanup=CleanupReport(enabled=True, deleted=("order-1",)),
        warnings=(f"a warning naming {SECRET}",),
        baseline=Comparison("baseline.json", regressions=("N1 a regression",)),
    )
    summary = json.loads(write_summary(report, tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert SECRET not in json.dumps(summary)
    assert "order-1" not in json.dumps(summary["requests"])  # the created id, in assertion names too
    assert IN_REASON not in json.dumps(summary)
    assert IN_SCRIPT_ERROR not in json.dumps(summary)
    assert MASK in summary["baseUrl"]
    assert [(r["method"], r["setup"], r["kit"]) for r in summary["requests"]] == [("GET", False, "ctk-4.0.0")]
    assert [(r["method"], r["kit"]) for r in summary["setupRequests"]] == [("POST", "ctk-4.0.0")]
    [by_id] = summary["requests"]
    assert (by_id["status"], by_id["sizeBytes"], by_id["attempts"]) == (200, len(b"<html>order</html>"), 1)
    assert by_id["timeMs"] > 0
    [unsent] = summary["extendedRequests"]
    assert (unsent["kit"], unsent["method"], unsent["status"], unsent["timeMs"], unsent["sizeBytes"]) == (
        "extended-4.0.0",
        "-",
        None,
        0.0,
        0,
    )
    assert (unsent["name"], unsent["error"]) == (f"check {MASK}", f"blocked by {MASK}")
    assert (unsent["attempts"], unsent["truncated"]) == (0, False)
    listed = [r for key in ("requests", "setupRequests", "extendedRequests") for r in summary[key]]
    assert all(MASK in r["url"] for r in listed)
    assert summary["officialTotals"]["scriptErrors"] == 1
    assert summary["warnings"] == [f"a warning naming {MASK}"]
    assert summary["profile"] == profile.name
    assert summary["cleanup"] == {
        "enabled": True, "deleted": ["order-1"], "failed": [], "kept": [], "cancelRequests": [], "created": 1,
    }  # fmt: skip
    assert summary["baseline"] == {
        "file": "baseline.json", "regressions": ["N1 a regression"],
        "knownFailures": [], "fixed": [], "missing": [],
    }  # fmt: skip


def test_a_run_without_the_official_kit_has_no_official_requests(results: list[UnitResult]) -> None:
    summary = build_summary(RunReport((results[2],), SecretRegistry()))
    assert (summary["requests"], summary["ctkVersion"], summary["baseUrl"], summary["startedAt"]) == (
        [],
        None,
        None,
        None,
    )
    assert [r["kit"] for r in summary["extendedRequests"]] == ["extended-4.0.0"]
    assert summary["officialTotals"]["scriptErrors"] == 0
    assert (summary["profile"], summary["cleanup"]) == (None, None)
    assert "baseline" not in summary


def test_the_file_is_indented_utf8_text_written_again_into_new_folders(
    results: list[UnitResult], tmp_path: Path
) -> None:
    """A run's reports folder may be new and nested, and a second run writes over the first."""
    report = RunReport(tuple(results[:2]), SecretRegistry(), warnings=("déjà vu",))
    path = tmp_path / "new" / "nested" / "summary.json"
    write_summary(report, path)
    write_summary(report, path)
    text = path.read_bytes().decode("utf-8")
    assert text.startswith('{\n  "format": "tmf622-ctk-summary/1",\n  "ctkVersion"')
    assert text.endswith("\n}\n")
    assert '"déjà vu"' in text


def test_a_body_cut_at_the_size_limit_is_said_truncated(tmp_path: Path) -> None:
    """A response past 5 MiB is cut where the client stops reading: the summary says so."""

    def huge_by_id(request: web.Request, orders: dict[str, dict[str, Any]]) -> web.Response | None:
        by_id = request.method == "GET" and request.match_info["tail"].startswith("productOrder/")
        return raw(b'{"id": "' + b"x" * 6_000_000 + b'"}') if by_id else None

    _, by_id = get_by_id_against(huge_by_id)
    summary = build_summary(RunReport((by_id,), SecretRegistry()))
    [entry] = summary["requests"]
    assert (entry["truncated"], entry["sizeBytes"]) == (True, 5 * 1024 * 1024)


@pytest.fixture
def ascii_locale() -> Iterator[None]:
    """The C locale's ASCII as the locale's encoding, as on a machine without a UTF-8 locale."""
    if sys.flags.utf8_mode:
        pytest.skip("Python's UTF-8 mode is on: files default to UTF-8 whatever the locale")
    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        yield
    finally:
        locale.setlocale(locale.LC_CTYPE, before)


def test_the_file_is_utf8_under_an_ascii_locale(ascii_locale: None, tmp_path: Path) -> None:
    path = write_summary(RunReport((), SecretRegistry(), warnings=("déjà vu",)), tmp_path / "summary.json")
    assert '"déjà vu"' in path.read_bytes().decode("utf-8")
