"""Fuzz the suite's own reading of server responses: whatever comes back, assertions fail with reasons.

A misbehaving server must never crash the suite (common brief). Hypothesis builds responses from
arbitrary bytes, JSON of every shape (huge numbers, NaN, lone surrogates, nesting deeper than any
parser stack), garbage Content-Types and charsets, and any status (strategies in response_fuzz.py).
They are fed, without HTTP, to:

- the CTK runner (`CtkRun.execute` with a client that answers from the strategy): JSON decoding,
  the instance logic, the captures and every check kind;
- the extended level (`ExtendedRun` with the same fake server and a fake notification listener):
  every probe and check of the catalogue, and the event envelope readers;
- the HTTP client (`HttpClient.send` over a `requests` session that answers without a network) with
  the OAuth2 token endpoint's answers, the cleanup (it reads the id of each created order, then
  DELETEs it) and the notification listener (real loopback HTTP: it reads what the server posts);
- the report writers: summary.json and junit.xml are written and read back, the table rendered.

Properties: nothing raises; no check needs the safety net ("crashed", "gave no verdict"); each
assertion has a boolean verdict; each failed one has a one-line printable reason of bounded length;
the names are the catalogue's; status, mandatory attributes and string types are judged exactly.
Each bug this file found is also replayed deterministically (`REGRESSIONS`, `@example`).

CI runs a fixed (derandomized) number of examples; a longer random run:

    TMF622_PARSE_FUZZ_EXAMPLES=5000 .venv/bin/pytest tests/hardening/test_fuzz_suite_parsing.py
"""

from __future__ import annotations

import copy
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
import requests
from hypothesis import example, given
from hypothesis import strategies as st

import ctk_suite.kits.extended.versions  # noqa: F401 - registers every version's probes and checks
from ctk_suite.core.failures import MAX_LINE_CHARS, MAX_LISTED, Failure, render
from ctk_suite.core.redaction import SecretRegistry
from ctk_suite.engine.cleanup import CleanupReport, CreatedOrders, clean_up
from ctk_suite.engine.records import UnitResult
from ctk_suite.http.auth import OAuth2ClientCredentials
from ctk_suite.http.client import HttpClient, Limits
from ctk_suite.http.exchange import Exchange
from ctk_suite.http.settings import OAuth2Config, Secret
from ctk_suite.kits.extended.catalogue import load_catalogue
from ctk_suite.kits.extended.kit import ExtendedKit
from ctk_suite.kits.extended.listener import EventListener, ListenerSettings, ReceivedEvent, event_name
from ctk_suite.kits.extended.run import ExtendedRun, Target
from ctk_suite.kits.extended.v4.rules_optional import envelope_failures, summary
from ctk_suite.kits.official.assertions import rendered_name
from ctk_suite.kits.official.bodies import NotJson, read_json
from ctk_suite.kits.official.checks.catalogue import check_kinds, get_check
from ctk_suite.kits.official.run import CtkRun, RunSettings
from ctk_suite.kits.official.scenario import AssertionSpec, Emit, RequestSpec, load_scenario
from ctk_suite.kits.official.variables import Variables
from ctk_suite.reporting.junit import write_junit
from ctk_suite.reporting.run_report import RunReport
from ctk_suite.reporting.summary import write_summary
from ctk_suite.reporting.table import render_table
from tests.support.hardening.response_fuzz import (
    BASE_URL,
    CONTENT_TYPES,
    EXTREME_BODIES,
    ORDER_KEYS,
    ConstantServer,
    FakeServer,
    Reply,
    bodies,
    content_types,
    encode,
    fuzz_settings,
    headers,
    json_values,
    known_ids,
    orders,
    replies_for,
    strings,
)
from tmf622_scenarios import scenario_path

