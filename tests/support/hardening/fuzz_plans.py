"""How many schemathesis cases each operation gets in CI (at least 2,000 in all, see test_fuzz_setup); a
run outside CI draws its share of each (budget.py)."""

from __future__ import annotations

from collections.abc import Mapping

from tests.support.hardening.budget import share_of
from tests.support.hardening.fuzzing import Plan

#: The issue's floor for one CI run, over both documents.
CI_MINIMUM_CASES = 2_000

#: Official v4.0.0 swagger (positive, negative): heavy bodies get fewer cases than cheap reads.
#: Path-only operations get no negative cases: an `id` is any string, nothing lies outside.
SWAGGER_PLAN = {
    "POST /productOrder": Plan(200, 100),
    "GET /productOrder": Plan(150, 100),
    "GET /productOrder/{id}": Plan(150),
    "PATCH /productOrder/{id}": Plan(150, 100),
    "DELETE /productOrder/{id}": Plan(80),
    "POST /cancelProductOrder": Plan(120, 80),
    "GET /cancelProductOrder": Plan(100, 60),
    "GET /cancelProductOrder/{id}": Plan(100),
    "POST /hub": Plan(80, 50),
    "DELETE /hub/{id}": Plan(60),
}

#: The mock's own OpenAPI document, by path under the base path. Operations whose only input is
#: the path `id` get no negative cases: its one forbidden value, "", cannot be sent.
OWN_PLAN_UNDER_BASE = {
    "POST /productOrder": Plan(120, 60),
    "GET /productOrder": Plan(100, 60),
    "GET /productOrder/{id}": Plan(60, 20),
    "PATCH /productOrder/{id}": Plan(100, 60),
    "DELETE /productOrder/{id}": Plan(40),
    "POST /cancelProductOrder": Plan(60, 30),
    "GET /cancelProductOrder": Plan(60, 30),
    "GET /cancelProductOrder/{id}": Plan(40, 20),
    "PATCH /cancelProductOrder/{id}": Plan(40, 30),
    "DELETE /cancelProductOrder/{id}": Plan(30),
    "POST /hub": Plan(40, 20),
    "GET /hub/{id}": Plan(30),
    "DELETE /hub/{id}": Plan(30),
    "GET /health": Plan(5),
    "GET /openapi.json": Plan(5),
}
#: The health check at the root (an alias outside the base path).
OWN_PLAN_AT_ROOT = {"GET /health": Plan(5)}  # /openapi.json at the root lists the documents


def own_plan(base_path: str) -> dict[str, Plan]:
    """OWN_PLAN_UNDER_BASE keyed by the document's absolute paths, plus the root aliases."""
    under = {}
    for label, plan in OWN_PLAN_UNDER_BASE.items():
        method, path = label.split(" ", 1)
        under[f"{method} {base_path}{path}"] = plan
    return {**under, **OWN_PLAN_AT_ROOT}


def planned_cases(plan: Mapping[str, Plan], override: int | None = None) -> int:
    return sum(examples for each in plan.values() for _, examples in each.runs(override))


def for_this_run(plan: Mapping[str, Plan]) -> dict[str, Plan]:
    """`plan` at this run's share (budget.py): each run of an operation keeps at least one case."""
    return {label: Plan(share_of(each.positive), share_of(each.negative)) for label, each in plan.items()}
