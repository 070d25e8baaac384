"""The two tables of the extended level: probes (request flows) by name, checks by rule id."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ctk_suite.engine.registry import Registry
from ctk_suite.failures import Failure

if TYPE_CHECKING:
    from ctk_suite.extended.records import Evidence
    from ctk_suite.extended.run import ExtendedRun

ProbeFn = Callable[["ExtendedRun"], "Evidence"]
CheckFn = Callable[["ExtendedRun"], Iterable[Failure]]

#: Probes send their requests once per run; the checks that ask for one share its evidence.
PROBES: Registry[ProbeFn] = Registry("probe")
#: The check of each catalogue rule: it yields failures, nothing when the rule holds.
CHECKS: Registry[CheckFn] = Registry("extended check")


def probe(name: str) -> Callable[[ProbeFn], ProbeFn]:
    """Register a probe under `name`."""
    return PROBES.register(name)


def check(rule_id: str) -> Callable[[CheckFn], CheckFn]:
    """Register the check of catalogue rule `rule_id`."""
    return CHECKS.register(rule_id)
