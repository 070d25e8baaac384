"""Request flows of the optional checks: paging, sub-resource filters, PATCH, DELETE, cancel, hub, events."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from ctk_suite.kits.extended.listener import ReceivedEvent
from ctk_suite.kits.extended.records import Blocked, Evidence, Sent, Unmet
from ctk_suite.kits.extended.run import probe
from ctk_suite.kits.extended.v4.probes import (
    CANCEL,
    CHANGE_EVENT,
    CREATE_EVENT,
    ITEM_ACTIONS,
    MERGE_PATCH,
    ORDER,
    ORDERS,
    SUBSCRIPTION,
    created,
    created_order,
    order_path,
    post_order,
    unknown_id,
)
from ctk_suite.kits.official.variables import url_encode

if TYPE_CHECKING:
    from ctk_suite.kits.extended.run import ExtendedRun


def new_description() -> str:
    """A description no order has yet, so its arrival proves the PATCH was applied."""
    return f"tmf622-ctk extended check {uuid.uuid4().hex[:12]}"


@probe("paging")
def paging(run: ExtendedRun) -> Evidence:
    """With two orders created: the first page of two, a page of one, and the window moved by one."""
    created(run)
    second = post_order(run, "second order for paging", run.target.payload())
    pages = {
        "page": "offset=0&limit=2",
        "limit": "limit=1",
        "next": "offset=1&limit=1",
    }
    sent = {k: run.send(f"page {q}", "GET", f"productOrder?{q}", expects=ORDERS) for k, q in pages.items()}
    return Evidence({"second": second, **sent})


@probe("subFilter")
def sub_filter(run: ExtendedRun) -> Evidence:
    """`productOrderItem.action` combined with the order's id: an action it has, then one it lacks."""
    order = created(run)
    items = order.get("productOrderItem")
    listed = items if isinstance(items, list) else []
    actions = {a for i in listed if isinstance(i, dict) and isinstance(a := i.get("action"), str)}
    mine = sorted(actions)
    if not mine:
        raise Unmet("the created order has no productOrderItem action to filter on")
    other = next((a for a in ITEM_ACTIONS if a not in actions), None)
    if other is None:
        raise Unmet("the created order's items use every action: none is left to filter it out")
    base = f"id={url_encode(order['id'])}&productOrderItem.action="
    sent = {
        "hit": run.send("filter on its item action", "GET", f"productOrder?{base}{mine[0]}", expects=ORDERS),
        "miss": run.send(
            "filter on another item action", "GET", f"productOrder?{base}{other}", expects=ORDERS
        ),
    }
    return Evidence(sent, {"order": order, "action": mine[0], "otherAction": other})


@probe("patch")
def patch(run: ExtendedRun) -> Evidence:
    """Merge-patch a new description onto the created order, then read it back."""
    order = created(run)
    description = new_description()
    path = order_path(order["id"])
    sent = {
        "patch": run.send(
            "merge patch",
            "PATCH",
            path,
            body={"description": description},
            content_type=MERGE_PATCH,
            expects=ORDER,
        ),
        "readBack": run.send("read back after the patch", "GET", path, expects=ORDER),
    }
    return Evidence(sent, {"order": order, "description": description})


@probe("patchUnknown")
def patch_unknown(run: ExtendedRun) -> Evidence:
    """Merge-patch an id that does not exist."""
    body = {"description": new_description()}
    path = order_path(unknown_id())
    return Evidence(
        {"patch": run.send("unknown id", "PATCH", path, body=body, content_type=MERGE_PATCH, expects=ORDER)}
    )


@probe("delete")
def delete(run: ExtendedRun) -> Evidence:
    """Create an order of its own, DELETE it, then GET it."""
    create_sent = post_order(run, "order to delete", run.target.payload())
    order = created_order(create_sent)
    path = order_path(order["id"])
    deleted = run.send("delete", "DELETE", path, expects=None)
    read_back = run.send("read back after the delete", "GET", path, expects=ORDER)
    return Evidence({"create": create_sent, "delete": deleted, "readBack": read_back}, {"order": order})


