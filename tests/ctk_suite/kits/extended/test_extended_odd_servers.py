"""The extended level against servers that implement TMF622 differently from our mock (issue 9, section 3).

A missing precondition makes a check not run (with the reason), never failed or passed; the fields checks
select what the created order holds; paging accepts TMF630's 206 and checks the Link header; and the new
checks (unknown filter value, unsupported method, unknown cancellation, Error attribute types) each pass
on the conforming fake and fail on a broken one, with the failure named.
"""

from __future__ import annotations

import pytest

import ctk_suite.kits.extended.versions  # noqa: F401 - registers every version's probes and checks
from ctk_suite.core.failures import Kind, NotRun
from ctk_suite.core.levels import Level
from ctk_suite.engine.records import KitInfo, Verdict
from ctk_suite.engine.results import tally
from ctk_suite.http.exchange import Exchange
from ctk_suite.kits.extended.catalogue import load_catalogue
from ctk_suite.kits.extended.evidence import CheckResult, Sent
from ctk_suite.kits.extended.paging import links, partial_agrees
from ctk_suite.kits.extended.run import PROBES
from tests.support.extended_helpers import run_extended
from tests.support.fakes.v4 import EXTENDED, serving

KIT = KitInfo("extended-4.0.0", "extended", "4.0.0", "TMF622 extended conformance", official=False)
NEW_CHECKS = (
    "TMF622B-M-FILTER-UNKNOWN",
    "TMF622-v4-METHOD-405",
    "TMF622-v4-CANCEL-UNKNOWN",
    "TMF622-v4-ERROR-TYPES",
)


@pytest.fixture(scope="module")
def conforming() -> dict[str, CheckResult]:
    with serving(config=EXTENDED) as (url, _):
        return run_extended(url, event_timeout_s=2.0)


def run_with(*faults: str) -> dict[str, CheckResult]:
    with serving(*faults, config=EXTENDED) as (url, _):
        return run_extended(url, event_timeout_s=0.5)


def test_a_missing_state_makes_the_state_filters_not_run_with_the_reason() -> None:
    results = run_with("no_state")
    for rule_id in ("TMF622B-M-FILTER-ATTR", "TMF622B-M-FILTER-AND"):
        result = results[rule_id]
        assert result.failures == ()
        assert result.not_run == NotRun("not run: the created order has no state to filter on")
        assert result.not_run.label == "not run"  # a precondition failed: not "not applicable"
    assert results["TMF622B-M-ATTRS"].failures  # the check about the state itself does fail


def test_a_not_run_check_is_reported_and_counted_apart() -> None:
    results = run_with("no_state")
    units = [
        results[rule.id].unit("http://h/", KIT)
        for rule in load_catalogue().at_level(Level.EXTENDED_MANDATORY)
    ]
    [assertion] = next(u for u in units if u.group == "TMF622B-M-FILTER-AND").assertions
    assert (assertion.verdict, assertion.kind, assertion.reason) == (
        Verdict.NOT_RUN,
        Kind.PRECONDITION,
        "not run: the created order has no state to filter on",
    )
    outcome = tally("extended-mandatory", "extended mandatory 4.0.0", units)
    assert (outcome.not_run, outcome.failed, outcome.evaluated) == (2, 1, len(units) - 2)
    judged = f"judged {len(units) - 2} of {len(units)} ({100 * (len(units) - 2) // len(units)}%)"
    assert outcome.line() == (
        f"extended mandatory 4.0.0: fail ({len(units) - 3}/{len(units) - 2}, 2 not run: {judged})"
    )


def test_without_an_order_id_the_checks_that_need_one_are_not_run() -> None:
    results = run_with("create_500")
    assert results["TMF622B-M-POST-201"].failures
    assert results["TMF622B-M-GET-200"].not_run == NotRun(
        "not run: POST /productOrder (create) answered HTTP 500 without an order id"
    )
    assert results["TMF622B-M-GET-404"].passed  # what needs no order is still judged


@pytest.fixture
def crashing_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(run: object) -> None:
        raise RuntimeError("bug")

    original = PROBES.get
    monkeypatch.setattr(PROBES, "get", lambda name: crash if name == "filterState" else original(name))


