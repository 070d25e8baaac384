"""The extended engine never passes without evidence: blocked flows, dead servers, broken checks."""

from __future__ import annotations

import pytest
from aiohttp import web

import ctk_suite.kits.extended.versions  # noqa: F401 - registers every version's probes and checks
from ctk_suite.core.failures import NotRun
from ctk_suite.engine.records import KitInfo
from ctk_suite.kits.extended import run as registry
from ctk_suite.kits.extended.catalogue import load_catalogue
from ctk_suite.kits.extended.evidence import BodySchema
from ctk_suite.kits.extended.schemas import violations
from tests.support.app_thread import serving_app
from tests.support.ctk_helpers import closed_port_url
from tests.support.extended_helpers import failing, run_extended
from tests.support.fakes.v4 import EXTENDED, serving


def test_without_an_order_id_the_dependent_checks_say_why() -> None:
    with serving("create_500", config=EXTENDED) as (url, _):
        results = run_extended(url, event_timeout_s=0.5)
    reasons = failing(results)
    assert reasons["TMF622B-M-POST-201"].endswith("status: expected HTTP 201, seen HTTP 500")
    # The engine gets the failure as a value (where, expected, seen, kind); its reason names the request.
    kit = KitInfo("extended-4.0.0", "extended", "4.0.0", "TMF622 extended conformance", official=False)
    [assertion] = results["TMF622B-M-POST-201"].unit(url, kit).assertions
    failure = assertion.failures[0]
    assert (failure.where, failure.expected, failure.seen) == ("status", "HTTP 201", "HTTP 500")
    assert failure.request == "POST /productOrder (create)"
    assert assertion.reason == reasons["TMF622B-M-POST-201"]
    assert assertion.reason.startswith("POST /productOrder (create): status: ")
    # A missing precondition: not run, with the reason (issue 9), not failed.
    blocked = "not run: POST /productOrder (create) answered HTTP 500 without an order id"
    assert results["TMF622B-M-FILTER-ID"].not_run == NotRun(blocked)
    assert "TMF622B-M-FILTER-ID" not in reasons
    assert results["TMF622B-O-DELETE-204"].not_run == NotRun(
        "not run: POST /productOrder (order to delete) answered HTTP 500 without an order id"
    )


def test_a_dead_server_fails_every_check_with_a_reason() -> None:
    results = run_extended(closed_port_url(), event_timeout_s=0.2)
    reasons = failing(results)
    not_run = {rule_id for rule_id, result in results.items() if result.not_run}
    assert set(reasons) | not_run == set(results)  # nothing passes
    assert all(reason for reason in reasons.values())
    assert "no response: " in reasons["TMF622B-M-POST-201"]
    assert results["TMF622-v4-EVENT-CREATE"].reason.startswith("not run: ")  # type: ignore[union-attr]
    assert results["TMF622-v4-EVENT-CREATE"].failures == ()


def test_a_crashing_check_fails_and_the_run_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(run: object) -> list[object]:
        raise ZeroDivisionError("boom")

    monkeypatch.setitem(registry.CHECKS._entries, "TMF622B-M-GET-200", broken)
    with serving(config=EXTENDED) as (url, _):
        reasons = failing(run_extended(url))
    assert reasons == {"TMF622B-M-GET-200": "check TMF622B-M-GET-200 crashed: ZeroDivisionError: boom"}


def test_a_check_that_reads_no_response_does_not_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.CHECKS._entries, "TMF622B-M-GET-200", lambda run: [])
    with serving(config=EXTENDED) as (url, _):
        reasons = failing(run_extended(url))
    assert reasons == {"TMF622B-M-GET-200": "check TMF622B-M-GET-200 examined no response"}


def test_results_name_the_request_the_check_reads_first() -> None:
    with serving(config=EXTENDED) as (url, _):
        results = run_extended(url)
    first = {rule_id: r.sent[0].request for rule_id, r in results.items()}
    assert first["TMF622B-M-FIELDS-RETRIEVE"].startswith("GET /productOrder/po-2?fields=orderDate,state")
    assert first["TMF622B-M-FILTER-ID"] == "GET /productOrder?id=po-2 (filter id=po-2)"
    assert first["TMF622-v4-HUB-DELETE"].startswith("DELETE /hub/")
    assert [r.rule.id for r in results.values()] == [r.id for r in load_catalogue().rules]


def test_schema_violations_name_the_path_and_the_keyword() -> None:
    order = {"id": "1", "productOrderItem": [{"id": "1", "action": "explode"}], "orderDate": "today"}
    found = list(violations([order], BodySchema("ProductOrder", many=True)))
    assert ("$[0].orderDate", "ProductOrder (format)", "'today' is not a 'date-time'") in found
    assert any(
        path == "$[0].productOrderItem[0].action" and rule == "ProductOrder (enum)" for path, rule, _ in found
    )
    # A ?fields= answer may leave out required attributes, but what it holds is still checked.
    assert list(violations({"id": "1"}, BodySchema("ProductOrder", partial=True))) == []
    assert list(violations({"id": "1"}, BodySchema("ProductOrder"))) == [
        ("$", "ProductOrder (required)", "'productOrderItem' is a required property")
    ]
    (where, rule, _), *others = violations({"orderDate": 1}, BodySchema("ProductOrder", partial=True))
    assert (where, rule, others) == ("$.orderDate", "ProductOrder (type)", [])
    assert list(violations({}, BodySchema("ProductOrder", many=True))) == [
        ("$", "ProductOrder list (type)", "the body is not an array")
    ]


def answering(status: int, body: bytes, content_type: str) -> web.Application:
    """A server that gives the same answer to every request."""

    async def handle(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=status, body=body, content_type=content_type)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


JSON_ONLY = {"TMF622-v4-JSON-M", "TMF622-v4-JSON-O"}
ORDER = b'{"id": "x", "href": "h", "state": "acknowledged", "orderDate": "2026-11-27T10:00:00Z"}'


@pytest.mark.parametrize(
    ("status", "body", "content_type", "holds"),
    [
        (200, b"<html><body>maintenance</body></html>", "text/html", set()),
        (200, b'[1, "two", null, {"id": 4}]', "application/json", JSON_ONLY),
        (200, b"\xff\xfe not utf-8", "application/json", JSON_ONLY),
        # One order-like answer to everything: only rules about that one answer can hold.
        (201, ORDER, "application/json", {*JSON_ONLY, "TMF622B-M-POST-201", "TMF622B-M-ATTRS"}),
    ],
)
def test_a_server_answering_nonsense_passes_no_other_check(
    status: int, body: bytes, content_type: str, holds: set[str]
) -> None:
    with serving_app(answering(status, body, content_type)) as url:
        results = run_extended(url, event_timeout_s=0.2)
    reasons = failing(results)
    assert {rule_id for rule_id, result in results.items() if result.passed and not result.not_run} == holds
    assert not [r for r in reasons.values() if "crashed" in r]
