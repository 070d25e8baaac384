"""CTK-shaped ProductOrder bodies and the query/patch payloads every bench case sends."""

from __future__ import annotations

from typing import Any

#: Every customer owns this many orders, so `?relatedParty.id=` matches a fixed-size set at any store size.
ORDERS_PER_PARTY = 10
#: The page size of every list case (TMF630 `limit`).
PAGE_LIMIT = 10
#: Content type of the PATCH case: JSON Merge Patch (RFC 7386) is the mandatory TMF630 flavour.
MERGE_PATCH = "application/merge-patch+json"


def party_id(index: int) -> str:
    """The customer id of the `index`-th seeded order."""
    return f"cust-{index // ORDERS_PER_PARTY:07d}"


def create_body(index: int) -> dict[str, Any]:
    """A `ProductOrder_Create` shaped like the official CTK's POST (one item, one related party)."""
    return {
        "productOrderItem": [{"id": "123", "action": "add"}],
        "relatedParty": [{"id": party_id(index), "@referredType": "Individual"}],
    }


def patch_body(index: int) -> dict[str, Any]:
    """A merge patch that touches a plain attribute, so no state transition rule can refuse it."""
    return {"description": f"bench patch {index}"}


def party_filter(index: int) -> str:
    """Query string of the indexed `relatedParty.id` filter with a page limit."""
    return f"relatedParty.id={party_id(index)}&limit={PAGE_LIMIT}"


def state_filter() -> str:
    """Query string of the indexed `state` filter with a page limit (matches every seeded order)."""
    return f"state=acknowledged&limit={PAGE_LIMIT}"
