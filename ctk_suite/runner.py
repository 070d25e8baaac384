"""Run the CTK's requests in order: send, evaluate every assertion, capture variables."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ctk_suite.checks import CheckContext, get_check
from ctk_suite.client import Exchange, HttpClient
from ctk_suite.failures import Failure, clip, printable, render_all
from ctk_suite.redaction import redact_url
from ctk_suite.scenario import AssertionSpec, Emit, RequestSpec, Scenario
from ctk_suite.variables import Variables, apply_quote, url_encode

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


@dataclass(frozen=True)
class AssertionResult:
    """One named assertion and why it failed (no failures: passed)."""

    name: str
    failures: tuple[Failure, ...] = ()
    #: The name before {{VAR}} rendering: stable from run to run, so a baseline can match it.
    key: str | None = None
    #: The spec rule the assertion tests (extended checks; the CTK's are the kit's own assertions).
    rule: str | None = None

    @property
    def passed(self) -> bool:
        """True when nothing failed."""
        return not self.failures

    @property
    def reason(self) -> str | None:
        """The rendered failures, or None when passed."""
        return render_all(self.failures) if self.failures else None


@dataclass(frozen=True)
class RequestResult:
    """One request of the run: what was sent, what came back, and its assertions."""

    spec: RequestSpec
    name: str
    url: str
    exchange: Exchange | None
    assertions: tuple[AssertionResult, ...]
    not_sent: str | None = None
    level: str = "ctk"

    @property
    def title(self) -> str:
        """`N1 /ProductOrder [POST]`, with the orderDate quoting of this run."""
        return f"{self.spec.scenario} {self.name} [{self.spec.method}]"

    @property
    def error(self) -> str | None:
        """The transport error, or why the request could not be sent."""
        return self.exchange.error if self.exchange is not None else self.not_sent

    @property
    def failed(self) -> list[AssertionResult]:
        """The assertions that failed."""
        return [a for a in self.assertions if not a.passed]


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


def read_json(exchange: Exchange) -> Any:
    """The JSON body of a response; NotJson says what was expected and what came instead."""
    media = (exchange.header("Content-Type") or "no Content-Type").split(";")[0].strip()
    came = f"HTTP {exchange.status} {media}"
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
    """State of one run: the captured variables and the results so far, in order."""

    def __init__(self, scenario: Scenario, settings: RunSettings, client: HttpClient | None = None) -> None:
        self.scenario = scenario
        self.settings = settings
        self.client = client or HttpClient.plain(settings.timeout_s, settings.timeout_s)
        self.variables = Variables()
        self.results: list[RequestResult] = []
        self.started_at = datetime.now(UTC)
        self._started = time.perf_counter()
        self._finished: float | None = None
        for request in scenario.requests:
            for name in request.captures:
                self.variables.unavailable(name, f"{_label(request)} was not run")

    @property
    def duration_ms(self) -> float:
        """Wall time from the start of the run to its last request."""
        end = self._finished if self._finished is not None else time.perf_counter()
        return round((end - self._started) * 1000, 1)

    def execute(self, spec: RequestSpec) -> RequestResult:
        """Send `spec` (unless a variable it needs is missing) and evaluate all its assertions."""
        quote = QUOTES[self.settings.orderdate_quote]
        name = apply_quote(spec.name, spec.quoted_variables, quote)
        path = apply_quote(spec.path, spec.quoted_variables, quote)
        if missing := self.variables.missing(path):
            result = self._not_sent(spec, name, path, self.variables.reason(missing[0]))
        else:
            result = self._send(spec, name, path)
        self.results.append(result)
        self._finished = time.perf_counter()
        return result

    def _not_sent(self, spec: RequestSpec, name: str, path: str, reason: str) -> RequestResult:
        for variable in spec.captures:
            self.variables.unavailable(variable, f"{_label(spec)} was not sent ({reason})")
        assertions = _blanket(spec.assertions, reason, "not sent", self.variables)
        return RequestResult(spec, name, self.settings.base_url + path, None, assertions, not_sent=reason)

    def _send(self, spec: RequestSpec, name: str, path: str) -> RequestResult:
        url = self.settings.base_url + self.variables.render(path, url_encode)
        headers = {**self.scenario.headers, **self.settings.extra_headers}
        payload = spec.body if spec.body is None or self.settings.payload is None else self.settings.payload
        body = json.dumps(payload).encode() if payload is not None else None
        exchange = self.client.send(spec.method, url, headers, body)
        assertions = self._evaluate(spec, exchange)
        return RequestResult(spec, name, url, exchange, assertions)

    def _evaluate(self, spec: RequestSpec, exchange: Exchange) -> tuple[AssertionResult, ...]:
        where = f"{exchange.method} {redact_url(exchange.url)}"
        if exchange.error is not None:
            self._capture_failed(spec, f"failed: {exchange.error}")
            return _blanket(spec.assertions, f"{where}: {exchange.error}", where, self.variables)
        try:
            body = read_json(exchange) if _reads_json(spec) else None
        except NotJson as exc:
            self._capture_failed(spec, f"returned {exchange.status} with a body that is not JSON")
            return _blanket(spec.assertions, str(exc), where, self.variables)
        self._capture(spec, exchange, body)
        context = CheckContext(exchange, body, self.variables, each_element=spec.instances == "each")
        return tuple(r for a in spec.assertions if (r := _assert(a, context, self.variables)) is not None)

    def _capture(self, spec: RequestSpec, exchange: Exchange, body: Any) -> None:
        """As `pm.globals.set(...)`, whatever the status; only non-empty strings are usable values."""
        for variable, attribute in spec.captures.items():
            value = body.get(attribute) if isinstance(body, dict) else None
            if isinstance(value, str) and value:
                self.variables.set(variable, value)
            else:
                reason = f"{_label(spec)} returned {exchange.status} without a string at $.{attribute}"
                self.variables.unavailable(variable, reason)

    def _capture_failed(self, spec: RequestSpec, why: str) -> None:
        for variable in spec.captures:
            self.variables.unavailable(variable, f"{_label(spec)} {why}")


def _label(spec: RequestSpec) -> str:
    """`N1 POST /ProductOrder`, how a dependent assertion names the request it waited for."""
    return f"{spec.scenario} {spec.method} {spec.name}"


def _reads_json(spec: RequestSpec) -> bool:
    return bool(spec.captures) or any(get_check(a.kind).needs_json for a in spec.assertions)


def _name(spec: AssertionSpec, variables: Variables) -> str:
    """The assertion's name with the captured values, which come from the server: printable in any report."""
    return printable(variables.render(spec.name))


def _assert(spec: AssertionSpec, context: CheckContext, variables: Variables) -> AssertionResult | None:
    name = _name(spec, variables)
    try:
        verdict = get_check(spec.kind).run(context, spec)
    except Exception as exc:  # a check bug fails its assertion, never the whole run
        verdict = (context.note(f"check {spec.kind} crashed: {type(exc).__name__}: {exc}"),)
    if verdict is None and spec.emit is Emit.ALWAYS:
        # A check may only stay silent for conditional assertions; anything else is a bug, never a pass.
        verdict = (context.note(f"check {spec.kind} gave no verdict"),)
    return None if verdict is None else AssertionResult(name, verdict, key=spec.name)


def _blanket(
    specs: tuple[AssertionSpec, ...], reason: str, request: str, variables: Variables
) -> tuple[AssertionResult, ...]:
    """Every always-present assertion fails with one reason; conditional ones cannot be decided."""
    failure = Failure(request=request, note=reason)
    return tuple(
        AssertionResult(_name(a, variables), (failure,), key=a.name) for a in specs if a.emit is Emit.ALWAYS
    )