def test_a_crashing_probe_fails_its_checks_it_does_not_skip_them(crashing_probe: None) -> None:
    results = run_with()
    [failure] = results["TMF622B-M-FILTER-ATTR"].failures
    assert (failure.note, failure.kind, results["TMF622B-M-FILTER-ATTR"].not_run) == (
        "probe filterState crashed: RuntimeError: bug",
        Kind.INTERNAL,
        None,
    )


def test_the_fields_checks_select_attributes_the_created_order_holds() -> None:
    results = run_with("no_state")
    for rule_id in ("TMF622B-M-FIELDS-LIST", "TMF622B-M-FIELDS-RETRIEVE"):
        assert results[rule_id].passed, results[rule_id].reason
        assert "fields=orderDate,productOrderItem" in results[rule_id].sent[0].path


def test_paging_accepts_206_partial_pages_with_a_link_header() -> None:
    results = run_with("partial_206")
    assert {rule_id: r.reason for rule_id, r in results.items() if not r.passed or r.not_run} == {}
    page = results["TMF630-O-PAGING"].sent[0]
    assert (page.status, page.exchange.header("Link") is not None) == (206, True)


def test_a_malformed_link_header_fails_paging() -> None:
    failures = run_with("bad_link")["TMF630-O-PAGING"].failures
    assert len(failures) == 3  # one per page
    assert {(f.where, f.expected) for f in failures} == {("header Link", '<uri>; rel="next", ... (RFC 8288)')}


def _page(status: int, count: int, total: str, link: str | None = None) -> Sent:
    headers = {"X-Total-Count": total, **({"Link": link} if link else {})}
    body = ("[" + ",".join(['{"id": "x"}'] * count) + "]").encode()
    exchange = Exchange(
        "GET", "http://h/productOrder", {}, None, status=status, response_headers=headers, kept=body
    )
    return Sent("page", "productOrder?limit=2", exchange, None)


@pytest.mark.parametrize(
    ("sent", "problem"),
    [
        (_page(206, 2, "5"), None),
        (_page(200, 2, "2"), None),
        (_page(206, 2, "2"), "HTTP 206 with all 2 orders of the collection"),
    ],
)
def test_206_is_only_for_a_partial_page(sent: Sent, problem: str | None) -> None:
    assert [f.seen for f in partial_agrees(sent)] == ([problem] if problem else [])


@pytest.mark.parametrize(
    ("link", "well_formed"),
    [
        ('<http://h/productOrder?offset=2&limit=2>; rel="next"', True),
        ('<http://h/p?offset=2>; rel="next", <http://h/p?offset=0>; rel=prev; title="a, b"', True),
        ("<http://h/p?offset=2>", False),  # no rel
        ("http://h/p?offset=2; rel=next", False),  # no <...>
    ],
)
def test_link_headers_are_read_as_rfc_8288_says(link: str, well_formed: bool) -> None:
    assert (links(_page(206, 2, "5", link)) == []) is well_formed


def test_the_new_checks_pass_on_a_conforming_server(conforming: dict[str, CheckResult]) -> None:
    assert {rule_id: conforming[rule_id].reason for rule_id in NEW_CHECKS} == dict.fromkeys(NEW_CHECKS)
    assert [conforming[rule_id].sent[0].exchange.method for rule_id in NEW_CHECKS[:3]] == [
        "GET",
        "PUT",
        "POST",
    ]


@pytest.mark.parametrize(
    ("fault", "rule_id", "reason"),
    [
        (
            "unknown_filter_500",
            "TMF622B-M-FILTER-UNKNOWN",
            "GET /productOrder?state=tmf622-ctk-not-a-state (filter state=tmf622-ctk-not-a-state): status: "
            "expected HTTP 200 with an empty list, or a 4xx refusal, seen HTTP 500",
        ),
        (
            "method_405_html",
            "TMF622-v4-METHOD-405",
            "(unsupported method): body is not JSON: 405: Method Not Allowed",
        ),
        (
            "cancel_unknown_201",
            "TMF622-v4-CANCEL-UNKNOWN",
            "POST /cancelProductOrder (cancel an unknown order): status: expected a 4xx refusal, "
            "seen HTTP 201",
        ),
        (
            "error_status_number",
            "TMF622-v4-ERROR-TYPES",
            "$.status: expected a string (swagger Error), seen a number 404",
        ),
    ],
)
def test_each_new_check_fails_on_the_server_that_breaks_its_rule(
    fault: str, rule_id: str, reason: str
) -> None:
    result = run_with(fault)[rule_id]
    assert result.failures
    assert reason in (result.reason or "")