CTK = load_scenario(scenario_path())
RULES = load_catalogue().rules
#: A reason lists MAX_LISTED failures of at most MAX_LINE_CHARS each, then "... and N more".
MAX_REASON_CHARS = MAX_LISTED * (MAX_LINE_CHARS + 2) + 40
#: What the safety nets write when a check or a probe raised: seen in a reason, it is a bug.
SAFETY_NETS = re.compile(r"crashed: |gave no verdict")
#: What a one-line, XML-safe, terminal-safe text must not hold: controls, separators, surrogates.
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
PAYLOAD = {"productOrderItem": [{"id": "1", "action": "add"}], "relatedParty": [{"id": "p"}]}

# ---- properties --------------------------------------------------------------------------------------------


def assert_line(text: str, limit: int, what: str) -> None:
    """One non-empty printable line of at most `limit` characters, not written by a safety net."""
    assert text.strip(), f"{what}: empty"
    assert not UNPRINTABLE.search(text), f"{what}: unprintable {text!r}"
    assert len(text) <= limit, f"{what}: {len(text)} characters"
    assert not SAFETY_NETS.search(text), f"{what}: {text}"


def assert_sound(result: UnitResult) -> None:
    """Verdicts are booleans; a passed assertion has no reason, a failed one a sound line."""
    for assertion in result.assertions:
        assert isinstance(assertion.passed, bool)
        if assertion.passed:
            assert assertion.reason is None
        else:
            assert isinstance(assertion.reason, str)
            assert_line(assertion.reason, MAX_REASON_CHARS, assertion.name)


def decoded(exchange: Exchange | None) -> Any:
    """The parsed body, or NotJson (the oracle for conditional assertions)."""
    if exchange is None or exchange.error is not None:
        return NotJson("no response")
    try:
        return read_json(exchange)
    except NotJson as exc:
        return exc


def emitted(spec: AssertionSpec, body: Any, variables: Variables) -> bool:
    """Whether our strict checks report `spec` for a response whose parsed body is `body`."""
    if spec.emit is Emit.ALWAYS:
        return True
    if isinstance(body, NotJson):
        return False
    if spec.emit is Emit.IF_ARRAY:
        return isinstance(body, list)
    key = variables.get(str(spec.params.get("keyVariable", "IDPO01")))
    records = body if isinstance(body, list) else [body]
    return key is not None and any(isinstance(r, dict) and r.get("id") == key for r in records)


def assert_catalogue_names(run: CtkRun, spec: RequestSpec, result: UnitResult) -> None:
    """The catalogue's names, rendered, in order (conditional ones only when they apply); then only what
    the official script alone emits: its identity branches, taken per instance by loose equality."""
    body = decoded(result.exchange)
    wanted = [
        (rendered_name(a, run.variables), a.name) for a in spec.assertions if emitted(a, body, run.variables)
    ]
    got = [(a.name, a.key) for a in result.assertions]
    assert got[: len(wanted)] == wanted
    # A body we cannot read (not UTF-8) may still be JSON to the official kit: what it judges there is
    # added, failed by our verdict.
    branches = {a.name for a in spec.assertions if a.kind in ("identity", "unexpected_instance")}
    assert isinstance(body, NotJson) or {key for _, key in got[len(wanted) :]} <= branches


def instances_of(spec: RequestSpec, body: Any) -> list[Any]:
    """What the official scripts check: each element of a non-empty array (`each`), else the body."""
    return body if spec.instances == "each" and isinstance(body, list) and body else [body]


def holds(spec: AssertionSpec, exchange: Exchange | None, instances: list[Any]) -> bool | None:
    """An independent verdict for the kinds simple enough to restate; None: not restated."""
    if spec.kind == "status_code":
        return exchange is not None and exchange.status == spec.params["status"]
    wanted = spec.params.get("attributes") or [spec.params.get("attribute")]
    if spec.kind == "mandatory_attributes":
        return all(isinstance(i, dict) and all(a in i for a in wanted) for i in instances)
    if spec.kind == "attribute_type" and spec.params["type"] == "string":
        return all(isinstance(i, dict) and isinstance(i.get(wanted[0]), str) for i in instances)
    return None


