"""The fuzz tests' set-up: the CI budget adds up, and the official swagger is looked for in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.hardening.budget import BUDGET_ENV
from tests.support.hardening.fuzz_plans import (
    CI_MINIMUM_CASES,
    SWAGGER_PLAN,
    for_this_run,
    own_plan,
    planned_cases,
)
from tests.support.hardening.fuzzing import Plan
from tests.support.hardening.spec_documents import (
    DEFAULT_SWAGGER,
    SWAGGER_NAME,
    cap_arrays,
    swagger_candidates,
)


def test_ci_plans_add_up_to_the_minimum() -> None:
    """Each fuzz test asserts it ran its whole plan, so together they ran at least this many."""
    total = planned_cases(SWAGGER_PLAN) + planned_cases(own_plan("/base"))
    assert total >= CI_MINIMUM_CASES, total


def test_an_override_replaces_every_budget() -> None:
    assert planned_cases({"GET /a": Plan(10, 5), "GET /b": Plan(7)}, override=100) == 300


def test_the_option_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMF622_SWAGGER", "/env/swagger.json")
    assert swagger_candidates("/option/swagger.json") == [Path("/option/swagger.json")]
    assert swagger_candidates(None) == [Path("/env/swagger.json")]


def test_without_either_the_swagger_is_looked_for_beside_the_ctk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TMF622_SWAGGER", raising=False)
    monkeypatch.setenv("TMF622_CTK_DIR", "/ref/ctk-4.0.0")
    assert swagger_candidates(None) == [Path("/ref") / SWAGGER_NAME, DEFAULT_SWAGGER]
    monkeypatch.delenv("TMF622_CTK_DIR")
    assert swagger_candidates(None) == [DEFAULT_SWAGGER]


def test_only_unbounded_arrays_are_capped() -> None:
    document = {"a": {"type": "array", "items": {"type": "array"}}, "b": {"type": "array", "maxItems": 9}}
    capped = cap_arrays(document)
    assert capped["a"]["maxItems"] == capped["a"]["items"]["maxItems"] == 1
    assert capped["b"]["maxItems"] == 9
    assert "maxItems" not in document["a"]  # the document as written stays as written


def test_ci_runs_the_plans_whole_and_a_local_run_half_of_each(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = {"POST /a": Plan(200, 100), "GET /b": Plan(5), "GET /c": Plan(1, 1)}
    monkeypatch.setenv(BUDGET_ENV, "ci")
    assert for_this_run(plan) == plan
    monkeypatch.delenv(BUDGET_ENV)
    assert for_this_run(plan) == {"POST /a": Plan(100, 50), "GET /b": Plan(2), "GET /c": Plan(1, 1)}
    local = planned_cases(for_this_run(SWAGGER_PLAN)) + planned_cases(for_this_run(own_plan("/base")))
    assert local * 2 >= CI_MINIMUM_CASES  # half of CI's cases, every operation and mode kept
    monkeypatch.setenv(BUDGET_ENV, "cii")
    with pytest.raises(ValueError, match="TMF622_FUZZ_BUDGET='cii'"):
        for_this_run(plan)
