"""The v5 level's optional request flows: the three PATCH media types, draft, DELETE, fields, hub, events."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from ctk_suite.kits.extended.records import Blocked, Evidence, Sent
from ctk_suite.kits.extended.run import probe
from ctk_suite.kits.extended.v4.probes import order_path
from ctk_suite.kits.extended.v4.probes_optional import about, new_description
from ctk_suite.kits.extended.v5.follow import outcome, settled
from ctk_suite.kits.extended.v5.probes import HUB, ORDER, create_order, created, order_of, own_order
from ctk_suite.kits.official.variables import url_encode

if TYPE_CHECKING:
    from ctk_suite.kits.extended.run import ExtendedRun

#: The PATCH media types of patchProductOrder's requestBody (TMF622 v5 OAS).
MERGE_PATCH = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
JSON_PATCH_QUERY = "application/json-patch-query+json"
DRAFT, ACKNOWLEDGED = "draft", "acknowledged"
FIELDS_QUERY = "fields=state"
#: Listener path segments of the three events the level awaits (OAS `paths./listener/*`).
CREATE_EVENT = "productOrderCreateEvent"
STATE_EVENT = "productOrderStateChangeEvent"
CHANGE_EVENT = "productOrderAttributeValueChangeEvent"


def patch(
    run: ExtendedRun, label: str, order: dict[str, Any], body: Any, media: str, *, query: str = ""
) -> dict[str, Sent]:
    """PATCH the order with `body` in `media` (its 202 followed), then read it back."""
    path = order_path(order["id"], query)
    sent = run.send(label, "PATCH", path, body=body, content_type=media, expects=ORDER)
    return {
        **settled(run, "patch", sent, ORDER),
        "readBack": run.send(f"read back after {label}", "GET", order_path(order["id"]), expects=ORDER),
    }


def merge_body(order: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A ProductOrder_MVO merge patch; its @type is the order's (every v5 entity names its type)."""
    return {"@type": order.get("@type") or "ProductOrder", **changes}


@probe("v5.patch.merge")
def patch_merge(run: ExtendedRun) -> Evidence:
    """Merge-patch a new description onto the created order."""
    order, description = created(run), new_description()
    sent = patch(run, "merge patch", order, merge_body(order, description=description), MERGE_PATCH)
    return Evidence(sent, {"order": order, "description": description})


@probe("v5.patch.json")
def patch_json(run: ExtendedRun) -> Evidence:
    """JSON Patch (RFC 6902): `add` sets /description whether the order has one or not."""
    order, description = created(run), new_description()
    body = [{"op": "add", "path": "/description", "value": description}]
    sent = patch(run, "json patch", order, body, JSON_PATCH)
    return Evidence(sent, {"order": order, "description": description})


def first_item_id(order: dict[str, Any]) -> str:
    """The id of the order's first item; Blocked when it has none to select."""
    items = order.get("productOrderItem")
    item = items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}
    if not isinstance(item.get("id"), str) or not item["id"]:
        raise Blocked("the created order has no productOrderItem with an id to select")
    return str(item["id"])


@probe("v5.patch.query")
def patch_query(run: ExtendedRun) -> Evidence:
    """JSON Patch Query: set quantity on the item selected by `?productOrderItem.id=` (OAS example)."""
    order = created(run)
    item_id = first_item_id(order)
    quantity = 7 + sum(1 for _ in order.get("productOrderItem", []))  # unlikely to be the current one
    selector = f"/productOrderItem/quantity?productOrderItem.id={item_id}"
    body = [{"op": "add", "path": selector, "value": quantity}]
    sent = patch(run, "json patch query", order, body, JSON_PATCH_QUERY)
    return Evidence(sent, {"order": order, "itemId": item_id, "quantity": quantity})


@probe("v5.draft")
def draft(run: ExtendedRun) -> Evidence:
    """Create an order in draft, then merge-patch its state to acknowledged."""
    sent = own_order(run, "create in draft", requestedInitialState=DRAFT)
    if refused(sent["create"]):  # no draft orders here: the check says so instead of failing
        return Evidence(sent, {"order": None})
    order = order_of(sent)
    patched = patch(run, "patch to acknowledged", order, merge_body(order, state=ACKNOWLEDGED), MERGE_PATCH)
    return Evidence({**sent, **patched}, {"order": order})


@probe("v5.delete")
def delete(run: ExtendedRun) -> Evidence:
    """Create an order of its own, DELETE it (its 202 followed until it is gone), then GET it."""
    sent = own_order(run, "order to delete")
    path = order_path(order_of(sent)["id"])
    sent.update(settled(run, "delete", run.send("delete", "DELETE", path, expects=None), None))
    sent["readBack"] = run.send("read back after the delete", "GET", path, expects=ORDER)
    return Evidence(sent)