def assert_exact_verdicts(spec_of_request: RequestSpec, result: UnitResult) -> None:
    """Status, mandatory attributes and string attributes pass exactly when the response satisfies them."""
    body, exchange = decoded(result.exchange), result.exchange
    reads_json = (
        any(get_check(a.kind).needs_json for a in spec_of_request.assertions) or spec_of_request.captures
    )
    # No response, or no JSON where JSON is read: every assertion fails with that one reason.
    usable = (
        exchange is not None and exchange.error is None and not (reads_json and isinstance(body, NotJson))
    )
    instances = instances_of(spec_of_request, body) if usable else []
    answered = exchange is not None and exchange.error is None
    by_key = {a.key: a for a in result.assertions}
    for spec in spec_of_request.assertions:
        # What does not read the body (the status first) is judged even when the body is not JSON,
        # as the official scripts test the status before parsing (issue 9).
        judged = answered if not get_check(spec.kind).needs_json else usable
        verdict = holds(spec, exchange, instances) if judged else False
        if verdict is not None and spec.name in by_key:
            assert by_key[spec.name].passed is verdict, by_key[spec.name]


def assert_reports(
    run: CtkRun | None,
    folder: Path,
    extended: tuple[UnitResult, ...] = (),
    cleanup: CleanupReport | None = None,
) -> None:
    """summary.json and junit.xml are written and read back; the terminal table is printable."""
    results = [*(run.results if run else []), *extended]
    report = RunReport(tuple(results), SecretRegistry(), api_url=BASE_URL, cleanup=cleanup)
    document = json.loads(write_summary(report, folder / "summary.json").read_text(encoding="utf-8"))
    assert len(document["requests"]) + len(document["extendedRequests"]) == len(results)
    root = ET.parse(write_junit(report, folder / "junit.xml")).getroot()
    assert root.get("tests") == str(sum(len(r.assertions) or 1 for r in results))
    lines = render_table(report)
    assert not any(UNPRINTABLE.search(line) for line in lines)


def cleaned_up(server: Any, creates: int, enabled: bool) -> CleanupReport:
    """The cleanup after `creates` POSTs answered by `server`: ids read, DELETEs judged, report sound."""
    orders = CreatedOrders(BASE_URL)
    for _ in range(creates):
        orders(server.send("POST", f"{BASE_URL}productOrder", {}, b"{}"))  # as the client's observer
    assert all(isinstance(order_id, str) and order_id for order_id in orders.ids)
    report = clean_up(server, orders, enabled)
    assert len(report.deleted) + len(report.failed) + len(report.kept) == len(orders.ids)
    for failure in report.failed:
        assert_line(failure.reason, 400, f"cleanup of {failure.id}")
    return report


# ---- the CTK level -----------------------------------------------------------------------------------------


def ctk_run(client: Any, data: st.DataObject | None = None) -> CtkRun:
    """A run answered by `client`; with `data`, its variables hold drawn values (or are unavailable)."""
    run = CtkRun(CTK, RunSettings(BASE_URL, {}), client=client)
    for name in ("IDPO01", "HREFPO01", "ORDERDATEPO01"):
        value = data.draw(st.none() | known_ids | strings, label=name) if data else "po-1"
        if value:
            run.variables.set(name, value)
    return run


def execute(run: CtkRun, spec: RequestSpec) -> UnitResult:
    result = run.execute(spec)[-1]
    assert_sound(result)
    assert_catalogue_names(run, spec, result)
    assert_exact_verdicts(spec, result)
    return result


@fuzz_settings(300)
@given(data=st.data())
def test_any_response_to_any_ctk_request_fails_with_reasons(data: st.DataObject) -> None:
    run = ctk_run(FakeServer(data), data)
    execute(run, data.draw(st.sampled_from(CTK.requests), label="request"))


