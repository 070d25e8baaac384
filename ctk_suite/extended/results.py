"""The extended level in the shapes the suite's reports read: request results and level verdicts."""

from __future__ import annotations

from collections.abc import Iterable

from ctk_suite.extended.catalogue import RuleLevel
from ctk_suite.extended.records import CheckResult, describe_failure
from ctk_suite.failures import Failure
from ctk_suite.reporting.context import LevelOutcome
from ctk_suite.runner import AssertionResult, RequestResult
from ctk_suite.scenario import RequestSpec

LABELS = {RuleLevel.MANDATORY: "extended mandatory", RuleLevel.OPTIONAL: "extended optional"}


def request_result(result: CheckResult, api_url: str) -> RequestResult:
    """One check as one request record: its first request, and one assertion named by the rule.

    `scenario` is the rule id (`TMF622B-M-POST-201`), the assertion's key too, so reports and
    baselines find a check by its id; each failure keeps the request it is about in its text.
    """
    rule = result.rule
    main = result.sent[0] if result.sent else None
    spec = RequestSpec(
        scenario=rule.id,
        name=rule.title,
        method=main.exchange.method if main else "-",
        path=main.path if main else "",
        assertions=(),
    )
    failures = tuple(Failure(request=f.request, note=describe_failure(f)) for f in result.failures)
    assertion = AssertionResult(rule.title, failures, key=rule.id, rule=f"{rule.source}: {rule.rule}")
    return RequestResult(
        spec=spec,
        name=rule.title,
        url=api_url + spec.path,
        exchange=main.exchange if main else None,
        assertions=(assertion,),
        not_sent=None if main else (result.reason or "no request was needed"),
        level=rule.level.label,
    )


def outcomes(results: Iterable[CheckResult], levels: Iterable[RuleLevel]) -> list[LevelOutcome]:
    """`extended mandatory: pass (15/15)`: checks evaluated and failed, per level that ran."""
    listed = list(results)
    verdicts = []
    for level in levels:
        mine = [r for r in listed if r.rule.level is level]
        failed = sum(not r.passed for r in mine)
        verdicts.append(LevelOutcome(level.label, LABELS[level], len(mine), failed, ran=bool(mine)))
    return verdicts
