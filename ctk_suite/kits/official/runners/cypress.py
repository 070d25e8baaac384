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

from ctk_suite.core.failures import ABSENT, Failure, Kind
from ctk_suite.engine.records import AssertionResult, Verdict
from ctk_suite.http.client import Exchange
from ctk_suite.kits.official.scenario import RequestSpec

#: Methods whose answer the kit's hook hands to `createVariableGlobal` (`ctk.cy.js` 64-66).
CAPTURING_METHODS = frozenset({"POST", "PATCH"})
#: lodash `_.truncate(title, {length: 30})`, as `uncaught.error_in_hook` shortens the suite's title.
TITLE_CHARS = 30


def cypress_body(exchange: Exchange) -> Any:
    """`response.body` as the kit's tests see it: a JSON value, a string, or ABSENT (`undefined`)."""
    text = exchange.body.decode("utf-8", errors="replace").removeprefix("\ufeff")  # `encoding: 'utf8'`
    if exchange.request_body is not None:  # `json: true`: parsed whatever the label
        return _parsed(text) if exchange.body else ABSENT
    if content_type_is_json(exchange):
        return _parsed(text)
    return text


def content_type_is_json(exchange: Exchange) -> bool:
    """`contentTypeIsJson`: the content type, up to the first `;`, ends in `json` (case as sent)."""
    return (exchange.header("Content-Type") or "").split(";", 1)[0].endswith("json")


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
    if spec.method in CAPTURING_METHODS and (body is ABSENT or body is None):
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
