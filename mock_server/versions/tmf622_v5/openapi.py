"""What TMF622 v5's OpenAPI document states, as data for the core's builder (`mock_server.openapi`).

The plug-in gives it to the core as `Tmf622V5.openapi` (version.py): the core never imports this
folder. Operations are the rows `v5.routes` serves; the rules the mock enforces beyond TM Forum's
schema files come from the tables the handlers use (`resources.py`, `orders.check_type`).
"""

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
from mock_server.store.query import ALWAYS_SELECTED
from mock_server.versions.tmf622_v5 import resources as v5_kinds
from mock_server.versions.tmf622_v5.patching import JSON_PATCH_QUERY

_V5_PATCH = {
    "application/merge-patch+json": v5_kinds.PATCH_SCHEMA,
    JSON: v5_kinds.PATCH_SCHEMA,
    "application/json-patch+json": v5_kinds.OPERATIONS_SCHEMA,
    JSON_PATCH_QUERY: v5_kinds.OPERATIONS_SCHEMA,
}
_V5_ORDER_FILTERS = (("id", "state", "externalId", "category", "priority"), ("creationDate",))
_V5_TASK_FILTERS = (("id", "state", "productOrder.id"), ("creationDate",))
#: v5 projections keep `@type` too (`handlers.project`).
_V5_KEPT = ALWAYS_SELECTED | {"@type"}


def _v5_operations() -> dict[tuple[str, str], dict[str, Any]]:
    # v5 lists take any filter value and any sort name (handlers: parse_query, not the v4 checks).
    orders = ResourceApi(
        "productOrder", "ProductOrder", "ProductOrder_FVO", _V5_ORDER_FILTERS, _V5_PATCH, dates_checked=False
    )
    # The v5 OAS has neither PATCH nor DELETE on cancelProductOrder (routes.py).
    tasks = ResourceApi(
        "cancelProductOrder",
        "CancelProductOrder",
        "CancelProductOrder_FVO",
        _V5_TASK_FILTERS,
        {},
        delete=False,
        dates_checked=False,
    )
    return {
        **resource_operations(orders),
        **resource_operations(tasks),
        **hub_operations("Hub_FVO", "Hub"),
        **service_operations(health=False),
    }


def _own_type(kind: v5_kinds.Kind) -> dict[str, dict[str, Any]]:
    """`orders.check_type`: the root `@type` of a v5 POST body is the resource's own name."""
    return {"@type": {"const": kind.type_name}}


V5 = OpenApiSource(
    key="v5",
    title="TMF622 Product Ordering Management v5 (tmf622-mock)",
    version="5.0.0",
    description="What this mock implements of TMF622 Product Ordering v5.0.0, plus TMF630 queries "
    "(`?fields=` projections keep `@type`) and GET /hub/{id}. A PATCH body must carry `@type` "
    "(`ProductOrder`) with merge patch; JSON Patch and JSON Patch Query bodies are operations. "
    "Every error answer carries a TMF Error body.",
    schema_version="5",
    operations=_v5_operations(),
    read_only={
        "ProductOrder": v5_kinds.PRODUCT_ORDER.read_only,
        v5_kinds.PATCH_SCHEMA: v5_kinds.PRODUCT_ORDER.read_only,
        "CancelProductOrder": v5_kinds.CANCEL_PRODUCT_ORDER.read_only,
    },
    projections={"ProductOrder": _V5_KEPT, "CancelProductOrder": _V5_KEPT},
    constraints={
        "ProductOrder_FVO": _own_type(v5_kinds.PRODUCT_ORDER),
        "CancelProductOrder_FVO": _own_type(v5_kinds.CANCEL_PRODUCT_ORDER),
        "Hub_FVO": HUB_RULES,
    },
)