@fuzz_settings(30)
@given(data=st.data())
def test_a_whole_ctk_run_on_fuzzed_responses_is_reported(
    data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    run = CtkRun(CTK, RunSettings(BASE_URL, {}), client=FakeServer(data, faults=3))
    for spec in CTK.requests:
        execute(run, spec)
    assert_reports(run, tmp_path_factory.getbasetemp() / "ctk-reports")


#: One assertion of every registered check kind, with the parameters the catalogue would give it.
EVERY_KIND = (
    AssertionSpec("status_code", "status", {"status": 201}),
    AssertionSpec("not_array", "not an array", emit=Emit.IF_ARRAY),
    AssertionSpec("mandatory_attributes", "mandatory", {"attributes": list(ORDER_KEYS[:6])}),
    *(
        AssertionSpec("attribute_type", f"{kind} href", {"attribute": "href", "type": kind})
        for kind in ("string", "array", "object", "number", "boolean")
    ),
    AssertionSpec("body_includes_value", "includes @type", {"attribute": "@type"}),
    AssertionSpec("identity", "href is {{HREFPO01}}", {"attribute": "href", "variable": "HREFPO01"}),
    AssertionSpec(
        "identity",
        "listed {{IDPO01}}",
        {"attribute": "id", "variable": "IDPO01"},
        Emit.IF_CREATED_ORDER_LISTED,
    ),
    AssertionSpec(
        "unexpected_instance", "IDPO02 not expected", {"keyVariable": "IDPO02"}, Emit.IF_CREATED_ORDER_LISTED
    ),
    AssertionSpec("header_present", "has X-Result-Count", {"header": "X-Result-Count"}),
    AssertionSpec("content_type", "json", {"media": "application/json"}),
    AssertionSpec("max_response_time", "fast", {"ms": 1000}),
    AssertionSpec("location_matches_href", "location"),
    AssertionSpec("schema_valid", "schema", {"schema": "ProductOrder"}),
    AssertionSpec("status_one_of", "status 200 or 206", {"statuses": [200, 206]}),
    AssertionSpec("mandatory_keys", "as created", {"keys": ["id", "href", "a.b"], "keyVariable": "IDPO01"}),
)


def every_kind(instances: str) -> RequestSpec:
    return RequestSpec("F1", "/fuzz", "GET", "productOrder", EVERY_KIND, instances=instances)


def test_every_check_kind_is_fuzzed() -> None:
    assert {spec.kind for spec in EVERY_KIND} == set(check_kinds())


@fuzz_settings(250)
@given(data=st.data(), instances=st.sampled_from(("each", "body")))
def test_every_check_kind_judges_any_response(data: st.DataObject, instances: str) -> None:
    execute(ctk_run(FakeServer(data), data), every_kind(instances))


@fuzz_settings(250)
@given(body=bodies, content_type=content_types)
def test_read_json_returns_the_value_or_says_why_not(body: bytes, content_type: str) -> None:
    exchange = Exchange(
        "GET", BASE_URL, {}, None, 200, MappingProxyType({"Content-Type": content_type}), body
    )
    value = decoded(exchange)
    if isinstance(value, NotJson):
        assert str(value).startswith("expected a JSON body, got HTTP 200")
        assert_line(render(Failure(request="GET", note=str(value))), MAX_LINE_CHARS, "NotJson")
    assert isinstance(exchange.text, str)
    if content_type in CONTENT_TYPES[:2]:  # UTF-8 declared or implied: valid JSON must be read as JSON
        try:
            expected = json.loads(body.removeprefix(b"\xef\xbb\xbf").decode(), parse_constant=not_json)
        except (ValueError, RecursionError):
            return
        assert value == expected or "nests too deeply to parse" in str(value)  # Python's stack, not JSON


def test_a_body_nested_past_the_stack_is_said_to_be_too_deep() -> None:
    body = EXTREME_BODIES[0]  # 100,000 nested arrays: valid JSON no Python stack can hold
    exchange = Exchange("GET", BASE_URL, {}, None, 200, MappingProxyType({}), body)
    with pytest.raises(NotJson, match="nests too deeply to parse"):
        read_json(exchange)


def not_json(constant: str) -> Any:
    """NaN and Infinity are not JSON (RFC 8259 section 6)."""
    raise ValueError(constant)


# ---- the extended level ------------------------------------------------------------------------------------

envelopes = st.fixed_dictionaries(
    {},
    optional={
        "eventType": st.sampled_from(("productOrderCreateEvent", "productOrderAttributeValueChangeEvent"))
        | strings,
        "eventId": strings,
        "eventTime": strings | json_values,
        "event": st.fixed_dictionaries({"productOrder": orders}) | json_values,
    },
)
event_paths = st.sampled_from(
    (
        "/listener/productOrderCreateEvent",
        "/cb/listener/productOrderAttributeValueChangeEvent",
        "/",
        "/listener",
    )
)
events = st.builds(
    lambda path, body, problem: ReceivedEvent(path, event_name(path), body, "application/json", problem),
    event_paths | st.text(max_size=20),
    envelopes | json_values,
    st.none() | strings,
)


class FakeListener:
    """Stands in for the notification listener: `arrivals()` says what arrived whenever a check waits."""

    callback_url = "http://127.0.0.1:9/callback"

    def __init__(self, arrivals: Callable[[], list[ReceivedEvent]]) -> None:
        self.arrivals = arrivals
        self.events: list[ReceivedEvent] = []

    def wait_for(self, wanted: Callable[[ReceivedEvent], bool], timeout_s: float) -> ReceivedEvent | None:
        self.events += self.arrivals()
        return next((event for event in self.events if wanted(event)), None)

    def received(self) -> list[ReceivedEvent]:
        return list(self.events)

    def stop(self) -> None:
        """Nothing runs."""


class FakeRun(ExtendedRun):
    """The extended run on a fake server and a fake listener: its probes and checks are the real ones."""

    def __init__(self, server: Any, arrivals: Callable[[], list[ReceivedEvent]]) -> None:
        super().__init__(Target(BASE_URL, {}, lambda: copy.deepcopy(PAYLOAD), server.send))
        self.fake_listener = FakeListener(arrivals)

    def listener(self) -> Any:
        return self.fake_listener


def evaluate_every_rule(run: ExtendedRun) -> tuple[UnitResult, ...]:
    """Every rule of the catalogue, as the reports see it; each sound and named by its rule."""
    kit = ExtendedKit(load_catalogue(), "extended-4.0.0").info
    results = tuple(run.evaluate(rule).unit(BASE_URL, kit) for rule in RULES)
    run.close()
    for rule, result in zip(RULES, results, strict=True):
        assert [a.key for a in result.assertions] == [rule.id]
        assert_sound(result)
    return results


@fuzz_settings(30, shrink=False)  # shrinking a run of 40 requests takes minutes: the report is clear enough
@given(data=st.data())
def test_every_extended_check_judges_any_response(
    data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    arrivals = st.lists(events, max_size=3)
    run = FakeRun(FakeServer(data, faults=5), lambda: data.draw(arrivals, label="events"))
    assert_reports(None, tmp_path_factory.getbasetemp() / "extended-reports", evaluate_every_rule(run))


# ---- the bugs this file found, and the extreme bodies: each one deterministically ----------------------

JSON = {"Content-Type": "application/json"}
ORDER = {
    "id": "po-1",
    "href": f"{BASE_URL}productOrder/po-1",
    "orderDate": "2026-11-27T10:00:00Z",
    "state": "held",
}


def with_id(order_id: str) -> ConstantServer:
    """Creates answer an order with this id (captured, rendered in names, sent back); DELETEs fail."""
    order = encode({**ORDER, "id": order_id})
    return ConstantServer(Reply(201, JSON, order), DELETE=Reply(500, {}, "\x00\x1b[2J\u2028".encode()))


def with_charset(charset: str) -> ConstantServer:
    return ConstantServer(Reply(201, {"Content-Type": f"application/json; charset={charset}"}, encode(ORDER)))


#: name -> a server whose answers once crashed (or blurred) the suite; see the report in the issue.
REGRESSIONS = {
    **{
        f"charset {name!r}": with_charset(name)
        for name in ("base64", "undefined", "idna", "utf-8\x00", "\ud800")
    },
    "id with a lone surrogate": with_id("\ud800"),
    "id with NUL, ESC and U+2028": with_id("a\x00b\x1b[31m\u2028c"),
    "count headers in superscript digits": ConstantServer(
        Reply(201, JSON, encode(ORDER)),
        GET=Reply(200, {**JSON, "X-Result-Count": "²", "X-Total-Count": "³"}, encode([ORDER])),
    ),
    **{
        f"body {body[:24]!r} ({len(body)} bytes)": ConstantServer(
            Reply(200, {**JSON, "X-Result-Count": "²"}, body)
        )
        for body in EXTREME_BODIES
    },
}


@pytest.mark.parametrize("server", REGRESSIONS.values(), ids=REGRESSIONS.keys())
def test_known_bad_answers_fail_with_reasons(server: ConstantServer, tmp_path: Path) -> None:
    run = ctk_run(server)
    for spec in (*CTK.requests, every_kind("each"), every_kind("body")):
        execute(run, spec)
    extended = evaluate_every_rule(FakeRun(server, list))
    assert_reports(run, tmp_path, extended, cleaned_up(server, 2, enabled=True))


# ---- what the listener and the client read -----------------------------------------------------------------


@pytest.fixture(scope="module")
def listener() -> Iterator[EventListener]:
    started = EventListener(ListenerSettings())
    started.start()
    yield started
    started.stop()


@fuzz_settings(40)
@given(
    path=event_paths,
    body=envelopes.map(lambda envelope: json.dumps(envelope).encode()) | bodies,
    content_type=st.sampled_from(CONTENT_TYPES[:4])
    | st.text(st.characters(min_codepoint=32, max_codepoint=126)).map(str.strip),  # what requests sends
)
def test_the_listener_reads_any_event_it_is_sent(
    listener: EventListener, path: str, body: bytes, content_type: str
) -> None:
    before = len(listener.received())
    answer = requests.post(
        listener.callback_url + path, data=body, headers={"Content-Type": content_type}, timeout=5
    )
    assert answer.status_code in {201, 413}
    if answer.status_code == 413:  # over MAX_EVENT_BYTES: refused, not recorded
        return
    event = listener.received()[before]
    assert event.problem is None or event.body is None
    for failure in envelope_failures(event, "ProductOrderCreateEvent", None):
        assert_line(render(failure), MAX_LINE_CHARS, "envelope")
    assert len(summary([event])) <= 400  # shown inside a failure's note, which render() makes printable
    inner = event.body.get("event") if isinstance(event.body, dict) else None
    order = inner.get("productOrder") if isinstance(inner, dict) else None
    assert event.order_id == (order.get("id") if isinstance(order, dict) else None)


class BreakingStream(io.BytesIO):
    """A response stream that breaks after its bytes (a reset connection, a bad chunk)."""

    def __init__(self, body: bytes, why: str) -> None:
        super().__init__(body)
        self.why = why

    def read(self, size: int | None = -1) -> bytes:
        if chunk := super().read(size):
            return chunk
        raise requests.exceptions.ChunkedEncodingError(self.why)


class ScriptedSession(requests.Session):
    """A session that answers without a network: the drawn status, headers and (breaking) body."""

    def __init__(self, reply: Reply, breaks: str | None) -> None:
        super().__init__()
        self.reply, self.breaks = reply, breaks

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        response = requests.Response()
        response.status_code = self.reply.status
        response.headers.update(self.reply.headers)
        body = self.reply.body
        response.raw = io.BytesIO(body) if self.breaks is None else BreakingStream(body, self.breaks)
        response.request = self.prepare_request(requests.Request(str(method), str(url)))  # runs self.auth
        return response


@fuzz_settings(120)
@given(reply=replies_for("GET", False), breaks=st.none() | strings, limit=st.sampled_from((0, 10, 1 << 20)))
@example(reply=Reply(200, {"Content-Length": "²"}, b"0123456789+"), breaks=None, limit=10)  # int("²")
@example(reply=Reply(200, {}, b"{}"), breaks="\x1b[2J\x00", limit=10)  # raw bytes in the error
def test_the_client_records_any_response_without_raising(
    reply: Reply, breaks: str | None, limit: int
) -> None:
    client = HttpClient(ScriptedSession(reply, breaks), Limits(1.0, 1.0, max_body_bytes=limit))
    exchange = client.send("GET", BASE_URL, {"Accept": "application/json"})
    assert exchange.status == reply.status
    assert len(exchange.body) <= limit
    if exchange.error is not None:
        assert_line(exchange.error, 300, "transport error")
    assert isinstance(exchange.text, str)


@fuzz_settings(100)
@given(data=st.data(), creates=st.integers(1, 3), enabled=st.booleans())
def test_the_cleanup_reads_any_create_answer_and_reports_any_delete_answer(
    data: st.DataObject, creates: int, enabled: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    report = cleaned_up(FakeServer(data), creates, enabled)
    assert_reports(None, tmp_path_factory.getbasetemp() / "cleanup", cleanup=report)


SECRET = "s3cret-client-value"
token_fields = st.fixed_dictionaries(
    {},
    optional={
        "access_token": st.just("t0ken-value") | strings | json_values,
        "token_type": st.sampled_from(("bearer", "Bearer", "mac")) | json_values,
        "expires_in": st.sampled_from((3600, "3600", 10**400, "nan", "-inf", "1e999", -5)) | json_values,
        "error": st.just(f"bad secret {SECRET}") | strings | json_values,
        "error_description": strings | json_values,
    },
)
token_replies = st.builds(
    Reply,
    status=st.sampled_from((200, 400, 401)) | st.integers(100, 599),
    headers=st.just({"Content-Type": "application/json"}) | headers,
    body=token_fields.map(encode) | bodies,
)


@fuzz_settings(100)
@given(token_reply=token_replies, reply=replies_for("GET", False))
@example(
    token_reply=Reply(200, JSON, encode({"access_token": "t", "expires_in": 10**400})),
    reply=Reply(200, {}, b""),
)
@example(token_reply=Reply(200, JSON, EXTREME_BODIES[0]), reply=Reply(200, {}, b""))  # 100,000 nested arrays
@example(token_reply=Reply(400, JSON, EXTREME_BODIES[0]), reply=Reply(200, {}, b""))
def test_any_token_endpoint_answer_gives_a_token_or_a_one_line_auth_error(
    token_reply: Reply, reply: Reply
) -> None:
    session = ScriptedSession(reply, None)
    config = OAuth2Config("https://auth.invalid/token", "ctk", Secret("TMF622_CLIENT_SECRET", SECRET))
    session.auth = OAuth2ClientCredentials(config, ScriptedSession(token_reply, None), clock=lambda: 0.0)
    exchange = HttpClient(session).send("GET", BASE_URL, {})
    if exchange.error is None:
        assert exchange.status == reply.status
    else:
        assert exchange.error.startswith("auth error: "), exchange.error
        assert_line(exchange.error, 300, "auth error")
        assert SECRET not in exchange.error
