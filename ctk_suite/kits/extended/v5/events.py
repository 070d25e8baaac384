"""Checks of the v5 events: each arrives at its listener path with the v5 envelope (TMF622 v5 OAS `Event`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator

from ctk_suite.core.failures import Failure, describe
from ctk_suite.kits.extended.listener import ReceivedEvent
from ctk_suite.kits.extended.records import BodySchema, NotApplicable
from ctk_suite.kits.extended.run import check
from ctk_suite.kits.extended.schemas import violations
from ctk_suite.kits.extended.v4.rules_optional import summary
from ctk_suite.kits.extended.v5.probes_optional import ACKNOWLEDGED, CHANGE_EVENT, CREATE_EVENT, STATE_EVENT
from ctk_suite.kits.extended.v5.profile import hub_supported
from ctk_suite.kits.extended.verdicts import Failures, attribute

if TYPE_CHECKING:
    from ctk_suite.kits.extended.run import ExtendedRun


def is_date_time(value: Any) -> bool:
    """An RFC 3339 date-time, as the schemas' `format: date-time` is checked everywhere in the toolkit."""
    return isinstance(value, str) and Draft202012Validator.FORMAT_CHECKER.conforms(value, "date-time")


def envelope(event: ReceivedEvent, event_type: str, expected: tuple[str, Any] | None) -> Failures:
    """@type, timeOccurred and source of the v5 envelope; the expected order attribute; the schema."""
    request = f"event POST {event.path}"
    body = event.body
    if not isinstance(body, dict):
        return [Failure(request=request, note=event.problem or "the event body is not a JSON object")]
    kind, occurred, source = (attribute(body, n) for n in ("@type", "timeOccurred", "source"))
    source_id = attribute(source, "id")
    found = [  # (where, expected, holds, seen)
        ("$.@type", event_type, kind == event_type, kind),
        ("$.timeOccurred", "a date-time", is_date_time(occurred), occurred),
        ("$.source.id", "an entity reference with an id", isinstance(source_id, str) and source_id, source),
    ]
    if expected is not None:
        name, value = expected
        seen = attribute(attribute(attribute(body, "event"), "productOrder"), name)
        found.append((f"$.event.productOrder.{name}", describe(value), seen == value, seen))
    failures = [Failure(request, where, want, describe(seen)) for where, want, ok, seen in found if not ok]
    schema = violations(body, BodySchema(event_type, version="5"))
    return failures + [Failure(request, where, f"valid {rule}", message) for where, rule, message in schema]


def event_failures(run: ExtendedRun, name: str, expected: tuple[str, Any] | None = None) -> Failures:
    """The event posted to `listener/<name>` about the notified order, with its envelope."""
    evidence = run.probe("v5.events")
    order_id, event = evidence.values["order"]["id"], evidence.values[name]
    if not isinstance(event, ReceivedEvent):
        timeout = run.listener_settings.timeout_s
        note = (
            f"no event about order {order_id} arrived within {timeout:g} s; "
            f"received: {summary(evidence.values['received'])}"
        )
        return [Failure(request=f"POST <callback>/listener/{name}", note=note)]
    return envelope(event, name[0].upper() + name[1:], expected)


@check("TMF622-v5-EVENT-CREATE")
def event_create(run: ExtendedRun) -> Failures:
    hub_supported(run)
    order_id = run.probe("v5.events").values["order"]["id"]
    return event_failures(run, CREATE_EVENT, ("id", order_id))


@check("TMF622-v5-EVENT-CHANGE")
def event_change(run: ExtendedRun) -> Failures:
    hub_supported(run)
    description = run.probe("v5.events").values["description"]
    return event_failures(run, CHANGE_EVENT, ("description", description))


@check("TMF622-v5-EVENT-STATE")
def event_state(run: ExtendedRun) -> Failures:
    hub_supported(run)
    if not run.probe("v5.events").values["inDraft"]:
        raise NotApplicable("the server does not create draft orders: no state change to notify about")
    return event_failures(run, STATE_EVENT, ("state", ACKNOWLEDGED))
