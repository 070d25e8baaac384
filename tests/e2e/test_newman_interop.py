"""The official Postman CTK, run by Newman, passes against the mock, and our CTK agrees with it.

The official files are TM Forum's and are not in this repository: see tests/conftest.py `official_ctk_dir`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.e2e.newman_parity import newman_verdicts, parity_diff, summary_verdicts, wrong_passes
from tests.support.e2e.newman_runs import VARIANTS, newman_binary, run_newman, run_newman_batch, run_our_ctk
from tests.support.fakes import v4
from tests.support.once_per_run import once_per_run

pytestmark = pytest.mark.newman


@dataclass(frozen=True)
class Runs:
    """Both runners' reports for one collection variant, each against its own fresh mock."""

    newman_report: dict[str, Any]
    summary: dict[str, Any]


def both(newman_run: Callable[[], dict[str, Any]], ctk_run: Callable[[], dict[str, Any]]) -> Runs:
    """Run the two runners side by side (each on its own server): the machine has two cores."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        newman_report, summary = pool.submit(newman_run), pool.submit(ctk_run)
        return Runs(newman_report.result(), summary.result())


@pytest.fixture(scope="module")
def newman(ctk_unavailable) -> Path:
    return newman_binary(ctk_unavailable)


@pytest.fixture(scope="module")
def collections(official_ctk_dir, ctk_unavailable) -> dict[str, Path]:
    """Variant name -> the official collection file in TMF622_CTK_DIR."""
    paths = {name: official_ctk_dir / variant.collection for name, variant in VARIANTS.items()}
    for path in paths.values():
        if not path.is_file():
            ctk_unavailable(f"{path} is missing: get it from tmforum-rand/CTK-TMF622-ProductOrdering")
    return paths


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def runs(request, collections, newman, start_mock_server, tmp_path_factory) -> Runs:
    out_dir = tmp_path_factory.mktemp(f"runs-{request.param}")

    def newman_run() -> dict[str, Any]:
        with start_mock_server() as url:
            return run_newman(newman, collections[request.param], f"{url}/", out_dir)

    def ctk_run() -> dict[str, Any]:
        with start_mock_server() as url:
            return run_our_ctk(f"{url}/", out_dir / "ctk", VARIANTS[request.param].ctk_args)

    def reports() -> tuple[dict[str, Any], dict[str, Any]]:
        runs = both(newman_run, ctk_run)
        return runs.newman_report, runs.summary

    return Runs(*once_per_run(tmp_path_factory, f"newman-and-ctk-{request.param}", reports))


def test_official_collection_passes_against_mock(runs: Runs) -> None:
    run = runs.newman_report["run"]
    failures = [f"{f['source'].get('name')}: {f['error'].get('message')}" for f in run["failures"]]
    assert failures == []
    assert run["stats"]["assertions"]["failed"] == 0
    assert run["stats"]["assertions"]["total"] > 0
    assert run["stats"]["requests"]["total"] == 9


def test_our_ctk_reaches_the_same_verdicts_as_newman(runs: Runs) -> None:
    newman = newman_verdicts(runs.newman_report)
    diff = parity_diff(newman, summary_verdicts(runs.summary))
    assert not diff, "our CTK and Newman disagree:\n" + "\n".join(diff)
    assert sum(len(request.verdicts) for request in newman) >= 40  # 51 distinct names per run today


def _flip_first_verdict(summary: dict[str, Any]) -> str:
    """Negative control: turn one real assertion into its opposite, as a buggy port would."""
    for entry in summary["requests"]:
        for assertion in entry["assertions"]:
            if not assertion["name"].startswith(("href is ", "id is ", "orderDate is ")):
                assertion["passed"] = not assertion["passed"]
                assertion["reason"] = "altered by the negative control"
                return str(assertion["name"])
    pytest.fail("summary.json holds no assertion to alter")


def test_parity_check_catches_an_altered_summary(runs: Runs) -> None:
    altered = copy.deepcopy(runs.summary)
    flipped = _flip_first_verdict(altered)
    dropped = altered["requests"][-1]["assertions"].pop(0)["name"]
    diff = parity_diff(newman_verdicts(runs.newman_report), summary_verdicts(altered))
    assert any(f"verdict differs: {flipped!r}" in line for line in diff), diff
    assert any(f"only in newman: {dropped!r}" in line for line in diff), diff


FAULTS = sorted(v4.CTK.defects)


@pytest.fixture(scope="module")
def newman_on_faults(collections, newman, tmp_path_factory) -> dict[str, tuple[str, dict[str, Any]]]:
    """Fault -> (API root, Newman's report) of the testkit collection, each against its own broken server."""
    servers = {fault: (lambda fault=fault: v4.serving(fault)) for fault in FAULTS}

    def batch() -> dict[str, tuple[str, dict[str, Any]]]:
        return run_newman_batch(collections["testkit"], servers, tmp_path_factory.mktemp("newman-faults"))

    reports: dict[str, tuple[str, dict[str, Any]]] = once_per_run(tmp_path_factory, "newman-faults", batch)
    return reports


@pytest.mark.parametrize("fault", FAULTS)
def test_no_wrong_pass_against_a_broken_server(fault, newman_on_faults, tmp_path) -> None:
    """Whatever Newman fails on a broken server, our CTK fails too (it may be stricter, never laxer)."""
    _, newman_report = newman_on_faults[fault]
    with v4.serving(fault) as (url, _):
        summary = run_our_ctk(url, tmp_path / "ctk", ())
    assert newman_report["run"]["stats"]["assertions"]["total"] > 0
    wrong = wrong_passes(newman_verdicts(newman_report), summary_verdicts(summary))
    assert not wrong, f"fault {fault}: our CTK passes what Newman fails:\n" + "\n".join(wrong)
