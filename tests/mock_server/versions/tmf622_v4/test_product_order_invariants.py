"""What POST /productOrder stores is a valid ProductOrder by construction, so it is not validated twice.

The handler validates the request body against ProductOrder_Create, then `new_product_order` fills in
the server-owned fields. These properties are what makes a second validation of the built order
(once half the cost of a POST) redundant: if one fails, that validation is needed again.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mock_server.domain.clock import timestamp
from mock_server.versions.tmf622_v4.orders import new_product_order
from tmf622_schemas import validator_for

ACTIONS = ["add", "modify", "delete", "noChange"]

moments = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
) | st.datetimes(timezones=st.sampled_from([timezone(timedelta(hours=-11)), timezone(timedelta(hours=13))]))
texts = st.text(max_size=12)
json_leaves = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | texts
)
extension_values = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(texts, inner, max_size=2),
    max_leaves=4,
)
#: Fields no schema declares: TMF polymorphism lets a subclass (named by @type) carry them.
extensions = st.dictionaries(
    st.sampled_from(["installWindow", "x-custom", "customerReference"]), extension_values
)


def create_items(depth: int) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Order items as a client sends them, nesting `productOrderItem` up to `depth` levels."""
    optional: dict[str, st.SearchStrategy[Any]] = {
        "quantity": st.integers(min_value=-(2**63), max_value=2**63),
        "productOffering": st.fixed_dictionaries({"id": texts}, optional={"name": texts}),
        "product": st.fixed_dictionaries(
            {}, optional={"id": texts, "status": st.sampled_from(["created", "active"])}
        ),
        "@type": texts,
    }
    if depth > 0:
        optional["productOrderItem"] = create_items(depth - 1)
    item = st.fixed_dictionaries({"id": texts, "action": st.sampled_from(ACTIONS)}, optional=optional)
    return st.lists(
        st.tuples(item, extensions).map(lambda pair: {**pair[1], **pair[0]}), min_size=1, max_size=3
    )


create_bodies = st.tuples(
    st.fixed_dictionaries(
        {"productOrderItem": create_items(2)},
        optional={
            "relatedParty": st.lists(
                st.fixed_dictionaries({"id": texts, "@referredType": texts}), max_size=2
            ),
            "description": texts,
            "externalId": texts,
            "priority": texts,
            "requestedStartDate": moments.map(timestamp),
            "note": st.lists(st.fixed_dictionaries({"text": texts}), max_size=2),
            "@type": texts,
            "@baseType": texts,
        },
    ),
    extensions,
).map(lambda pair: {**pair[1], **pair[0]})


def all_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [found for item in items for found in [item, *all_items(item.get("productOrderItem", []))]]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=create_bodies, order_id=texts, href=texts, moment=moments)
def test_an_order_built_from_a_valid_create_body_is_a_valid_product_order(
    body: dict[str, Any], order_id: str, href: str, moment: datetime
) -> None:
    assume(validator_for("ProductOrder_Create").is_valid(body))
    sent = copy.deepcopy(body)
    order = new_product_order(body, order_id=order_id, href=href, order_date=timestamp(moment))
    errors = [f"{e.json_path}: {e.message}" for e in validator_for("ProductOrder").iter_errors(order)]
    assert errors == []
    assert (order["id"], order["href"], order["state"]) == (order_id, href, "acknowledged")
    assert {item["state"] for item in all_items(order["productOrderItem"])} == {"acknowledged"}
    assert body == sent  # the request body is not changed behind the handler's back


@given(moment=moments)
def test_server_timestamps_are_rfc3339_date_times_in_utc(moment: datetime) -> None:
    text = timestamp(moment)
    assert validator_for("ProductOrder").is_valid({"productOrderItem": [], "orderDate": text})
    assert text.endswith("Z")
    assert datetime.fromisoformat(text) == moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def test_timestamps_keep_their_documented_shape() -> None:
    moment = datetime(2026, 11, 27, 11, 0, 0, 120_999, tzinfo=timezone(timedelta(hours=1)))
    assert timestamp(moment) == "2026-11-27T10:00:00.120Z"
    assert timestamp(datetime(999, 1, 1, tzinfo=UTC)) == "0999-01-01T00:00:00.000Z"
