"""Run the CTK's requests in order: send, evaluate every assertion, capture variables."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from ctk_suite.core.failures import Failure, Kind, clip
from ctk_suite.core.redaction import redact_url
from ctk_suite.engine.records import AssertionResult, KitInfo, UnitResult, Verdict
from ctk_suite.http.client import Exchange, HttpClient
from ctk_suite.http.errors import AUTH
from ctk_suite.kits.official.assertions import Unjudged, blanket, evaluate, official_of, rendered_name
from ctk_suite.kits.official.checks.catalogue import get_check
from ctk_suite.kits.official.checks.kinds import CheckContext
from ctk_suite.kits.official.runners.cypress import (
    content_type_is_json,
    cypress_body,
    hook_failure,
    hook_message,
    with_hook_failure,
)
from ctk_suite.kits.official.runners.postman import (
    MODELLED_KINDS,
    official_captures,
    official_outcome,
    with_official,
)
from ctk_suite.kits.official.scenario import AssertionSpec, RequestSpec, Scenario
from ctk_suite.kits.official.variables import Variables, apply_quote, url_encode

QUOTES = {"none": "", "single": "'"}


@dataclass(frozen=True)
class RunSettings:
    """What a run needs to know about its target."""

    base_url: str
    extra_headers: Mapping[str, str]
    orderdate_quote: str = "none"
    timeout_s: float = 10.0  # connect and read, for a client made by the run itself
    #: The POST /productOrder body of the target profile, in place of the scenario's (None: the scenario's).
    payload: Mapping[str, Any] | None = None


class NotJson(ValueError):
    """The response body does not parse as JSON (JSON.parse rules: no NaN or Infinity)."""


def parse_json(text: str) -> Any:
    """Parse like `pm.response.json()`; NotJson carries the readable reason."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        raise NotJson(f"body is not JSON: {_shown(text)}") from exc
    except RecursionError as exc:  # valid JSON, perhaps, but nested deeper than Python's stack
        raise NotJson(f"body nests too deeply to parse: {_shown(text)}") from exc


def _shown(text: str) -> str:
    return clip(" ".join(text.split()), 80) if text.strip() else "(empty body)"


