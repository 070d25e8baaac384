"""The strict verdict never passes what the official kit fails (issue 21), on every fake server of the suite.

Strict may fail more (that is its job) but a pass where TM Forum's kit fails would tell a certifier "ours:
pass" for a server the certification fails. The one allowed case is an official-kit defect hitting a
correct answer, listed here by name with the defect it is (docs/ctk-5.0.0-defects.md).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

from ctk_suite.engine.records import UnitResult, Verdict
from ctk_suite.kits.official.scenario import load_scenario
from tests.support.ctk_helpers import run_ctk
from tests.support.fakes import v4, v5
from tmf622_scenarios import scenario_path

Serve = Callable[[], AbstractContextManager[tuple[str, Any]]]
V4: dict[str, Serve] = {
    "conformant": v4.serving,
    **{f"fault {f}": (lambda f=f: v4.serving(f)) for f in sorted(v4.CTK.defects)},
    **{f"mode {m}": (lambda m=m: v4.serving(m, config=v4.BRANCHES)) for m in sorted(v4.BRANCHES.defects)},
}
V5: dict[str, Serve] = {
    "correct": v5.serving,
    **{f"fault {f}": (lambda f=f: v5.serving(f)) for f in sorted(v5.KIT.defects)},
}
#: (server, assertion) -> the documented official-kit defect that fails a correct answer there.
DOCUMENTED = {
    ("fault product_as_ref", "Test schema"): "defect 5: the oneOf union refuses a valid ProductRef item",
}


def run_against(scenario_file: str, serve: Serve) -> list[UnitResult]:
    scenario = load_scenario(scenario_path(scenario_file))
    with serve() as (url, _):
        run = run_ctk(scenario, url)
    return run.results


def strict_only_passes(server: str, results: list[UnitResult]) -> list[str]:
    """Each assertion ours passes and the official kit fails, documented defects left out."""
    return [
        f"{result.title}: {a.name}"
        for result in results
        for a in result.assertions
        if a.verdict is Verdict.PASSED
        and a.official_verdict is Verdict.FAILED
        and (server, a.name) not in DOCUMENTED
    ]


@pytest.mark.parametrize("server", sorted(V4))
def test_v4_strict_never_passes_what_newman_fails(server: str) -> None:
    assert strict_only_passes(server, run_against("ctk-4.0.0.yaml", V4[server])) == []


@pytest.mark.parametrize("server", sorted(V5))
def test_v5_strict_never_passes_what_cypress_fails(server: str) -> None:
    assert strict_only_passes(server, run_against("ctk-5.0.0.yaml", V5[server])) == []


def test_the_documented_exceptions_are_still_official_failures_on_their_server() -> None:
    """An exception that no longer happens would hide a future wrong pass: each must still be needed."""
    for server, name in DOCUMENTED:
        results = run_against("ctk-5.0.0.yaml", V5[server])
        pairs = {(a.verdict, a.official_verdict) for r in results for a in r.assertions if a.name == name}
        assert (Verdict.PASSED, Verdict.FAILED) in pairs, (server, name)


def test_the_v5_set_has_a_broken_server_for_each_check_kind() -> None:
    """At least 30 broken servers (issue 21), and each check kind of the v5 kit failed by one of them."""
    assert len(v5.KIT.defects) >= 30
    failing = {
        a.name
        for fault in ("json_as_text_plain", "wrong_type", "list_null_element", "reads_500")
        for r in run_against("ctk-5.0.0.yaml", V5[f"fault {fault}"])
        for a in r.assertions
        if a.official_verdict is Verdict.FAILED and a.verdict is Verdict.FAILED
    }
    assert failing == {"Tests status", "Test schema", "Each attribute Test"}
