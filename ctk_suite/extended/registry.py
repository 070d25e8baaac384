"""The two tables of the extended level: probes (request flows) by name, checks by rule id."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ctk_suite.failures import Failure

if TYPE_CHECKING:
    from ctk_suite.extended.records import Evidence
    from ctk_suite.extended.run import ExtendedRun

ProbeFn = Callable[["ExtendedRun"], "Evidence"]
CheckFn = Callable[["ExtendedRun"], Iterable[Failure]]

PROBES: dict[str, ProbeFn] = {}
CHECKS: dict[str, CheckFn] = {}


def probe(name: str) -> Callable[[ProbeFn], ProbeFn]:
    """Register a probe: it sends its requests once per run; checks share its evidence."""

    def decorate(run: ProbeFn) -> ProbeFn:
        if name in PROBES:
            raise ValueError(f"probe {name!r} registered twice")
        PROBES[name] = run
        return run

    return decorate


def check(rule_id: str) -> Callable[[CheckFn], CheckFn]:
    """Register the check of catalogue rule `rule_id`; it yields failures, nothing when the rule holds."""

    def decorate(run: CheckFn) -> CheckFn:
        if rule_id in CHECKS:
            raise ValueError(f"check {rule_id!r} registered twice")
        CHECKS[rule_id] = run
        return run

    return decorate
