"""The request flows of the extended level. Each runs once per run; several checks share its evidence.

A probe raises Blocked when a request it depends on did not give what the next one needs (no order
id after the create, no subscription id after POST /hub): the checks that need it then fail with
that reason. A server answering wrongly is not a reason to block: the checks judge the answers.
"""

from __future__ import annotations

import copy
import uuid
from typing import TYPE_CHECKING, Any

from ctk_suite.kits.extended.records import Blocked, BodySchema, Evidence, Sent, Unmet
from ctk_suite.kits.extended.run import probe
from ctk_suite.kits.official.variables import url_encode

if TYPE_CHECKING:
    from ctk_suite.kits.extended.run import ExtendedRun

ORDER = BodySchema("ProductOrder")
ORDERS = BodySchema("ProductOrder", many=True)
PARTIAL = BodySchema("ProductOrder", partial=True)
ORDERS_PARTIAL = BodySchema("ProductOrder", many=True, partial=True)
CANCEL = BodySchema("CancelProductOrder")
SUBSCRIPTION = BodySchema("EventSubscription")
#: The first-level attributes the fields checks prefer to select (TMF622B: selection on every one but
#: href); only those the created order holds are selected, others of its attributes fill in.
FIELDS = ("orderDate", "state")
#: Returned whatever the selection (TMF622B: href always; id as the key), so never selected.
ALWAYS_RETURNED = frozenset({"id", "href"})
#: TMF622 v4 ProductOrderStateType and OrderItemActionType, to pick a value an order does NOT have.
ORDER_STATES = ("acknowledged", "rejected", "pending", "held", "inProgress", "cancelled", "completed")
ITEM_ACTIONS = ("add", "modify", "delete", "noChange")
BAD_ACTION = "tmf622-ctk-not-an-action"
MERGE_PATCH = "application/merge-patch+json"
CREATE_EVENT = "productOrderCreateEvent"
CHANGE_EVENT = "productOrderAttributeValueChangeEvent"


def order_path(order_id: str, query: str = "") -> str:
    """`productOrder/<id>` (the id percent-encoded), with `?query` when given."""
    return f"productOrder/{url_encode(order_id)}" + (f"?{query}" if query else "")


def unknown_id() -> str:
    """An id no server holds: a fresh UUID with a recognisable prefix."""
    return f"tmf622-ctk-unknown-{uuid.uuid4()}"


def post_order(run: ExtendedRun, label: str, body: Any) -> Sent:
    """POST /productOrder (the run's cleanup deletes what it created: it watches the client)."""
    return run.send(label, "POST", "productOrder", body=body, expects=ORDER)


def created_order(sent: Sent) -> dict[str, Any]:
    """The order a create answered with; Blocked when there is no usable id to continue with."""
    body = sent.json
    if sent.exchange.error is not None:
        raise Unmet(f"{sent.request} failed: {sent.exchange.error}")
    if not isinstance(body, dict) or not isinstance(body.get("id"), str) or not body["id"]:
        raise Unmet(f"{sent.request} answered HTTP {sent.status} without an order id")
    return body


def created(run: ExtendedRun) -> dict[str, Any]:
    """The order of the `create` probe; Blocked, with the reason, when the create gave none."""
    evidence = run.probe("create")
    order: dict[str, Any] | None = evidence.values["order"]
    if order is None:
        raise Unmet(evidence.values["why"])
    return order


@probe("create")
def create(run: ExtendedRun) -> Evidence:
    """POST the deployment's payload: the order most checks look at. Never blocks: the create checks
    judge its answer even when it holds no order.
    """
    sent = post_order(run, "create", run.target.payload())
    try:
        return Evidence({"create": sent}, {"order": created_order(sent), "why": None})
    except Blocked as exc:
        return Evidence({"create": sent}, {"order": None, "why": str(exc)})


@probe("retrieve")
def retrieve(run: ExtendedRun) -> Evidence:
    """GET the created order by id."""
    order = created(run)
    sent = run.send("retrieve", "GET", order_path(order["id"]), expects=ORDER)
    return Evidence({"retrieve": sent}, {"order": order})


def selectable(order: dict[str, Any]) -> tuple[str, ...]:
    """Two first-level attributes the created order holds: orderDate and state when it has them, else
    others of its own; Blocked when it holds none but id and href (nothing to select)."""
    preferred = [name for name in FIELDS if name in order]
    others = sorted(name for name in order if name not in {*ALWAYS_RETURNED, *preferred})
    chosen = tuple([*preferred, *others][:2])
    if not chosen:
        raise Unmet("the created order holds no attribute but id and href to select with ?fields=")
    return chosen


@probe("fields")
def fields(run: ExtendedRun) -> Evidence:
    """`?fields=` of two attributes the created order holds, on the list and on the created order."""
    order = created(run)
    chosen = selectable(order)
    query = "fields=" + ",".join(chosen)
    on_list = run.send("fields on the list", "GET", f"productOrder?{query}", expects=ORDERS_PARTIAL)
    on_one = run.send("fields on retrieve", "GET", order_path(order["id"], query), expects=PARTIAL)
    return Evidence({"list": on_list, "retrieve": on_one}, {"order": order, "fields": chosen})


@probe("filterId")
def filter_id(run: ExtendedRun) -> Evidence:
    """`?id=` of the created order."""
    order = created(run)
    query = f"id={url_encode(order['id'])}"
    return Evidence({"id": run.send(f"filter {query}", "GET", f"productOrder?{query}", expects=ORDERS)})


@probe("filterState")
def filter_state(run: ExtendedRun) -> Evidence:
    """`?state=` of the created order, then with its id as well: its state, and a state it is not in."""
    order = created(run)
    state = order.get("state")
    if not isinstance(state, str) or not state:
        raise Unmet("the created order has no state to filter on")
    other = next(s for s in ORDER_STATES if s != state)
    order_id = url_encode(order["id"])
    queries = {
        "state": f"state={url_encode(state)}",
        "and": f"id={order_id}&state={url_encode(state)}",
        "andOther": f"id={order_id}&state={other}",
    }
    sent = {
        k: run.send(f"filter {q}", "GET", f"productOrder?{q}", expects=ORDERS) for k, q in queries.items()
    }
    return Evidence(sent, {"order": order, "state": state, "otherState": other})


@probe("notFound")
def not_found(run: ExtendedRun) -> Evidence:
    """GET an id that does not exist."""
    return Evidence({"get": run.send("unknown id", "GET", order_path(unknown_id()), expects=ORDER)})


@probe("negative")
def negative(run: ExtendedRun) -> Evidence:
    """Three bad creates: no productOrderItem, an item with an unknown action, a body that is not JSON."""
    payload = run.target.payload()
    no_item = {k: v for k, v in payload.items() if k != "productOrderItem"}
    items = copy.deepcopy(payload.get("productOrderItem")) or [{"id": "1"}]
    bad_action = {**payload, "productOrderItem": [{**item, "action": BAD_ACTION} for item in items]}
    malformed = b'{"productOrderItem": [{"id": "1", "action": "add"}'  # cut short: not JSON
    sent = {
        "noItem": post_order(run, "no productOrderItem", no_item),
        "badAction": post_order(run, "unknown item action", bad_action),
        "malformed": run.send("malformed JSON", "POST", "productOrder", raw=malformed, expects=ORDER),
    }
    return Evidence(sent)