@probe("v5.fields.post")
def fields_post(run: ExtendedRun) -> Evidence:
    """POST /productOrder?fields=state."""
    sent = create_order(run, "create with fields", run.target.payload(), query=FIELDS_QUERY)
    return Evidence(sent)


@probe("v5.fields.patch")
def fields_patch(run: ExtendedRun) -> Evidence:
    """Merge-patch the description of the created order with `?fields=state`."""
    order, description = created(run), new_description()
    body = merge_body(order, description=description)
    sent = patch(run, "merge patch with fields", order, body, MERGE_PATCH, query=FIELDS_QUERY)
    return Evidence(sent, {"order": order, "description": description})


@probe("v5.hub")
def hub(run: ExtendedRun) -> Evidence:
    """Start the listener and register it with POST /hub (a Hub_FVO: @type and callback, CP5)."""
    callback = run.listener().callback_url
    sent = run.send(
        "register the listener", "POST", "hub", body={"@type": "Hub", "callback": callback}, expects=HUB
    )
    body = sent.json
    subscription = body.get("id") if isinstance(body, dict) else None
    if (
        sent.status is not None
        and 200 <= sent.status < 300
        and isinstance(subscription, str)
        and subscription
    ):
        run.subscriptions.append(subscription)
    return Evidence({"hub": sent}, {"callback": callback, "subscription": subscription})


def subscription_id(run: ExtendedRun) -> str:
    """The id POST /hub gave; Blocked without one."""
    evidence = run.probe("v5.hub")
    if not isinstance(found := evidence.values["subscription"], str) or not found:
        sent = evidence["hub"]
        raise Blocked(f"{sent.request} answered HTTP {sent.status} without a hub id")
    return found


def refused(sent: Sent) -> bool:
    """A 4xx: the server says it does not take this request (an optional feature it lacks)."""
    return sent.status is not None and 400 <= sent.status < 500


def notified_order(run: ExtendedRun) -> tuple[dict[str, Sent], dict[str, Any], bool]:
    """An order to follow by events: in draft when the server takes draft orders (then it can be moved to
    acknowledged), else a plain one. (requests, order, in draft)."""
    sent = own_order(run, "order to notify about", requestedInitialState=DRAFT)
    if refused(outcome(sent, "create")):
        sent = own_order(run, "order to notify about (no draft)", key="plain")
        return sent, order_of(sent, "plain"), False
    order = order_of(sent)
    return sent, order, order.get("state") == DRAFT


@probe("v5.events")
def events(run: ExtendedRun) -> Evidence:
    """Once registered: create an order (a draft when possible), patch its description, move a draft to
    acknowledged; await the create, attribute change and state change events of that order."""
    subscription_id(run)
    listener, timeout = run.listener(), run.listener_settings.timeout_s
    sent, order, in_draft = notified_order(run)
    values: dict[str, Any] = {"order": order, "inDraft": in_draft, STATE_EVENT: None}
    values[CREATE_EVENT] = listener.wait_for(about(order["id"], CREATE_EVENT), timeout)
    values["description"] = description = new_description()
    changed = patch(
        run, "patch to notify about", order, merge_body(order, description=description), MERGE_PATCH
    )
    sent.update({f"change.{k}": v for k, v in changed.items()})
    values[CHANGE_EVENT] = listener.wait_for(about(order["id"], CHANGE_EVENT), timeout)
    if in_draft:
        moved = patch(
            run, "acknowledge to notify about", order, merge_body(order, state=ACKNOWLEDGED), MERGE_PATCH
        )
        sent.update({f"state.{k}": v for k, v in moved.items()})
        values[STATE_EVENT] = listener.wait_for(about(order["id"], STATE_EVENT), timeout)
    values["received"] = listener.received()
    return Evidence(sent, values)


@probe("v5.unhub")
def unhub(run: ExtendedRun) -> Evidence:
    """DELETE /hub/{id}, once the events had their chance to arrive."""
    subscription = subscription_id(run)
    with contextlib.suppress(Blocked):  # the event checks report it; removing the hub is still checked
        run.probe("v5.events")
    sent = run.send("remove the listener", "DELETE", f"hub/{url_encode(subscription)}", expects=None)
    if sent.status is not None and 200 <= sent.status < 300 and subscription in run.subscriptions:
        run.subscriptions.remove(subscription)
    return Evidence({"unhub": sent}, {"subscription": subscription})