def read_json(exchange: Exchange, labelled: bool = False) -> Any:
    """The JSON body of a response; NotJson says what was expected and what came instead. `labelled`: the
    body must also say it is JSON (a media type ending in `json`, the rule Cypress parses by)."""
    media = (exchange.header("Content-Type") or "no Content-Type").split(";")[0].strip()
    came = f"HTTP {exchange.status} {media}"
    if labelled and not content_type_is_json(exchange):
        raise NotJson(f"expected a JSON body, got {came}: a body not labelled JSON is text to a client")
    try:
        text = exchange.strict_text()
    except UnicodeDecodeError as exc:  # RFC 8259 section 8.1: JSON exchanged between systems is UTF-8
        raise NotJson(
            f"expected a JSON body, got {came} with bytes that are not valid {exc.encoding} "
            f"(first at offset {exc.start})"
        ) from None
    try:
        return parse_json(text)
    except NotJson as exc:
        raise NotJson(
            f"expected a JSON body, got {came}: {str(exc).removeprefix('body is not JSON: ')}"
        ) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class CtkRun:
    """State of one run of a scenario kit: the captured variables and the results so far, in order."""

    def __init__(
        self,
        scenario: Scenario,
        settings: RunSettings,
        client: HttpClient | None = None,
        kit: KitInfo | None = None,
    ) -> None:
        self.scenario = scenario
        self.settings = settings
        self.kit = kit or scenario.kit_info()
        self.client = client or HttpClient.plain(settings.timeout_s, settings.timeout_s)
        self.variables = Variables()
        self.results: list[UnitResult] = []
        #: The official script's error on the request being evaluated (Newman's test-script failure).
        self._official_error: str | None = None
        self._ran: set[int] = set()  # ids of the requests already run (as themselves or as setup)
        self.started_at = datetime.now(UTC)
        self._started = time.perf_counter()
        self._finished: float | None = None
        for request in scenario.requests:
            for name in request.captures:
                self.variables.unavailable(name, f"{_label(request)} was not run")
        for name in scenario.never_captured:
            self.variables.unavailable(name, f"the CTK {scenario.ctk_version} collection never sets it")

    @property
    def duration_ms(self) -> float:
        """Wall time from the start of the run to its last request."""
        end = self._finished if self._finished is not None else time.perf_counter()
        return round((end - self._started) * 1000, 1)

    def execute(self, spec: RequestSpec) -> list[UnitResult]:
        """Run `spec`, first running as setup the requests not yet run that capture what it needs
        (a selection such as `-k "N2 and id"` keeps N1 POST); the results in run order, `spec`'s last."""
        setup = [self._run(producer, setup=True) for producer in self._unmet_producers(spec)]
        return [*setup, self._run(spec, setup=False)]

    def _unmet_producers(self, spec: RequestSpec) -> list[RequestSpec]:
        """The earlier requests, not run yet, whose captures `spec` (or they themselves) need."""
        wanted: list[RequestSpec] = []
        for variable in sorted(spec.needs()):
            producer = self.scenario.producer_of(variable)
            if producer is None or producer is spec or id(producer) in self._ran:
                continue
            if self.variables.get(variable) is not None:  # known already (given by the caller)
                continue
            for needed in [*self._unmet_producers(producer), producer]:
                if needed not in wanted:
                    wanted.append(needed)
        return wanted

    def _run(self, spec: RequestSpec, setup: bool) -> UnitResult:
        """Send `spec` and evaluate all its assertions. Sent even when a variable it needs has no value,
        as the official kit sends it (Postman: `productOrder/`, `?orderDate=`, `{{IDPO01}}` left as is;
        Cypress: `undefined`)."""
        self._ran.add(id(spec))
        quote = QUOTES[self.settings.orderdate_quote]
        name = apply_quote(spec.name, spec.quoted_variables, quote)
        path = apply_quote(spec.path, spec.quoted_variables, quote)
        postman = self.scenario.missing_text is None
        unjudged = None if postman else self._unjudged(spec, self.variables.missing(path))
        result = self._send(spec, name, path, unjudged)
        if setup:
            result = replace(result, setup=True)
        self.results.append(result)
        self._finished = time.perf_counter()
        return result

    def _result(  # noqa: PLR0917 - the fields of one result, named at every call
        self,
        spec: RequestSpec,
        name: str,
        url: str,
        exchange: Exchange | None,
        assertions: tuple[AssertionResult, ...],
        not_sent: str | None = None,
    ) -> UnitResult:
        return UnitResult(
            self.kit, spec.level, spec.scenario, name, spec.method, url, exchange, assertions, not_sent
        )

    def _unjudged(self, spec: RequestSpec, missing: list[str]) -> Unjudged | None:
        """A request sent without the values of `missing` (as the kit's `missing_text`) has no strict verdict:
        failed for lack of what it targets, not run when the server may lack that value."""
        if not missing:
            return None
        text = self.scenario.missing_text
        reason = f"{self.variables.reason(missing[0])}; the official kit sends {text!r} in its place"
        return Unjudged(reason, not_run=set(missing) <= set(spec.may_be_absent))

    def _send(self, spec: RequestSpec, name: str, path: str, unjudged: Unjudged | None = None) -> UnitResult:
        if self.scenario.missing_text is None:
            rendered = self.variables.render_url(path, url_encode)
        else:
            rendered = self.variables.render(path, url_encode, self.scenario.missing_text)
        url = self.settings.base_url + rendered
        headers = {**self.scenario.headers, **self.settings.extra_headers}
        payload = spec.body if spec.body is None or self.settings.payload is None else self.settings.payload
        body = json.dumps(payload).encode() if payload is not None else None
        exchange = self.client.send(spec.method, url, headers, body)
        self._official_error = None
        assertions = self._evaluate(spec, exchange, unjudged)
        result = self._result(spec, name, url, exchange, assertions)
        return replace(result, official_error=self._official_error)

    def _evaluate(
        self, spec: RequestSpec, exchange: Exchange, unjudged: Unjudged | None
    ) -> tuple[AssertionResult, ...]:
        where = f"{exchange.method} {redact_url(exchange.url)}"
        if self.scenario.official and self.scenario.official_runner == "cypress":
            return self._evaluate_cypress(spec, exchange, where, unjudged)
        if exchange.error is not None:
            self._capture_failed(spec, f"failed: {exchange.error}")
            kind = Kind.AUTH if exchange.error.startswith(AUTH) else Kind.TRANSPORT
            return blanket(spec.assertions, f"{where}: {exchange.error}", where, self.variables, kind)
        if self.scenario.official and self.scenario.official_runner == "postman":
            return self._evaluate_postman(spec, exchange, where)
        try:
            body = read_json(exchange) if _reads_json(spec) else None
        except NotJson as exc:
            self._capture_failed(spec, f"returned {exchange.status} with a body that is not JSON")
            # Cypress hands a body it cannot parse to the tests as a string (the v5 kit judges that).
            raw = self._context(spec, exchange, exchange.text) if self.scenario.judges_raw_bodies else None
            return blanket(spec.assertions, str(exc), where, self.variables, Kind.BODY, official=raw)
        self._capture(spec, exchange, body)
        context = self._context(spec, exchange, body)
        results = (evaluate(a, context, self.variables, unjudged) for a in spec.assertions)
        return tuple(r for r in results if r is not None)

    def _evaluate_cypress(
        self, spec: RequestSpec, exchange: Exchange, where: str, unjudged: Unjudged | None
    ) -> tuple[AssertionResult, ...]:
        """Ours, beside what TM Forum's Cypress kit reports: its checks on the body as Cypress hands it
        over, after a `before all` hook that may fail first (ctk_suite/official_cypress.py)."""
        official_body = cypress_body(exchange)
        strict, strict_context = self._strict_cypress(spec, exchange, where, unjudged)
        if exchange.error is not None:
            self._capture_failed(spec, f"failed: {exchange.error}")
        else:  # `createVariableGlobal(response.body)`: what Cypress parsed, whatever our verdict on it
            self._capture(spec, exchange, official_body)
        hook = hook_failure(spec, exchange, official_body)
        if hook is not None:
            kind = Kind.BODY if exchange.error is None else _transport_kind(exchange.error)
            return with_hook_failure(tuple(r for _, r in strict), hook_message(hook, spec.name), where, kind)
        context = self._context(spec, exchange, official_body)
        return tuple(self._beside_cypress(a, r, context, strict_context, where) for a, r in strict)

    def _strict_cypress(
        self, spec: RequestSpec, exchange: Exchange, where: str, unjudged: Unjudged | None
    ) -> tuple[list[tuple[AssertionSpec, AssertionResult]], CheckContext | None]:
        """Our verdict of each assertion (a body must be JSON and labelled so), and the context they were
        drawn on (None: nothing of the body could be read)."""
        if exchange.error is not None:
            reason, kind = f"{where}: {exchange.error}", _transport_kind(exchange.error)
            return self._blanket(spec, reason, where, kind), None
        try:
            body = read_json(exchange, labelled=True) if _reads_json(spec) else None
        except NotJson as exc:
            return self._blanket(spec, str(exc), where, Kind.BODY), None
        context = self._context(spec, exchange, body)
        judged = ((a, evaluate(a, context, self.variables, unjudged)) for a in spec.assertions)
        return [(a, r) for a, r in judged if r is not None], context

    def _blanket(
        self, spec: RequestSpec, reason: str, where: str, kind: Kind
    ) -> list[tuple[AssertionSpec, AssertionResult]]:
        return [(a, r) for a in spec.assertions for r in blanket((a,), reason, where, self.variables, kind)]

    def _beside_cypress(
        self,
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
            result = self._judged_anyway(spec, result, strict_context, where)
        return replace(result, official=None if official is result.verdict else official)

    def _judged_anyway(
        self, spec: AssertionSpec, result: AssertionResult, context: CheckContext | None, where: str
    ) -> AssertionResult:
        """Our check of an answer that is wrong whatever the missing value: its own failures, if any."""
        judged = None if context is None else evaluate(spec, context, self.variables)
        failures = judged.failures if judged is not None else ()
        note = Failure(request=where, note=_WRONG_ANYWAY, kind=Kind.ASSERTION)
        return replace(result, not_run=None, failures=failures or (note,))

    def _evaluate_postman(
        self, spec: RequestSpec, exchange: Exchange, where: str
    ) -> tuple[AssertionResult, ...]:
        """Ours beside what the official Postman script would report (runners/postman.py)."""
        official = official_outcome(spec, exchange, self.variables)
        self._official_error = official.stopped
        strict, unreadable = self._strict(spec, exchange, where)
        self._capture_globals(spec, exchange)
        keys = {rendered_name(a, self.variables): a.name for a in spec.assertions if a.kind in MODELLED_KINDS}
        return with_official(strict, official, keys, unreadable or where)

    def _strict(
        self, spec: RequestSpec, exchange: Exchange, where: str
    ) -> tuple[tuple[AssertionResult, ...], Failure | None]:
        """Our verdicts, and the failure of a body we cannot read (it fails what reads it; the status
        is still checked)."""
        try:
            body = read_json(exchange) if _reads_json(spec) else None
        except NotJson as exc:
            context = self._context(spec, exchange, None)
            results: list[AssertionResult] = []
            for a in spec.assertions:  # in the catalogue's order
                if get_check(a.kind).needs_json:
                    results += blanket((a,), str(exc), where, self.variables, Kind.BODY)
                elif (result := evaluate(a, context, self.variables)) is not None:
                    results.append(result)
            return tuple(results), Failure(request=where, note=str(exc), kind=Kind.BODY)
        context = self._context(spec, exchange, body)
        judged = (evaluate(a, context, self.variables) for a in spec.assertions)
        return tuple(r for r in judged if r is not None), None

    def _capture_globals(self, spec: RequestSpec, exchange: Exchange) -> None:
        """As the create script's `pm.globals.set(...)`, whatever the status; unset when the script
        stops before (a body that is not JSON or `null`). Only non-empty strings are usable to us."""
        if not spec.captures:
            return
        captured = official_captures(spec, exchange)
        if captured is None:
            self._capture_failed(spec, f"returned {exchange.status} with a body that is not a JSON value")
            return
        for variable, value in captured.items():
            at = spec.captures[variable]
            self.variables.set(
                variable, value, f"{_label(spec)} returned {exchange.status} without a string at $.{at}"
            )

    def _context(self, spec: RequestSpec, exchange: Exchange, body: Any) -> CheckContext:
        elements = spec.instances == "elements"
        return CheckContext(exchange, body, self.variables, spec.instances != "body", elements)

    def _capture(self, spec: RequestSpec, exchange: Exchange, body: Any) -> None:
        """As `pm.globals.set(...)`, whatever the status; only non-empty strings are usable values."""
        if spec.captures_all:
            self._capture_all(spec, exchange, body)
        for variable, attribute in spec.captures.items():
            value = body.get(attribute) if isinstance(body, dict) else None
            if isinstance(value, str) and value:
                self.variables.set(variable, value)
            else:
                reason = f"{_label(spec)} returned {exchange.status} without a string at $.{attribute}"
                self.variables.unavailable(variable, reason)

    def _capture_all(self, spec: RequestSpec, exchange: Exchange, body: Any) -> None:
        """`createVariableGlobal`: every top-level attribute under its own name, whatever its value."""
        self.variables.otherwise(
            f"the response to {spec.method} {spec.path} (HTTP {exchange.status}) has none"
        )
        for attribute, value in body.items() if isinstance(body, dict) else ():
            self.variables.keep(attribute, value)

    def _capture_failed(self, spec: RequestSpec, why: str) -> None:
        if spec.captures_all:
            self.variables.otherwise(f"{spec.method} {spec.path} {why}")
        for variable in spec.captures:
            self.variables.unavailable(variable, f"{_label(spec)} {why}")


_WRONG_ANYWAY = "the official kit fails this answer, and the value sent as undefined does not explain it"


def _transport_kind(error: str) -> Kind:
    return Kind.AUTH if error.startswith(AUTH) else Kind.TRANSPORT


def _label(spec: RequestSpec) -> str:
    """`N1 POST /ProductOrder`, how a dependent assertion names the request it waited for."""
    return f"{spec.scenario} {spec.method} {spec.name}"


def _reads_json(spec: RequestSpec) -> bool:
    kinds = (get_check(a.kind) for a in spec.assertions)
    return bool(spec.captures) or spec.captures_all or any(kind.needs_json for kind in kinds)
