"""Checks of the mandatory extended rules (TMF622B: ProductOrder GET and POST, fields, filters)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ctk_suite.core.failures import describe
from ctk_suite.kits.extended.records import Blocked, Sent
from ctk_suite.kits.extended.run import check
from ctk_suite.kits.extended.sweeps import json_sweep, schema_sweep
from ctk_suite.kits.extended.v4.probes import ALWAYS_RETURNED, created
from ctk_suite.kits.extended.verdicts import (
    Failures,
    attribute,
    equal,
    json_array,
    json_object,
    kind,
    listed,
    not_found,
    records,
    refused,
    status,
)

if TYPE_CHECKING:
    from ctk_suite.kits.extended.run import ExtendedRun

#: TMF622B: "M (in response messages)" attributes of a ProductOrder.
RESPONSE_ATTRIBUTES = ("id", "href", "orderDate", "state")
MANDATORY_PROBES = ("create", "retrieve", "fields", "filterId", "filterState", "notFound", "negative")


@check("TMF622B-M-POST-201")
def post_201(run: ExtendedRun) -> Failures:
    sent = run.probe("create")["create"]
    return status(sent, 201) + json_object(sent)


@check("TMF622B-M-POST-LOCATION")
def post_location(run: ExtendedRun) -> Failures:
    return kind(run.probe("create")["create"], "location_matches_href")


def response_attributes(sent: Sent) -> Failures:
    """Each TMF622B response attribute is a non-empty string."""
    if problems := json_object(sent):
        return problems
    return [
        sent.fail(f"$.{name}", "a non-empty string", describe(value))
        for name in RESPONSE_ATTRIBUTES
        if not isinstance(value := attribute(sent.json, name), str) or not value
    ]


@check("TMF622B-M-ATTRS")
def response_attrs(run: ExtendedRun) -> Failures:
    on_create = response_attributes(run.probe("create")["create"])
    try:
        return on_create + response_attributes(run.probe("retrieve")["retrieve"])
    except Blocked:
        if on_create:  # the create's own answer lacks them: that fails, whatever the retrieve could do
            return on_create
        raise


@check("TMF622B-M-GET-200")
def get_200(run: ExtendedRun) -> Failures:
    evidence = run.probe("retrieve")
    sent, order = evidence["retrieve"], evidence.values["order"]
    if problems := status(sent, 200) or json_object(sent):
        return problems
    return [
        failure
        for name in ("id", "href")
        for failure in equal(sent, f"$.{name}", attribute(sent.json, name), attribute(order, name))
    ]


@check("TMF622B-M-GET-404")
def get_404(run: ExtendedRun) -> Failures:
    return not_found(run.probe("notFound")["get"])


def selected_only(sent: Sent, where: str, instance: Any, chosen: tuple[str, ...], whole: bool) -> Failures:
    """The instance holds nothing beyond the selected attributes, id and href; and, when `whole` (the
    created order, which holds them all), every selected attribute."""
    if not isinstance(instance, dict):
        return [sent.fail(where, "an object", describe(instance))]
    allowed = ALWAYS_RETURNED | set(chosen)
    failures = [
        sent.fail(f"{where}.{name}", "a selected attribute", "absent")
        for name in chosen
        if whole and name not in instance
    ]
    if extra := sorted(set(instance) - allowed):
        failures.append(sent.fail(where, f"only {', '.join(sorted(allowed))}", f"also {', '.join(extra)}"))
    return failures


@check("TMF622B-M-FIELDS-LIST")
def fields_list(run: ExtendedRun) -> Failures:
    evidence = run.probe("fields")
    sent, chosen, order_id = evidence["list"], evidence.values["fields"], evidence.values["order"]["id"]
    if problems := status(sent, 200) or json_array(sent):
        return problems
    if not sent.json:
        return [sent.fail("$", "at least the created order", "an empty array")]
    return [
        failure
        for where, item in records(sent)
        for failure in selected_only(sent, where, item, chosen, attribute(item, "id") == order_id)
    ]


@check("TMF622B-M-FIELDS-RETRIEVE")
def fields_retrieve(run: ExtendedRun) -> Failures:
    evidence = run.probe("fields")
    sent, chosen = evidence["retrieve"], evidence.values["fields"]
    if problems := status(sent, 200) or json_object(sent):
        return problems
    same = equal(sent, "$.id", attribute(sent.json, "id"), evidence.values["order"]["id"])
    return selected_only(sent, "$", sent.json, chosen, whole=True) + same


def every(sent: Sent, name: str, expected: Any) -> Failures:
    """Every order of the list answer has `name` equal to `expected`."""
    return [
        sent.fail(f"{where}.{name}", describe(expected), describe(value))
        for where, item in records(sent)
        if (value := attribute(item, name)) != expected
    ]


def list_answer(sent: Sent) -> Failures:
    return status(sent, 200) or json_array(sent)


@check("TMF622B-M-FILTER-ID")
def filter_id(run: ExtendedRun) -> Failures:
    sent, order = run.probe("filterId")["id"], created(run)
    return list_answer(sent) or listed(sent, order["id"]) + every(sent, "id", order["id"])


@check("TMF622B-M-FILTER-ATTR")
def filter_attribute(run: ExtendedRun) -> Failures:
    evidence = run.probe("filterState")
    sent, state = evidence["state"], evidence.values["state"]
    if problems := list_answer(sent):
        return problems
    if not sent.json:
        return [sent.fail("$", f"at least the created order (state {state})", "an empty array")]
    return every(sent, "state", state)


def none_listed(sent: Sent) -> Failures:
    """The list answer is empty."""
    return list_answer(sent) or (
        [] if sent.json == [] else [sent.fail("$", "an empty array", describe(sent.json))]
    )


@check("TMF622B-M-FILTER-AND")
def filter_and(run: ExtendedRun) -> Failures:
    evidence = run.probe("filterState")
    both, order = evidence["and"], evidence.values["order"]
    matching = list_answer(both) or listed(both, order["id"]) + every(both, "state", evidence.values["state"])
    return matching + none_listed(evidence["andOther"])


@check("TMF622B-M-POST-NO-ITEM")
def post_no_item(run: ExtendedRun) -> Failures:
    return refused(run.probe("negative")["noItem"])


@check("TMF622B-M-POST-BAD-ACTION")
def post_bad_action(run: ExtendedRun) -> Failures:
    return refused(run.probe("negative")["badAction"])


@check("TMF622-v4-POST-MALFORMED")
def post_malformed(run: ExtendedRun) -> Failures:
    return refused(run.probe("negative")["malformed"])


@check("TMF622-v4-SCHEMA-M")
def schemas_mandatory(run: ExtendedRun) -> Failures:
    return schema_sweep(run, MANDATORY_PROBES)


@check("TMF622-v4-JSON-M")
def json_mandatory(run: ExtendedRun) -> Failures:
    return json_sweep(run, MANDATORY_PROBES)
