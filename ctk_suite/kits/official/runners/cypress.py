"""The verdicts TM Forum's v5 kit (Cypress 12 running `ctk.cy.js`) gives, predicted from one exchange.

The kit's checks are the check kinds' `official` functions (checks/v5.py, checks/schema.py), given the body
as Cypress hands it to the tests; what Cypress itself does around them is reproduced here, each rule from
Cypress 12's own code (docs/verdicts-and-credentials.md lists them with their sources):

- The body (packages/server/lib/request.js, `normalizeResponse` and `contentTypeIsJson`). A request sent
  with an object body (the POST) has `json: true` (packages/driver/src/cy/commands/request.ts,
  `isValidJsonObj`): @cypress/request parses the answer whatever its label, leaves a text that is not JSON
  as it is, and leaves an empty answer `undefined`. Any other request (the GETs) gets a string, parsed only
  when the content type before `;` ends in `json` (and left a string when that parse fails).
- A failing `before all` hook (packages/driver/src/cypress/runner.ts `_runner.on('fail')`, error message
  `uncaught.error_in_hook`; packages/server/lib/reporter.js `mergeErr` and `createRunnable`). The kit's hook
  sends the request and, for a POST, calls `Object.keys(response.body)` (`createVariableGlobal`): no answer
  (cy.request fails after its retries) or a POST answer that is empty or `null` throws there. The suite's
  first test ("Tests status") is then failed with the hook's error, and its other tests are `skipped`.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from ctk_suite.core.failures import Failure, Kind
from ctk_suite.core.js import UNDEFINED
from ctk_suite.engine.records import AssertionResult, Verdict
from ctk_suite.http.exchange import Exchange
from ctk_suite.kits.official.assertions import Unjudged, blanket, evaluate, official_of
from ctk_suite.kits.official.bodies import NotJson, content_type_is_json, read_json
from ctk_suite.kits.official.checks.kinds import CheckContext
from ctk_suite.kits.official.runners.base import Judged, Judging, reads_json, transport_kind
from ctk_suite.kits.official.scenario import AssertionSpec, RequestSpec

#: Methods whose answer the kit's hook hands to `createVariableGlobal` (`ctk.cy.js` 64-66).
CAPTURING_METHODS = frozenset({"POST", "PATCH"})
#: lodash `_.truncate(title, {length: 30})`, as `uncaught.error_in_hook` shortens the suite's title.
TITLE_CHARS = 30


def cypress_body(exchange: Exchange) -> Any:
    """`response.body` as the kit's tests see it: a JSON value, a string, or UNDEFINED (`undefined`)."""
    text = exchange.body.decode("utf-8", errors="replace").removeprefix("\ufeff")  # `encoding: 'utf8'`
    if exchange.request_body is not None:  # `json: true`: parsed whatever the label
        return _parsed(text) if exchange.body else UNDEFINED
    if content_type_is_json(exchange):
        return _parsed(text)
    return text


def _parsed(text: str) -> Any:
    """`JSON.parse`, the text itself when that throws (`parseJsonBody`, and @cypress/request's try)."""
    try:
        return json.loads(text, parse_constant=_reject)
    except (ValueError, RecursionError):
        return text