@probe("deleteUnknown")
def delete_unknown(run: ExtendedRun) -> Evidence:
    """DELETE an id that does not exist."""
    return Evidence({"delete": run.send("unknown id", "DELETE", order_path(unknown_id()), expects=None)})


@probe("cancel")
def cancel(run: ExtendedRun) -> Evidence:
    """Create an order of its own, ask for its cancellation, then GET the cancellation by its id."""
    create_sent = post_order(run, "order to cancel", run.target.payload())
    order = created_order(create_sent)
    reference = {"id": order["id"], "@referredType": "ProductOrder"}
    if isinstance(order.get("href"), str):
        reference["href"] = order["href"]
    body = {"productOrder": reference, "cancellationReason": "tmf622-ctk extended check"}
    sent = {
        "create": create_sent,
        "cancel": run.send("cancel", "POST", "cancelProductOrder", body=body, expects=CANCEL),
    }
    task = sent["cancel"].json
    if isinstance(task, dict) and isinstance(task.get("id"), str) and task["id"]:
        path = f"cancelProductOrder/{url_encode(task['id'])}"
        sent["retrieve"] = run.send("retrieve the cancellation", "GET", path, expects=CANCEL)
    return Evidence(sent, {"order": order})


@probe("subscribe")
def subscribe(run: ExtendedRun) -> Evidence:
    """Start the listener and register it with POST /hub."""
    callback = run.listener().callback_url
    sent = run.send("register the listener", "POST", "hub", body={"callback": callback}, expects=SUBSCRIPTION)
    body = sent.json
    subscription = body.get("id") if isinstance(body, dict) else None
    if isinstance(subscription, str) and subscription:
        run.subscriptions.append(subscription)
    return Evidence({"hub": sent}, {"callback": callback, "subscription": subscription})


def subscription_id(run: ExtendedRun) -> str:
    """The id POST /hub gave; Blocked without one."""
    evidence = run.probe("subscribe")
    subscription = evidence.values["subscription"]
    if not isinstance(subscription, str) or not subscription:
        hub = evidence["hub"]
        raise Unmet(f"{hub.request} answered HTTP {hub.status} without a subscription id")
    return subscription


def about(order_id: str, name: str) -> Callable[[ReceivedEvent], bool]:
    """Accepts an event posted to `listener/<name>` whose `event.productOrder.id` is `order_id`."""
    return lambda e: e.event_name == name and e.order_id == order_id


@probe("events")
def events(run: ExtendedRun) -> Evidence:
    """Once subscribed: create an order, await its create event, patch it, await its change event."""
    subscription_id(run)
    listener = run.listener()
    timeout = run.listener_settings.timeout_s
    create_sent = post_order(run, "order to notify about", run.target.payload())
    order = created_order(create_sent)
    on_create: ReceivedEvent | None = listener.wait_for(about(order["id"], CREATE_EVENT), timeout)
    description = new_description()
    patched: Sent = run.send(
        "patch to notify about",
        "PATCH",
        order_path(order["id"]),
        body={"description": description},
        content_type=MERGE_PATCH,
        expects=ORDER,
    )
    on_change = listener.wait_for(about(order["id"], CHANGE_EVENT), timeout)
    values = {
        "order": order,
        "description": description,
        CREATE_EVENT: on_create,
        CHANGE_EVENT: on_change,
        "received": listener.received(),
    }
    return Evidence({"create": create_sent, "patch": patched}, values)


@probe("unsubscribe")
def unsubscribe(run: ExtendedRun) -> Evidence:
    """DELETE /hub/{id}, once the events had their chance to arrive."""
    subscription = subscription_id(run)
    with contextlib.suppress(Blocked):  # the event checks report it; unregistering is still checked
        run.probe("events")
    sent = run.send("unregister the listener", "DELETE", f"hub/{url_encode(subscription)}", expects=None)
    if sent.status is not None and 200 <= sent.status < 300:
        run.subscriptions.remove(subscription)
    return Evidence({"unhub": sent}, {"subscription": subscription})
