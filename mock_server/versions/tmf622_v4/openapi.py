"""What the mock's own OpenAPI document of TMF622 v4 states (the core builds it: `openapi.document`)."""

from __future__ import annotations

from typing import Any

from mock_server.openapi.operations import (
    JSON,
    ResourceApi,
    hub_operations,
    resource_operations,
    service_operations,
)
from mock_server.openapi.source import HUB_RULES, OpenApiSource
from mock_server.store.attributes import attributes_of
from mock_server.store.query import ALWAYS_SELECTED
from mock_server.versions.tmf622_v4 import resources as v4_kinds

_ORDER_FILTERS = (
    ("id", "state", "externalId", "category", "priority", "relatedParty.id", "relatedParty.role"),
    ("orderDate", "completionDate", "requestedStartDate", "requestedCompletionDate"),
)
_TASK_FILTERS = (
    ("id", "state", "productOrder.id", "cancellationReason"),
    ("requestedCancellationDate", "effectiveCancellationDate"),
)

V4_ORDERS = ResourceApi(
    "productOrder",
    "ProductOrder",
    "ProductOrder_Create",
    _ORDER_FILTERS,
    {
        "application/merge-patch+json": "ProductOrder_Update",
        JSON: "ProductOrder_Update",
        "application/json-patch+json": "JsonPatch",
    },
    sortable=tuple(attributes_of("ProductOrder").kinds),
)
V4_CANCELLATIONS = ResourceApi(
    "cancelProductOrder",
    "CancelProductOrder",
    "CancelProductOrder_Create",
    _TASK_FILTERS,
    {
        "application/merge-patch+json": "MergePatch",
        JSON: "MergePatch",
        "application/json-patch+json": "JsonPatch",
    },
    sortable=tuple(attributes_of("CancelProductOrder").kinds),
)

OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    **resource_operations(V4_ORDERS),
    **resource_operations(V4_CANCELLATIONS),
    **hub_operations("EventSubscriptionInput", "EventSubscription"),
    **service_operations(health=True),
}

V4 = OpenApiSource(
    key="v4",
    title="TMF622 Product Ordering Management v4 (tmf622-mock)",
    version="4.0.0",
    description="What this mock implements of TMF622 Product Ordering v4.0.0, plus TMF630 queries "
    "(`?fields=` projections, filters, paging, sort), PATCH and DELETE of cancelProductOrder, and a "
    "health check. Every error answer carries a TMF Error body.",
    schema_version="4",
    operations=OPERATIONS,
    read_only={
        "ProductOrder": v4_kinds.PRODUCT_ORDER.read_only,
        "ProductOrder_Update": v4_kinds.PRODUCT_ORDER.read_only,
        "CancelProductOrder": v4_kinds.CANCEL_PRODUCT_ORDER.read_only,
    },
    projections={"ProductOrder": ALWAYS_SELECTED, "CancelProductOrder": ALWAYS_SELECTED},
    constraints={"EventSubscriptionInput": HUB_RULES},
    root_aliases=("/health",),
)