def _reject(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def hook_failure(spec: RequestSpec, exchange: Exchange, body: Any) -> str | None:
    """The error that fails the describe's `before all` hook, or None when the hook completes."""
    if exchange.error is not None:
        return f"cy.request() failed trying to load: {exchange.url}: {exchange.error}"
    if spec.method in CAPTURING_METHODS and (body is UNDEFINED or body is None):
        return "TypeError: Cannot convert undefined or null to object"
    return None


def hook_message(error: str, suite_title: str) -> str:
    """The error as Cypress reports it on the suite's first test (`uncaught.error_in_hook`)."""
    title = suite_title if len(suite_title) <= TITLE_CHARS else suite_title[: TITLE_CHARS - 3] + "..."
    where = f"the remaining tests in the current suite: `{title}`" if title else "all of the remaining tests."
    return f"{error}\n\nBecause this error occurred during a `before all` hook we are skipping {where}"


def with_hook_failure(
    results: tuple[AssertionResult, ...], message: str, request: str, kind: Kind
) -> tuple[AssertionResult, ...]:
    """The request's assertions once its hook failed: officially the first failed, the others skipped.
    Strictly each fails (an answer the kit cannot even read is no pass), with the hook's error where
    ours had none."""
    failure = Failure(request=request, note=message, kind=kind)
    out = []
    for position, result in enumerate(results):
        strict = (
            result if result.verdict is Verdict.FAILED else replace(result, failures=(failure,), not_run=None)
        )
        official = Verdict.FAILED if position == 0 else Verdict.SKIPPED
        out.append(replace(strict, official=None if official is strict.verdict else official))
    return tuple(out)


class CypressRunner:
    """Cypress 12 running the v5 kit: its checks on the body as Cypress hands it over, after a `before all`
    hook that may fail first. A {{VAR}} without a value is sent as `path.replace(/{.*}/, Cypress.env(...))`
    sends JavaScript's `undefined`: the text "undefined"."""

    missing_text: str | None = "undefined"
    judges_raw_bodies = True  # Cypress hands the tests a body it cannot parse as a string

    def judge(
        self, run: Judging, spec: RequestSpec, exchange: Exchange, where: str, unjudged: Unjudged | None
    ) -> Judged:
        """Ours, beside what TM Forum's Cypress kit reports."""
        official_body = cypress_body(exchange)
        strict, strict_context = _strict(run, spec, exchange, where, unjudged)
        if exchange.error is not None:
            run.capture_failed(spec, f"failed: {exchange.error}")
        else:  # `createVariableGlobal(response.body)`: what Cypress parsed, whatever our verdict on it
            run.capture(spec, exchange, official_body)
        hook = hook_failure(spec, exchange, official_body)
        if hook is not None:
            kind = Kind.BODY if exchange.error is None else transport_kind(exchange.error)
            message = hook_message(hook, spec.name)
            return Judged(with_hook_failure(tuple(r for _, r in strict), message, where, kind))
        context = run.context(spec, exchange, official_body)
        return Judged(tuple(_beside(run, a, r, context, strict_context, where) for a, r in strict))


def _strict(
    run: Judging, spec: RequestSpec, exchange: Exchange, where: str, unjudged: Unjudged | None
) -> tuple[list[tuple[AssertionSpec, AssertionResult]], CheckContext | None]:
    """Our verdict of each assertion (a body must be JSON and labelled so), and the context they were
    drawn on (None: nothing of the body could be read)."""
    if exchange.error is not None:
        reason, kind = f"{where}: {exchange.error}", transport_kind(exchange.error)
        return _blanket(run, spec, reason, where, kind), None
    try:
        body = read_json(exchange, labelled=True) if reads_json(spec) else None
    except NotJson as exc:
        return _blanket(run, spec, str(exc), where, Kind.BODY), None
    context = run.context(spec, exchange, body)
    judged = ((a, evaluate(a, context, run.variables, unjudged)) for a in spec.assertions)
    return [(a, r) for a, r in judged if r is not None], context


def _blanket(
    run: Judging, spec: RequestSpec, reason: str, where: str, kind: Kind
) -> list[tuple[AssertionSpec, AssertionResult]]:
    return [(a, r) for a in spec.assertions for r in blanket((a,), reason, where, run.variables, kind)]


def _beside(  # noqa: PLR0917 - the assertion, both verdicts' contexts and where, named at the one call
    run: Judging,
    spec: AssertionSpec,
    result: AssertionResult,
    official_context: CheckContext,
    strict_context: CheckContext | None,
    where: str,
) -> AssertionResult:
    """`result` with the official verdict drawn on `official_context`. A strict "not run" (a value a
    correct server may lack was sent as `undefined`) becomes a failure where the kit fails too and
    the server did not refuse the value (4xx: docs/ctk-5.0.0-defects.md row 3)."""
    official = official_of(spec, official_context, judged_anyway=True) or Verdict.FAILED
    status = official_context.exchange.status or 0
    if result.verdict is Verdict.NOT_RUN and official is Verdict.FAILED and not 400 <= status < 500:
        result = _judged_anyway(run, spec, result, strict_context, where)
    return replace(result, official=None if official is result.verdict else official)


def _judged_anyway(
    run: Judging, spec: AssertionSpec, result: AssertionResult, context: CheckContext | None, where: str
) -> AssertionResult:
    """Our check of an answer that is wrong whatever the missing value: its own failures, if any."""
    judged = None if context is None else evaluate(spec, context, run.variables)
    failures = judged.failures if judged is not None else ()
    note = Failure(request=where, note=_WRONG_ANYWAY, kind=Kind.ASSERTION)
    return replace(result, not_run=None, failures=failures or (note,))


_WRONG_ANYWAY = "the official kit fails this answer, and the value sent as undefined does not explain it"
