"""The verdicts TM Forum's own kit (CTK 4.0.0, run by Newman) gives, predicted from one exchange.

The official test scripts are not run; their behaviour is reproduced from the collection's text:
- list scripts test "Status code is N" first, then `pm.response.json()`; the create script parses first.
  A body that is not JSON stops the script there (Newman reports a JSONError and no later assertion);
- a non-empty array is checked element by element, anything else as one instance;
- chai's `include` on `pm.response.text()` searches the JavaScript string of the value (`42`, `undefined`);
- the "Individualized tests" are emitted for each instance whose `id` is loosely equal (`==`) to the
  global (`undefined == null`: an instance without an id matches a global never set), and always pass
  (`pm.expect(x) == y` asserts nothing);
- the create script stops at `instance['href']` when the body is `null`, before its last three tests;
- an assertion the script does not emit is `not emitted` (not counted), and a script that throws is one
  script error of its request, as Newman reports it (`run.failures`, `stats.testScripts.failed`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ctk_suite.core.failures import Failure, Kind
from ctk_suite.core.js import JS_TYPES, js_loose_equal, js_string, member
from ctk_suite.engine.records import AssertionResult, Verdict
from ctk_suite.http.exchange import Exchange
from ctk_suite.kits.official.assertions import Unjudged, blanket, evaluate, rendered_name
from ctk_suite.kits.official.bodies import NotJson, read_json
from ctk_suite.kits.official.checks.catalogue import get_check
from ctk_suite.kits.official.runners.base import Judged, Judging, reads_json, request_label, transport_kind
from ctk_suite.kits.official.scenario import AssertionSpec, RequestSpec
from ctk_suite.kits.official.variables import Variables

#: Check kinds the official scripts evaluate on each instance, in the scripts' order.
INSTANCE_KINDS = ("mandatory_attributes", "attribute_type", "body_includes_value")
#: Check kinds of the "Individualized tests" branches (`if (instance.id == pm.globals.get(KEY))`).
BRANCH_KINDS = ("identity", "unexpected_instance")
#: The kinds whose official behaviour is modelled here; any other keeps our verdict as the official one.
MODELLED_KINDS = frozenset({"status_code", "not_array", *INSTANCE_KINDS, *BRANCH_KINDS})


class _Stopped(Exception):
    """The official script threw outside a test: nothing after this point is emitted."""


@dataclass
class OfficialOutcome:
    """What Newman reports for one request: each assertion name emitted (a name fails when any of its
    emissions failed), and why the script stopped early, if it did."""

    verdicts: dict[str, Verdict] = field(default_factory=dict)
    stopped: str | None = None

    def emit(self, name: str, passed: bool) -> None:
        """One `pm.test(name, ...)` with its result."""
        if passed:
            self.verdicts.setdefault(name, Verdict.PASSED)
        else:
            self.verdicts[name] = Verdict.FAILED


def official_outcome(spec: RequestSpec, exchange: Exchange, variables: Variables) -> OfficialOutcome:
    """The official script of `spec` run on `exchange`, as far as it would go."""
    outcome = OfficialOutcome()
    script = _Script(spec, exchange, variables, outcome)
    try:
        script.run()
    except _Stopped as stop:
        outcome.stopped = str(stop)
    return outcome


class _Script:
    def __init__(
        self, spec: RequestSpec, exchange: Exchange, variables: Variables, outcome: OfficialOutcome
    ) -> None:
        self.spec = spec
        self.exchange = exchange
        self.variables = variables
        self.outcome = outcome

    def of(self, *kinds: str) -> Iterator[AssertionSpec]:
        return (a for a in self.spec.assertions if a.kind in kinds)

    def name(self, assertion: AssertionSpec) -> str:
        return rendered_name(assertion, self.variables)

    def run(self) -> None:
        if not self.spec.assertions:
            return  # the N2 ?fields= requests have no test script
        if self.spec.instances == "body":
            self._create()
        else:
            self._status()
            if any(self.of(*INSTANCE_KINDS, *BRANCH_KINDS)):  # the 404 script tests the status only
                self._instances(official_json(self.exchange))

    def _status(self) -> None:
        for assertion in self.of("status_code"):
            self.outcome.emit(self.name(assertion), self.exchange.status == int(assertion.params["status"]))

    def _create(self) -> None:
        """`var jsonData = pm.response.json(); if (Array.isArray(jsonData)) ...; status; instance tests`."""
        body = official_json(self.exchange)
        for assertion in self.of("not_array"):
            if isinstance(body, list):
                self.outcome.emit(self.name(assertion), passed=False)
        self._status()
        self._check(body, kinds=("mandatory_attributes", "attribute_type"))
        if body is None:
            raise _Stopped("TypeError: Cannot read properties of null (reading 'href')")
        self._check(body, kinds=("body_includes_value",))

    def _instances(self, body: Any) -> None:
        for instance in body if isinstance(body, list) and body else [body]:
            self._check(instance, INSTANCE_KINDS)
            if instance is None:
                raise _Stopped("TypeError: Cannot read properties of null (reading 'id')")
            self._branches(instance)

    def _check(self, instance: Any, kinds: tuple[str, ...]) -> None:
        for assertion in self.of(*kinds):
            self.outcome.emit(self.name(assertion), self._passes(assertion, instance))

    def _passes(self, assertion: AssertionSpec, instance: Any) -> bool:
        if instance is None:
            return False  # TypeError inside pm.test: the test fails
        params = assertion.params
        if assertion.kind == "mandatory_attributes":
            return isinstance(instance, dict) and all(str(a) in instance for a in params["attributes"])
        value = member(instance, str(params["attribute"]))
        if assertion.kind == "attribute_type":
            return JS_TYPES[str(params["type"])](value)
        return js_string(value) in self.exchange.text  # chai `include` on a string: indexOf(String(v))

    def _branches(self, instance: Any) -> None:
        """`if (instance.id == pm.globals.get(KEY)) { pm.test(...) }`: emitted, and passed, per match."""
        for assertion in self.of(*BRANCH_KINDS):
            key = self.variables.official(str(assertion.params.get("keyVariable", "IDPO01")))
            own = member(instance, str(assertion.params.get("keyAttribute", "id")))
            if js_loose_equal(own, key):
                self.outcome.emit(self.name(assertion), passed=True)


def official_captures(spec: RequestSpec, exchange: Exchange) -> dict[str, Any] | None:
    """`pm.globals.set(VAR, instance[attr])` of the create script: each value (undefined when missing),
    or None when the script stops before it (a body that is not JSON, or `null`)."""
    try:
        body = official_json(exchange)
    except _Stopped:
        return None
    if body is None:
        return None
    return {variable: member(body, attribute) for variable, attribute in spec.captures.items()}


def official_json(exchange: Exchange) -> Any:
    """`pm.response.json()` (JSON.parse: no NaN or Infinity); _Stopped, a JSONError, when not JSON."""
    try:
        return json.loads(exchange.text, parse_constant=_reject)
    except (ValueError, RecursionError):
        raise _Stopped("JSONError: the body is not JSON") from None


def _reject(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def with_official(
    results: tuple[AssertionResult, ...],
    outcome: OfficialOutcome,
    keys: Mapping[str, str],
    request: str | Failure,
) -> tuple[AssertionResult, ...]:
    """Our assertions with the official verdict beside the strict one, plus those only the official
    script emits (an identity branch taken for an instance without an id). One result per name.
    `keys` maps the rendered name of each assertion of a kind in MODELLED_KINDS to its template; the
    others keep our verdict as the official one. `request` names the exchange, or is the failure of a
    body we could not read: then what only the official kit judges is failed by our verdict.

    An assertion of ours the official script does not emit is officially `not emitted`, whether its
    branch was not taken or the script stopped before it (Newman then reports the script's error apart:
    `OfficialOutcome.stopped`, the request's `official_error`).
    """
    merged: dict[str, AssertionResult] = {}
    for result in results:  # two templates may render to one name ("href is undefined")
        known = merged.get(result.name)
        merged[result.name] = (
            result if known is None else replace(known, failures=known.failures + result.failures)
        )
    out = [
        _beside(result, outcome.verdicts.get(name, Verdict.NOT_EMITTED)) if name in keys else result
        for name, result in merged.items()
    ]
    for name, verdict in outcome.verdicts.items():
        if name not in merged:
            out.append(_only_official(name, verdict, keys.get(name, name), request))
    return tuple(out)


def _only_official(name: str, verdict: Verdict, key: str, request: str | Failure) -> AssertionResult:
    """An assertion only the official script emits: ours agrees, unless we could not read the body."""
    if isinstance(request, Failure):
        return AssertionResult(
            name, (request,), key=key, official=None if verdict is Verdict.FAILED else verdict
        )
    failures = () if verdict is Verdict.PASSED else (Failure(request=request, note=_ONLY_OFFICIAL),)
    return AssertionResult(name, failures, key=key)


_ONLY_OFFICIAL = "the official kit fails this assertion"


def _beside(result: AssertionResult, official: Verdict) -> AssertionResult:
    return replace(result, official=None if official is result.verdict else official)


class PostmanRunner:
    """Newman 4.6.1 running the v4 collection's test scripts (their verdicts: `official_outcome`)."""

    missing_text: str | None = None  # Postman's own resolution of a {{VAR}} (`Variables.render_url`)
    judges_raw_bodies = False  # `pm.response.json()` throws on a body that is not JSON

    def judge(
        self, run: Judging, spec: RequestSpec, exchange: Exchange, where: str, unjudged: Unjudged | None
    ) -> Judged:
        """Ours beside what the official Postman script would report (no answer: both fail alike)."""
        if exchange.error is not None:
            run.capture_failed(spec, f"failed: {exchange.error}")
            reason = f"{where}: {exchange.error}"
            kind = transport_kind(exchange.error)
            return Judged(blanket(spec.assertions, reason, where, run.variables, kind))
        official = official_outcome(spec, exchange, run.variables)
        strict, unreadable = _strict(run, spec, exchange, where)
        _capture_globals(run, spec, exchange)
        keys = {rendered_name(a, run.variables): a.name for a in spec.assertions if a.kind in MODELLED_KINDS}
        return Judged(with_official(strict, official, keys, unreadable or where), official.stopped)


def _strict(
    run: Judging, spec: RequestSpec, exchange: Exchange, where: str
) -> tuple[tuple[AssertionResult, ...], Failure | None]:
    """Our verdicts, and the failure of a body we cannot read (it fails what reads it; the status
    is still checked)."""
    try:
        body = read_json(exchange) if reads_json(spec) else None
    except NotJson as exc:
        context = run.context(spec, exchange, None)
        results: list[AssertionResult] = []
        for a in spec.assertions:  # in the catalogue's order
            if get_check(a.kind).needs_json:
                results += blanket((a,), str(exc), where, run.variables, Kind.BODY)
            elif (result := evaluate(a, context, run.variables)) is not None:
                results.append(result)
        return tuple(results), Failure(request=where, note=str(exc), kind=Kind.BODY)
    context = run.context(spec, exchange, body)
    judged = (evaluate(a, context, run.variables) for a in spec.assertions)
    return tuple(r for r in judged if r is not None), None


def _capture_globals(run: Judging, spec: RequestSpec, exchange: Exchange) -> None:
    """As the create script's `pm.globals.set(...)`, whatever the status; unset when the script
    stops before (a body that is not JSON or `null`). Only non-empty strings are usable to us."""
    if not spec.captures:
        return
    captured = official_captures(spec, exchange)
    if captured is None:
        run.capture_failed(spec, f"returned {exchange.status} with a body that is not a JSON value")
        return
    for variable, value in captured.items():
        at = spec.captures[variable]
        run.variables.set(
            variable, value, f"{request_label(spec)} returned {exchange.status} without a string at $.{at}"
        )
