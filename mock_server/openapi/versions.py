"""What each served TMF622 version puts in its OpenAPI document, as data (a version plug-in can declare it).

A document is the shared machinery (document.py) fed one `ApiVersion`: its operations (from
`operations.ResourceApi` rows), the schema files of its version, and the rules the mock enforces
beyond those files, taken from the same tables the handlers use: the server-owned fields a PATCH may
not change (`read_only` of each resource kind) become `readOnly`, the attributes a `?fields=`
projection always keeps become its `_Projection` schema, and `constraints` state the checks that
live in code (the hub's callback must be an absolute http(s) URL, a v5 body's root `@type` is the
resource's own).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mock_server.domain import resources as v4_kinds
from mock_server.openapi.operations import (
    JSON,
    OPERATIONS,
    ResourceApi,
    hub_operations,
    resource_operations,
    service_operations,
)
from mock_server.store.query import ALWAYS_SELECTED
from mock_server.v5 import resources as v5_kinds
from mock_server.v5.patching import JSON_PATCH_QUERY

#: The callbacks `notify.hub._check_callback` accepts: absolute http(s) URLs with a host.
CALLBACK_URL = {"format": "uri", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#@\\s]+"}
#: The subscription queries `notify.filters.EventFilter.parse` accepts: `name.path=v1,v2` terms joined by
#: `&` (a `?` before them allowed), each name segment and value non-empty.
_TERM = r"[^&=.\s+]+(\.[^&=.\s+]+)*=[^&=,\s+]+(,[^&=,\s+]+)*"
HUB_QUERY = {"pattern": f"^\\??({_TERM}(&{_TERM})*)?$"}
_HUB_RULES = {"callback": CALLBACK_URL, "query": HUB_QUERY}


@dataclass(frozen=True, slots=True)
class ApiVersion:
    """One version's document inputs. `base_path_setting` names the `Settings` field of its base path;
    `root_aliases` are its paths (relative) also served at the root, described there too."""

    key: str  # "v4", "v5": the document's URL segment on the landing page and in /openapi.json
    title: str
    version: str
    description: str
    schema_version: str  # of tmf622_schemas
    base_path_setting: str
    operations: Mapping[tuple[str, str], dict[str, Any]]
    read_only: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    projections: Mapping[str, frozenset[str]] = field(default_factory=dict)
    constraints: Mapping[str, Mapping[str, dict[str, Any]]] = field(default_factory=dict)
    root_aliases: tuple[str, ...] = ()


V4 = ApiVersion(
    key="v4",
    title="TMF622 Product Ordering Management v4 (tmf622-mock)",
    version="4.0.0",
    description="What this mock implements of TMF622 Product Ordering v4.0.0, plus TMF630 queries "
    "(`?fields=` projections, filters, paging, sort), PATCH and DELETE of cancelProductOrder, and a "
    "health check. Every error answer carries a TMF Error body.",
    schema_version="4",
    base_path_setting="base_path",
    operations=OPERATIONS,
    read_only={
        "ProductOrder": v4_kinds.PRODUCT_ORDER.read_only,
        "ProductOrder_Update": v4_kinds.PRODUCT_ORDER.read_only,
        "CancelProductOrder": v4_kinds.CANCEL_PRODUCT_ORDER.read_only,
    },
    projections={"ProductOrder": ALWAYS_SELECTED, "CancelProductOrder": ALWAYS_SELECTED},
    constraints={"EventSubscriptionInput": _HUB_RULES},
    root_aliases=("/health",),
)

_V5_PATCH = {
    "application/merge-patch+json": v5_kinds.PATCH_SCHEMA,
    JSON: v5_kinds.PATCH_SCHEMA,
    "application/json-patch+json": v5_kinds.OPERATIONS_SCHEMA,
    JSON_PATCH_QUERY: v5_kinds.OPERATIONS_SCHEMA,
}
_V5_ORDER_FILTERS = (("id", "state", "externalId", "category", "priority"), ("creationDate",))
_V5_TASK_FILTERS = (("id", "state", "productOrder.id"), ("creationDate",))
#: v5 projections keep `@type` too (`v5.handlers.project`).
_V5_KEPT = ALWAYS_SELECTED | {"@type"}


def _v5_operations() -> dict[tuple[str, str], dict[str, Any]]:
    # v5 lists take any filter value and any sort name (v5.handlers: parse_query, not the v4 checks).
    orders = ResourceApi(
        "productOrder", "ProductOrder", "ProductOrder_FVO", _V5_ORDER_FILTERS, _V5_PATCH, dates_checked=False
    )
    # The v5 OAS has neither PATCH nor DELETE on cancelProductOrder (v5/routes.py).
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


V5 = ApiVersion(
    key="v5",
    title="TMF622 Product Ordering Management v5 (tmf622-mock)",
    version="5.0.0",
    description="What this mock implements of TMF622 Product Ordering v5.0.0, plus TMF630 queries "
    "(`?fields=` projections keep `@type`) and GET /hub/{id}. A PATCH body must carry `@type` "
    "(`ProductOrder`) with merge patch; JSON Patch and JSON Patch Query bodies are operations. "
    "Every error answer carries a TMF Error body.",
    schema_version="5",
    base_path_setting="v5_base_path",
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
        "Hub_FVO": _HUB_RULES,
    },
)

VERSIONS: tuple[ApiVersion, ...] = (V4, V5)
