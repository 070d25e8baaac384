"""Checks a certifier wants and no kit has: unsupported methods, cancelling what does not exist, the
swagger's Error attribute types, and filters on values no order has. Probes and checks together."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from ctk_suite.core.failures import describe
from ctk_suite.kits.extended.records import Blocked, Evidence, Sent, Unmet
from ctk_suite.kits.extended.run import check, probe
from ctk_suite.kits.extended.v4.probes import CANCEL, ORDER, ORDERS, order_path, unknown_id
from ctk_suite.kits.extended.verdicts import Failures, error_response, json_array, refused, responded, status

if TYPE_CHECKING:
    from ctk_suite.kits.extended.run import ExtendedRun

#: Values no order can hold: not a ProductOrderStateType, not a date-time.
UNKNOWN_FILTERS = {"state": "state=tmf622-ctk-not-a-state", "orderDate": "orderDate=tmf622-ctk-not-a-date"}
#: TMF622 v4 swagger, definition Error: every attribute is a string (`code` and `reason` required).
ERROR_ATTRIBUTES = (
    "code",
    "reason",
    "message",
    "status",
    "referenceError",
    "@baseType",
    "@schemaLocation",
    "@type",
)
ERROR_REQUIRED = ("code", "reason")
#: The probes whose answers ERROR-TYPES reads (the refusals and not-founds of the run).
ERROR_PROBES = ("notFound", "negative", "unknownFilter", "methodNotAllowed", "cancelUnknown")


@probe("unknownFilter")
def unknown_filter(run: ExtendedRun) -> Evidence:
    """First-level filters on values no order holds."""
    sent = {
        k: run.send(f"filter {q}", "GET", f"productOrder?{q}", expects=ORDERS)
        for k, q in UNKNOWN_FILTERS.items()
    }
    return Evidence(sent)


@probe("methodNotAllowed")
def method_not_allowed(run: ExtendedRun) -> Evidence:
    """PUT, which TMF622 v4 does not define, on an order id that does not exist (nothing to replace)."""
    sent = run.send("unsupported method", "PUT", order_path(unknown_id()), body={}, expects=ORDER)
    return Evidence({"put": sent})


@probe("cancelUnknown")
def cancel_unknown(run: ExtendedRun) -> Evidence:
    """POST /cancelProductOrder naming an order that does not exist."""
    body = {
        "productOrder": {"id": unknown_id(), "@referredType": "ProductOrder"},
        "cancellationReason": "tmf622-ctk extended check: this order does not exist",
    }
    return Evidence(
        {
            "cancel": run.send(
                "cancel an unknown order", "POST", "cancelProductOrder", body=body, expects=CANCEL
            )
        }
    )


@check("TMF622B-M-FILTER-UNKNOWN")
def filter_unknown(run: ExtendedRun) -> Failures:
    evidence = run.probe("unknownFilter")
    return [failure for key in UNKNOWN_FILTERS for failure in no_match(evidence[key])]


def no_match(sent: Sent) -> Failures:
    """An empty list (no order holds the value), or a 4xx refusal with an Error; never a 5xx."""
    if missing := responded(sent):
        return missing
    if sent.status is not None and 400 <= sent.status < 500:
        return error_response(sent)
    if sent.status != 200:
        return [sent.fail("status", "HTTP 200 with an empty list, or a 4xx refusal", f"HTTP {sent.status}")]
    if problems := json_array(sent):
        return problems
    return [] if sent.json == [] else [sent.fail("$", "an empty array", describe(sent.json))]


@check("TMF622-v4-METHOD-405")
def method_405(run: ExtendedRun) -> Failures:
    sent = run.probe("methodNotAllowed")["put"]
    if problems := status(sent, 405):
        return problems
    allow = (
        []
        if sent.exchange.header("Allow") is not None
        else [sent.fail("header Allow", "the allowed methods", "no such header")]
    )
    return allow + error_response(sent)


@check("TMF622-v4-CANCEL-UNKNOWN")
def cancel_unknown_refused(run: ExtendedRun) -> Failures:
    return refused(run.probe("cancelUnknown")["cancel"])


@check("TMF622-v4-ERROR-TYPES")
def error_types(run: ExtendedRun) -> Failures:
    answers: list[Sent] = []
    for name in ERROR_PROBES:
        with contextlib.suppress(Blocked):  # a probe that could not run has no answer to judge
            evidence = run.probe(name)
            answers += [evidence[key] for key in evidence.sent]
    errors = [
        sent
        for sent in answers
        if sent.status is not None and sent.status >= 400 and isinstance(sent.json, dict)
    ]
    if not errors:
        raise Unmet("no error answer with a JSON object body to check")
    return [failure for sent in errors for failure in typed_error(sent, sent.json)]


def typed_error(sent: Sent, body: dict[str, Any]) -> Failures:
    """Each Error attribute present is a string, and code and reason are present."""
    missing = [
        sent.fail(f"$.{name}", "a string (required)", "absent") for name in ERROR_REQUIRED if name not in body
    ]
    wrong = [
        sent.fail(
            f"$.{name}" if name.isidentifier() else f'$["{name}"]',
            "a string (swagger Error)",
            describe(body[name]),
        )
        for name in ERROR_ATTRIBUTES
        if name in body and not isinstance(body[name], str)
    ]
    return missing + wrong
