"""How much of its case budget a large fuzz run draws: all of it in CI, half in a developer's run.

CI (`.ci/run` sets TMF622_FUZZ_BUDGET=ci) draws every planned case. A `make test` elsewhere draws half of
each budget (LOCAL_SHARE) in the schemathesis runs of the official swagger and of the mock's own document
and in the suite-parsing fuzz tests: the same tests, strategies, checks and fixed seeds. (The small runs,
the official v5 OAS and every schemathesis check, stay whole: they must meet each media type.) The
4-minute budget of the suite a developer runs all day (issue 17) cannot carry the large runs at full size
on 2 cores (the two schemathesis runs alone took 70 s of one core, most of it drawing cases). The
`..._EXAMPLES` variables of each fuzz module still ask for a longer, random run.
"""

from __future__ import annotations

import os

BUDGET_ENV = "TMF622_FUZZ_BUDGET"
#: The share of each budget a run outside CI draws.
LOCAL_SHARE = 0.5


def plan_share() -> float:
    """1 in CI (TMF622_FUZZ_BUDGET=ci), LOCAL_SHARE elsewhere (unset or `local`)."""
    budget = os.environ.get(BUDGET_ENV, "local").strip() or "local"
    if budget not in {"ci", "local"}:
        raise ValueError(
            f"{BUDGET_ENV}={budget!r}: say ci (every planned case) or local (half of each budget)"
        )
    return 1.0 if budget == "ci" else LOCAL_SHARE


def share_of(cases: int) -> int:
    """This run's part of a budget of `cases`: never none of a budget that has some."""
    return max(1, round(cases * plan_share())) if cases else 0
