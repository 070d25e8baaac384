"""One assertion of a request as its result: our strict verdict and, where it differs, the official one."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ctk_suite.core.failures import Failure, Kind, printable
from ctk_suite.engine.records import AssertionResult, Verdict
from ctk_suite.kits.official.checks.catalogue import get_check
from ctk_suite.kits.official.checks.kinds import CheckContext, CheckFn, CheckKind, NotRun
from ctk_suite.kits.official.scenario import AssertionSpec, Emit
from ctk_suite.kits.official.variables import Variables


@dataclass(frozen=True)
class Unjudged:
    """Why the strict verdict of a sent request cannot be drawn (a value it needed was missing, and the
    kit sent it anyway, as `undefined`): a failure of that kind, or not run at all."""

    reason: str
    kind: Kind = Kind.PRECONDITION
    not_run: bool = False


def rendered_name(spec: AssertionSpec, variables: Variables) -> str:
    """The assertion's name with the captured values, which come from the server: printable in any report."""
    return printable(variables.render_name(spec.name))


def evaluate(
    spec: AssertionSpec, context: CheckContext, variables: Variables, unjudged: Unjudged | None = None
) -> AssertionResult | None:
    """The result of `spec` on one response; None when a conditional assertion does not apply."""
    name = rendered_name(spec, variables)
    check = get_check(spec.kind)
    answer = _safely(check.run, check, context, spec)
    if answer is None and spec.emit is Emit.ALWAYS:
        # A check may only stay silent for conditional assertions; anything else is a bug, never a pass.
        answer = (context.note(f"check {spec.kind} gave no verdict", Kind.INTERNAL),)
    if answer is None:
        return None
    if unjudged is not None:
        answer = unjudged_answer(unjudged, context)
    official = _official(check, context, spec, answer, judged_anyway=unjudged is not None)
    if isinstance(answer, NotRun):
        return AssertionResult(name, key=spec.name, official=official, not_run=answer.reason)
    failures = tuple(_of_kind(f, check.failure_kind) for f in answer)
    return AssertionResult(name, failures, key=spec.name, official=official)


def unjudged_answer(unjudged: Unjudged, context: CheckContext) -> tuple[Failure, ...] | NotRun:
    """The strict answer of a request that was sent without a value it needed."""
    return NotRun(unjudged.reason) if unjudged.not_run else (context.note(unjudged.reason, unjudged.kind),)


def official_of(spec: AssertionSpec, context: CheckContext, judged_anyway: bool) -> Verdict | None:
    """The official verdict of `spec` on `context` when the kind computes one of its own, or (with
    `judged_anyway`: the official kit judged a response we do not) when `run` is the official check too;
    None: the official verdict is ours."""
    check = get_check(spec.kind)
    run = check.official or (check.run if judged_anyway else None)
    if run is None:
        return None
    answer = _safely(run, check, context, spec)
    if answer is None and judged_anyway and check.official is not None:  # no official rule for this spec
        answer = _safely(check.run, check, context, spec)
    return None if answer is None else _verdict(answer)


def _official(
    check: CheckKind,
    context: CheckContext,
    spec: AssertionSpec,
    strict: tuple[Failure, ...] | NotRun,
    judged_anyway: bool,
) -> Verdict | None:
    """The official kit's verdict where it differs from the strict one."""
    if check.officially_vacuous and not isinstance(strict, NotRun) and strict:
        return Verdict.PASSED
    return _differing(official_of(spec, context, judged_anyway), _verdict(strict))


def _verdict(answer: tuple[Failure, ...] | NotRun) -> Verdict:
    if isinstance(answer, NotRun):
        return Verdict.NOT_RUN
    return Verdict.FAILED if answer else Verdict.PASSED


def _safely(
    run: CheckFn, check: CheckKind, context: CheckContext, spec: AssertionSpec
) -> tuple[Failure, ...] | NotRun | None:
    try:
        return run(context, spec)
    except Exception as exc:  # a check bug fails its assertion, never the whole run
        return (context.note(f"check {check.name} crashed: {type(exc).__name__}: {exc}", Kind.INTERNAL),)


def _of_kind(failure: Failure, kind: Kind) -> Failure:
    """A plain assertion failure takes the check's kind (status, schema); other kinds stay as they are."""
    return replace(failure, kind=kind) if failure.kind is Kind.ASSERTION else failure


def blanket(
    specs: tuple[AssertionSpec, ...],
    reason: str,
    request: str,
    variables: Variables,
    kind: Kind,
    *,
    official: CheckContext | None = None,
) -> tuple[AssertionResult, ...]:
    """Every always-present assertion fails with one reason; conditional ones cannot be decided. With
    `official`, the context the official kit would still judge (a body that is not JSON is a string to it),
    the kinds that compute an official verdict of their own give it."""
    failure = Failure(request=request, note=reason, kind=kind)
    return tuple(
        AssertionResult(
            rendered_name(a, variables),
            (failure,),
            key=a.name,
            official=_blanket_official(a, official),
        )
        for a in specs
        if a.emit is Emit.ALWAYS
    )


def _blanket_official(spec: AssertionSpec, official: CheckContext | None) -> Verdict | None:
    if official is None:
        return None
    return _differing(official_of(spec, official, judged_anyway=True), Verdict.FAILED)


def _differing(official: Verdict | None, strict: Verdict) -> Verdict | None:
    return official if official is not None and official is not strict else None
