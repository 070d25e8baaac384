"""Our official verdicts equal Newman's, assertion for assertion, identity checks included (issue 9), with
the assertions Newman does not emit and the script errors it reports (issue 21): the official totals too.

Newman 4.6.1 runs TM Forum's collection and our CTK runs its port against the same kind of server, each
on its own fresh instance: every deliberately broken server of tests/ctk_suite (tests/support/fakes/v4.py,
config CTK: its faults) and every branch-taking server (config BRANCHES). Newman runs in one Node process
for all of them (tests/support/e2e/newman_batch.js): starting Node is most of a run's time.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ctk_suite.http.client import HttpClient
from ctk_suite.kits.official.run import CtkRun, RunSettings
from ctk_suite.kits.official.scenario import load_scenario
from ctk_suite.reporting.summary import official_totals, request_json
from tests.support.e2e.newman_parity import (
    newman_official,
    newman_totals,
    official_parity_diff,
    ours_official,
)
from tests.support.e2e.newman_runs import VARIANTS, newman_binary, run_newman_batch
from tests.support.fakes import v4
from tests.support.once_per_run import once_per_run
from tmf622_scenarios import scenario_path

pytestmark = pytest.mark.newman


CASES = {
    "conformant": v4.serving,
    **{f"fault {f}": (lambda f=f: v4.serving(f)) for f in sorted(v4.CTK.defects)},
    **{f"mode {m}": (lambda m=m: v4.serving(m, config=v4.BRANCHES)) for m in sorted(v4.BRANCHES.defects)},
}


def _ours(case: str, variant: str = "testkit") -> tuple[str, dict[str, Any]]:
    """Case -> (the API root our CTK ran against, the `requests` of its summary.json), with the options
    the collection `variant` needs (the original collection quotes the orderDate filter value)."""
    scenario = load_scenario(scenario_path())
    args = VARIANTS[variant].ctk_args
    quote = args[args.index("--orderdate-quote") + 1] if "--orderdate-quote" in args else "none"
    with CASES[case]() as (root, _):
        run = CtkRun(scenario, RunSettings(root, {}, orderdate_quote=quote), HttpClient.plain(10.0, 10.0))
        try:
            for spec in scenario.requests:
                run.execute(spec)
        finally:
            run.client.close()
    return root, {"requests": [request_json(result) for result in run.results]}


@pytest.fixture(scope="module")
def all_reports(official_ctk_dir, ctk_unavailable, tmp_path_factory) -> dict[str, dict[str, Any]]:
    """Collection variant -> case -> (API root, Newman's report), one batch per test run."""
    newman_binary(ctk_unavailable)  # installed by scripts/bootstrap.sh, with the library the batch uses
    collections = {variant: official_ctk_dir / spec.collection for variant, spec in VARIANTS.items()}
    for collection in collections.values():
        if not collection.is_file():
            ctk_unavailable(f"{collection} is missing")

    def batches() -> dict[str, Any]:
        return {
            variant: run_newman_batch(collection, CASES, tmp_path_factory.mktemp(f"newman-{variant}"))
            for variant, collection in collections.items()
        }

    reports: dict[str, dict[str, Any]] = once_per_run(tmp_path_factory, "newman-official-parity", batches)
    return reports


@pytest.fixture(scope="module")
def newman_reports(all_reports) -> dict[str, Any]:
    return all_reports["testkit"]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_official_verdicts_equal_newmans(all_reports, variant: str, case: str) -> None:
    newman_root, report = all_reports[variant][case]
    assert report["run"]["stats"]["assertions"]["total"] > 0
    root, summary = _ours(case, variant)
    diff = official_parity_diff(newman_official(report, newman_root), ours_official(summary, root))
    assert not diff, f"{variant} {case}: official verdicts differ from Newman's:\n" + "\n".join(diff)
    assert official_totals(summary["requests"]) == newman_totals(report), (variant, case)


def test_the_comparison_catches_a_changed_official_verdict(newman_reports) -> None:
    newman_root, report = newman_reports["mode idless_list"]
    root, summary = _ours("mode idless_list")
    altered = copy.deepcopy(summary)
    identity = next(
        a for r in altered["requests"] for a in r["assertions"] if a["name"].startswith("href is undefined")
    )
    identity["officialVerdict"] = "failed"
    dropped = altered["requests"][2]["assertions"].pop()
    diff = official_parity_diff(newman_official(report, newman_root), ours_official(altered, root))
    assert any("'href is undefined': newman passed, ctk official failed" in line for line in diff), diff
    assert any(f"{dropped['name']!r}: newman passed, ctk official not emitted" in line for line in diff), diff


def test_the_comparison_catches_reported_assertions_and_a_missing_script_error(newman_reports) -> None:
    """html_200: Newman reports "Status code is 200", then the script's JSONError, and nothing else."""
    newman_root, report = newman_reports["mode html_200"]
    root, summary = _ours("mode html_200")
    listed = summary["requests"][1]
    assert listed["officialScriptError"].startswith("JSONError")
    assert {a["officialVerdict"] for a in listed["assertions"][1:]} == {"not emitted"}
    assert official_totals(summary["requests"]) == newman_totals(report)
    assert newman_totals(report)["scriptErrors"] == 4
    altered = copy.deepcopy(summary)
    altered["requests"][1]["officialScriptError"] = None
    altered["requests"][1]["assertions"][1]["officialVerdict"] = "failed"
    diff = official_parity_diff(newman_official(report, newman_root), ours_official(altered, root))
    name = altered["requests"][1]["assertions"][1]["name"]
    assert f"    {name!r}: newman not emitted, ctk official failed" in diff, diff
    assert any(line.startswith('    script error: newman "JSONError') for line in diff), diff
