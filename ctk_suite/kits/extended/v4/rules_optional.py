"""Checks of the optional extended rules: paging, sub-resource filters, PATCH, DELETE, cancel, hub, events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ctk_suite.core.failures import Failure, clip, describe
from ctk_suite.kits.extended.listener import ReceivedEvent
from ctk_suite.kits.extended.paging import links, page_answer, partial_agrees
from ctk_suite.kits.extended.records import BodySchema, Sent
from ctk_suite.kits.extended.run import check
from ctk_suite.kits.extended.schemas import violations
from ctk_suite.kits.extended.sweeps import json_sweep, schema_sweep
from ctk_suite.kits.extended.v4.probes import CHANGE_EVENT, CREATE_EVENT
from ctk_suite.kits.extended.v4.rules_mandatory import every, list_answer, none_listed
from ctk_suite.kits.extended.verdicts import (
    Failures,
    attribute,
    equal,
    json_object,
    listed,
    not_found,
    status,
)

if TYPE_CHECKING:
    from ctk_suite.kits.extended.run import ExtendedRun

OPTIONAL_PROBES = (
    "paging",
    "subFilter",
    "patch",
    "patchUnknown",
    "delete",
    "deleteUnknown",
    "cancel",
    "subscribe",
    "events",
    "unsubscribe",
)


def count_header(sent: Sent, name: str) -> tuple[int | None, Failures]:
    """The integer value of header `name`, or the failure saying why there is none."""
    value = next((v for k, v in sent.exchange.response_headers.items() if k.lower() == name.lower()), None)
    if value is not None and value.strip().isascii() and value.strip().isdigit():  # not "²": int() refuses it
        return int(value), []
    seen = "no such header" if value is None else f"{clip(value, 40)!r}"
    return None, [sent.fail(f"header {name}", "a non-negative integer", seen)]


def counts_agree(sent: Sent, total_exactly: int | None = None) -> Failures:
    """X-Result-Count is the number of items; X-Total-Count is at least that (or exactly `total_exactly`)."""
    if problems := page_answer(sent):
        return problems
    result, failures = count_header(sent, "X-Result-Count")
    total, missing = count_header(sent, "X-Total-Count")
    failures += missing
    if result is not None:
        failures += equal(sent, "header X-Result-Count", result, len(sent.json))
    if total is not None and total_exactly is not None:
        failures += equal(sent, "header X-Total-Count", total, total_exactly)
    elif total is not None and result is not None and total < result:
        failures.append(sent.fail("header X-Total-Count", f"at least X-Result-Count ({result})", str(total)))
    return failures


@check("TMF630-O-COUNT-HEADERS")
def count_headers(run: ExtendedRun) -> Failures:
    pages = run.probe("paging")
    lists = [pages["page"], pages["limit"], pages["next"], run.probe("fields")["list"]]
    by_id = counts_agree(run.probe("filterId")["id"], total_exactly=1)
    return [failure for sent in lists for failure in counts_agree(sent)] + by_id


def sized(sent: Sent, size: int) -> Failures:
    """A page of exactly `size` orders, whose status says whether it is the whole collection."""
    if problems := page_answer(sent):
        return problems
    return equal(sent, "$ (number of orders)", len(sent.json), size) + partial_agrees(sent) + links(sent)


@check("TMF630-O-PAGING")
def paging(run: ExtendedRun) -> Failures:
    pages = run.probe("paging")
    page, limit, moved = pages["page"], pages["limit"], pages["next"]
    failures = sized(page, 2) + sized(limit, 1) + sized(moved, 1)
    if failures:
        return failures
    second, shown = attribute(page.json[1], "id"), attribute(moved.json[0], "id")
    return (
        []
        if shown == second
        else [moved.fail("$[0].id", f"the second order of {page.path}, {second}", describe(shown))]
    )


@check("TMF622B-O-FILTER-SUB")
def filter_sub(run: ExtendedRun) -> Failures:
    evidence = run.probe("subFilter")
    hit, order_id = evidence["hit"], evidence.values["order"]["id"]
    matching = list_answer(hit) or listed(hit, order_id) + every(hit, "id", order_id)
    return matching + none_listed(evidence["miss"])


def item_keys(order: Any) -> list[tuple[Any, Any]]:
    """(id, action) of each item: what a description patch must leave alone."""
    items = attribute(order, "productOrderItem")
    return [(attribute(i, "id"), attribute(i, "action")) for i in items] if isinstance(items, list) else []


@check("TMF622B-O-PATCH-MERGE")
def patch_merge(run: ExtendedRun) -> Failures:
    evidence = run.probe("patch")
    patched, read_back = evidence["patch"], evidence["readBack"]
    order, description = evidence.values["order"], evidence.values["description"]
    if problems := status(patched, 200) or json_object(patched):
        return problems
    body = patched.json
    failures = equal(patched, "$.description", attribute(body, "description"), description)
    for name in ("id", "href"):
        failures += equal(patched, f"$.{name}", attribute(body, name), attribute(order, name))
    failures += equal(patched, "$.productOrderItem (id, action)", item_keys(body), item_keys(order))
    read = status(read_back, 200) or json_object(read_back)
    return failures + (
        read or equal(read_back, "$.description", attribute(read_back.json, "description"), description)
    )


@check("TMF622B-O-PATCH-404")
def patch_404(run: ExtendedRun) -> Failures:
    return not_found(run.probe("patchUnknown")["patch"])


def no_body(sent: Sent) -> Failures:
    size = sent.exchange.size
    return [] if size == 0 else [sent.fail("$", "no body", f"{size} bytes")]


@check("TMF622B-O-DELETE-204")
def delete_204(run: ExtendedRun) -> Failures:
    evidence = run.probe("delete")
    deleted = evidence["delete"]
    return (status(deleted, 204) or no_body(deleted)) + status(evidence["readBack"], 404)


@check("TMF622B-O-DELETE-404")
def delete_404(run: ExtendedRun) -> Failures:
    return not_found(run.probe("deleteUnknown")["delete"])


def non_empty_strings(sent: Sent, names: tuple[str, ...]) -> Failures:
    return [
        sent.fail(f"$.{name}", "a non-empty string", describe(value))
        for name in names
        if not isinstance(value := attribute(sent.json, name), str) or not value
    ]


@check("TMF622-v4-CANCEL-201")
def cancel_201(run: ExtendedRun) -> Failures:
    evidence = run.probe("cancel")
    task, order_id = evidence["cancel"], evidence.values["order"]["id"]
    if problems := status(task, 201) or json_object(task):
        return problems
    failures = non_empty_strings(task, ("id", "href", "state"))
    failures += equal(
        task, "$.productOrder.id", attribute(attribute(task.json, "productOrder"), "id"), order_id
    )
    if "retrieve" not in evidence.sent:
        return [*failures, task.note("no cancelProductOrder id to retrieve it by")]
    retrieved = evidence["retrieve"]
    read = status(retrieved, 200) or json_object(retrieved)
    return failures + (read or equal(retrieved, "$.id", attribute(retrieved.json, "id"), task.json["id"]))


@check("TMF622-v4-HUB-201")
def hub_201(run: ExtendedRun) -> Failures:
    evidence = run.probe("subscribe")
    sent = evidence["hub"]
    if problems := status(sent, 201) or json_object(sent):
        return problems
    callback = attribute(sent.json, "callback")
    return non_empty_strings(sent, ("id",)) + equal(sent, "$.callback", callback, evidence.values["callback"])


def summary(events: list[ReceivedEvent]) -> str:
    """What did arrive, to tell a wrong path or a wrong order from no notification at all."""
    if not events:
        return "no notification at all"
    shown = [f"{e.path} ({attribute(e.body, 'eventType')}, order {e.order_id})" for e in events[:4]]
    return clip("; ".join(shown) + (f"; and {len(events) - 4} more" if len(events) > 4 else ""), 400)


def event_failures(run: ExtendedRun, name: str, extra: tuple[str, Any] | None = None) -> Failures:
    """The event posted to `listener/<name>` about the notified order, and its envelope."""
    evidence = run.probe("events")
    order_id, event = evidence.values["order"]["id"], evidence.values[name]
    if not isinstance(event, ReceivedEvent):
        timeout = run.listener_settings.timeout_s
        return [
            Failure(
                request=f"POST <callback>/listener/{name}",
                note=f"no event about order {order_id} arrived within {timeout:g} s; "
                f"received: {summary(evidence.values['received'])}",
            )
        ]
    return envelope_failures(event, name[0].upper() + name[1:], extra)


def filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def envelope_failures(event: ReceivedEvent, event_type: str, extra: tuple[str, Any] | None) -> Failures:
    """eventType, eventId, eventTime present and right; the envelope valid against the event's schema."""
    request = f"event POST {event.path}"
    body = event.body
    if not isinstance(body, dict):
        return [Failure(request=request, note=event.problem or "the event body is not a JSON object")]
    kind, event_id, time = (attribute(body, n) for n in ("eventType", "eventId", "eventTime"))
    found = [  # (where, expected, holds, seen)
        ("$.eventType", event_type, kind == event_type, kind),
        ("$.eventId", "a non-empty string", filled(event_id), event_id),
        ("$.eventTime", "a non-empty string", filled(time), time),
    ]
    if extra is not None:
        name, value = extra
        seen = attribute(body["event"]["productOrder"], name)
        found.append((f"$.event.productOrder.{name}", describe(value), seen == value, seen))
    failures = [
        Failure(request, where, expected, describe(seen)) for where, expected, ok, seen in found if not ok
    ]
    schema = violations(body, BodySchema(event_type))
    return failures + [Failure(request, where, f"valid {rule}", message) for where, rule, message in schema]


@check("TMF622-v4-EVENT-CREATE")
def event_create(run: ExtendedRun) -> Failures:
    return event_failures(run, CREATE_EVENT)


@check("TMF622-v4-EVENT-CHANGE")
def event_change(run: ExtendedRun) -> Failures:
    description = run.probe("events").values["description"]
    return event_failures(run, CHANGE_EVENT, ("description", description))


@check("TMF622-v4-HUB-DELETE")
def hub_delete(run: ExtendedRun) -> Failures:
    sent = run.probe("unsubscribe")["unhub"]
    return status(sent, 204) or no_body(sent)


@check("TMF622-v4-SCHEMA-O")
def schemas_optional(run: ExtendedRun) -> Failures:
    return schema_sweep(run, OPTIONAL_PROBES)


@check("TMF622-v4-JSON-O")
def json_optional(run: ExtendedRun) -> Failures:
    return json_sweep(run, OPTIONAL_PROBES)
