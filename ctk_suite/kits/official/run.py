"""Run the CTK's requests in order: send, evaluate every assertion, capture variables."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from ctk_suite.core.failures import Kind
from ctk_suite.core.redaction import redact_url
from ctk_suite.engine.records import AssertionResult, KitInfo, UnitResult
from ctk_suite.http.client import HttpClient
from ctk_suite.http.exchange import Exchange
from ctk_suite.kits.official.assertions import Unjudged, blanket, evaluate
from ctk_suite.kits.official.bodies import NotJson, read_json
from ctk_suite.kits.official.checks.kinds import CheckContext
from ctk_suite.kits.official.runners import RUNNERS
from ctk_suite.kits.official.runners.base import Judged, reads_json, request_label, transport_kind
from ctk_suite.kits.official.scenario import RequestSpec, Scenario
from ctk_suite.kits.official.variables import Variables, apply_quote, url_encode

QUOTES = {"none": "", "single": "'"}


@dataclass(frozen=True)
class RunSettings:
    """What a run needs to know about its target."""

    base_url: str
    extra_headers: Mapping[str, str]
    orderdate_quote: str = "none"
    #: The POST /productOrder body of the target profile, in place of the scenario's (None: the scenario's).
    payload: Mapping[str, Any] | None = None


class CtkRun:
    """State of one run of a scenario kit: the captured variables and the results so far, in order.

    It sends through the `client` it is given (the session's, with the profile's auth and TLS); the
    caller owns and closes it.
    """

    def __init__(
        self, scenario: Scenario, settings: RunSettings, client: HttpClient, kit: KitInfo | None = None
    ) -> None:
        self.scenario = scenario
        self.settings = settings
        self.kit = kit or scenario.kit_info()
        self.client = client
        #: The model of what runs the official kit (KeyError naming the known ones: before any request).
        self.runner = RUNNERS.get(scenario.official_runner)
        self.variables = Variables()
        self.results: list[UnitResult] = []
        self._ran: set[int] = set()  # ids of the requests already run (as themselves or as setup)
        self.started_at = datetime.now(UTC)
        self._started = time.perf_counter()
        self._finished: float | None = None
        for request in scenario.requests:
            for name in request.captures:
                self.variables.unavailable(name, f"{request_label(request)} was not run")
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
        postman_resolved = self.runner.missing_text is None
        unjudged = None if postman_resolved else self._unjudged(spec, self.variables.missing(path))
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
        text = self.runner.missing_text
        reason = f"{self.variables.reason(missing[0])}; the official kit sends {text!r} in its place"
        return Unjudged(reason, not_run=set(missing) <= set(spec.may_be_absent))

    def _send(self, spec: RequestSpec, name: str, path: str, unjudged: Unjudged | None = None) -> UnitResult:
        missing_text = self.runner.missing_text
        if missing_text is None:
            rendered = self.variables.render_url(path, url_encode)
        else:
            rendered = self.variables.render(path, url_encode, missing_text)
        url = self.settings.base_url + rendered
        headers = {**self.scenario.headers, **self.settings.extra_headers}
        payload = spec.body if spec.body is None or self.settings.payload is None else self.settings.payload
        body = json.dumps(payload).encode() if payload is not None else None
        exchange = self.client.send(spec.method, url, headers, body)
        where = f"{exchange.method} {redact_url(exchange.url)}"
        if self.scenario.official:
            judged = self.runner.judge(self, spec, exchange, where, unjudged)
        else:
            judged = Judged(self._evaluate(spec, exchange, where, unjudged))
        result = self._result(spec, name, url, exchange, judged.results)
        return replace(result, official_error=judged.official_error)

    def _evaluate(
        self, spec: RequestSpec, exchange: Exchange, where: str, unjudged: Unjudged | None
    ) -> tuple[AssertionResult, ...]:
        """Our verdicts alone (a kit that is not official): its runner still says what a body that is not
        JSON becomes (Cypress hands it to the tests as a string)."""
        if exchange.error is not None:
            self.capture_failed(spec, f"failed: {exchange.error}")
            kind = transport_kind(exchange.error)
            return blanket(spec.assertions, f"{where}: {exchange.error}", where, self.variables, kind)
        try:
            body = read_json(exchange) if reads_json(spec) else None
        except NotJson as exc:
            self.capture_failed(spec, f"returned {exchange.status} with a body that is not JSON")
            raw = self.context(spec, exchange, exchange.text) if self.runner.judges_raw_bodies else None
            return blanket(spec.assertions, str(exc), where, self.variables, Kind.BODY, official=raw)
        self.capture(spec, exchange, body)
        context = self.context(spec, exchange, body)
        results = (evaluate(a, context, self.variables, unjudged) for a in spec.assertions)
        return tuple(r for r in results if r is not None)

    def context(self, spec: RequestSpec, exchange: Exchange, body: Any) -> CheckContext:
        """The response as the checks of `spec` see it (the runner models draw theirs here too)."""
        elements = spec.instances == "elements"
        return CheckContext(exchange, body, self.variables, spec.instances != "body", elements)

    def capture(self, spec: RequestSpec, exchange: Exchange, body: Any) -> None:
        """As `pm.globals.set(...)`, whatever the status; only non-empty strings are usable values."""
        if spec.captures_all:
            self._capture_all(spec, exchange, body)
        for variable, attribute in spec.captures.items():
            value = body.get(attribute) if isinstance(body, dict) else None
            if isinstance(value, str) and value:
                self.variables.set(variable, value)
            else:
                reason = f"{request_label(spec)} returned {exchange.status} without a string at $.{attribute}"
                self.variables.unavailable(variable, reason)

    def _capture_all(self, spec: RequestSpec, exchange: Exchange, body: Any) -> None:
        """`createVariableGlobal`: every top-level attribute under its own name, whatever its value."""
        self.variables.otherwise(
            f"the response to {spec.method} {spec.path} (HTTP {exchange.status}) has none"
        )
        for attribute, value in body.items() if isinstance(body, dict) else ():
            self.variables.keep(attribute, value)

    def capture_failed(self, spec: RequestSpec, why: str) -> None:
        """What `spec` captures is unavailable to the requests that need it, saying `why`."""
        if spec.captures_all:
            self.variables.otherwise(f"{spec.method} {spec.path} {why}")
        for variable in spec.captures:
            self.variables.unavailable(variable, f"{request_label(spec)} {why}")
