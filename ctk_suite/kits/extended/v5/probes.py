"""The v5 level's core request flows: create, read, list, cancel. Each runs once; checks share the evidence.

Every v5 flow follows a 202 answer to its Location (`follow.py`): `outcome(sent, key)` is the answer that
counts. A probe blocks only when what the next request needs is missing (no order id after the create).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ctk_suite.kits.extended.records import Blocked, BodySchema, Evidence, Sent
from ctk_suite.kits.extended.run import probe
from ctk_suite.kits.extended.v4.probes import order_path
from ctk_suite.kits.extended.v5.follow import outcome, settled
from ctk_suite.kits.official.variables import url_encode

if TYPE_CHECKING:
    from ctk_suite.kits.extended.run import ExtendedRun

V5 = "5"
ORDER = BodySchema("ProductOrder", version=V5)
ORDERS = BodySchema("ProductOrder", many=True, version=V5)
CANCEL = BodySchema("CancelProductOrder", version=V5)
CANCELS = BodySchema("CancelProductOrder", many=True, version=V5)
HUB = BodySchema("Hub", version=V5)
ERROR = BodySchema("Error", version=V5)
#: How many orders a list read asks for: enough to judge, little to transfer from a live server.
LIST_QUERY = "limit=5"


def created_order(sent: Sent) -> dict[str, Any]:
    """The order a (settled) create answered with; Blocked without an id to continue with."""
    body = sent.json
    if sent.exchange.error is not None:
        raise Blocked(f"{sent.request} failed: {sent.exchange.error}")
    if not isinstance(body, dict) or not isinstance(body.get("id"), str) or not body["id"]:
        raise Blocked(f"{sent.request} answered HTTP {sent.status} without an order id")
    return body


def create_order(
    run: ExtendedRun, label: str, body: Any, query: str = "", key: str = "create"
) -> dict[str, Sent]:
    """POST /productOrder (and the read of its Location when it answers 202), under `key`."""
    path = "productOrder" + (f"?{query}" if query else "")
    return settled(run, key, run.send(label, "POST", path, body=body, expects=ORDER), ORDER)


def order_of(sent: dict[str, Sent], key: str = "create") -> dict[str, Any]:
    """The order of a `create_order` result; Blocked without one."""
    return created_order(outcome(sent, key))


@probe("v5.create")
def create(run: ExtendedRun) -> Evidence:
    """POST the deployment's payload: the order most v5 checks read. Never blocks: the create's checks
    judge its answer even when it holds no order."""
    sent = create_order(run, "create", run.target.payload())
    try:
        return Evidence(sent, {"order": order_of(sent), "why": None})
    except Blocked as exc:
        return Evidence(sent, {"order": None, "why": str(exc)})


def created(run: ExtendedRun) -> dict[str, Any]:
    """The order of `v5.create`; Blocked, with the reason, when the create gave none."""
    evidence = run.probe("v5.create")
    order: dict[str, Any] | None = evidence.values["order"]
    if order is None:
        raise Blocked(evidence.values["why"])
    return order


@probe("v5.retrieve")
def retrieve(run: ExtendedRun) -> Evidence:
    """GET the created order by id."""
    order = created(run)
    return Evidence({"retrieve": run.send("retrieve", "GET", order_path(order["id"]), expects=ORDER)})


@probe("v5.list")
def list_orders(run: ExtendedRun) -> Evidence:
    """GET a page of the order list (once an order exists)."""
    created(run)
    return Evidence({"list": run.send("list", "GET", f"productOrder?{LIST_QUERY}", expects=ORDERS)})


def own_order(run: ExtendedRun, label: str, key: str = "create", **extra: Any) -> dict[str, Sent]:
    """A fresh order for a flow that changes or removes it (the payload with `extra` attributes)."""
    return create_order(run, label, {**run.target.payload(), **extra}, key=key)


def cancel_request(order: dict[str, Any]) -> dict[str, Any]:
    """A CancelProductOrder_FVO naming `order` (its @type and productOrder.id are mandatory: CP5)."""
    reference = {"@type": "ProductOrderRef", "id": order["id"]}
    if isinstance(order.get("href"), str):
        reference["href"] = order["href"]
    return {
        "@type": "CancelProductOrder",
        "productOrder": reference,
        "cancellationReason": "tmf622-ctk check",
    }


@probe("v5.cancel")
def cancel(run: ExtendedRun) -> Evidence:
    """Create an order, ask for its cancellation, then read the task by id and the task list."""
    sent = own_order(run, "order to cancel", key="order")
    order = order_of(sent, "order")
    asked = run.send("cancel", "POST", "cancelProductOrder", body=cancel_request(order), expects=CANCEL)
    sent.update(settled(run, "cancel", asked, CANCEL))
    task = outcome(sent, "cancel").json
    if isinstance(task, dict) and isinstance(task.get("id"), str) and task["id"]:
        path = f"cancelProductOrder/{url_encode(task['id'])}"
        sent["retrieve"] = run.send("retrieve the cancellation", "GET", path, expects=CANCEL)
    sent["list"] = run.send("list cancellations", "GET", f"cancelProductOrder?{LIST_QUERY}", expects=CANCELS)
    return Evidence(sent, {"order": order, "task": task})
