"""An extended check's result as the engine's one record: a unit with one assertion named by its rule."""

from __future__ import annotations

from ctk_suite.core.failures import Failure
from ctk_suite.engine.records import AssertionResult, KitInfo, UnitResult
from ctk_suite.kits.extended.records import CheckResult, describe_failure


def unit_result(result: CheckResult, api_url: str, kit: KitInfo) -> UnitResult:
    """One check: its first request as the unit's exchange, the others as `more`, one assertion.

    `group` is the rule id (`TMF622B-M-POST-201`), the assertion's key too, so reports and baselines
    find a check by its id; each failure keeps the request it is about in its text.
    """
    rule = result.rule
    main = result.sent[0] if result.sent else None
    failures = tuple(
        Failure(request=f.request, note=describe_failure(f), kind=f.kind) for f in result.failures
    )
    assertion = AssertionResult(
        rule.title, failures, key=rule.id, rule=f"{rule.source}: {rule.rule}", not_run=result.not_run
    )
    return UnitResult(
        kit=kit,
        level=rule.level.label,
        group=rule.id,
        name=rule.title,
        method=main.exchange.method if main else "",
        url=api_url + (main.path if main else ""),
        exchange=main.exchange if main else None,
        assertions=(assertion,),
        not_sent=None if main else (result.reason or result.not_run or "no request was needed"),
        more=tuple((f"{s.exchange.method} /{s.path} ({s.label})", s.exchange) for s in result.sent[1:]),
    )
