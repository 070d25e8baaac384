"""What each served TMF622 version puts in its OpenAPI document, as data: v4's here (the core's own
API), a version plug-in's in its folder (`mock_server.plugin.ApiVersion.openapi`; v5's is
versions/tmf622_v5/openapi.py).

A document is the shared machinery (document.py) fed one `OpenApiSource`: its operations (from
`operations.ResourceApi` rows), the schema files of its version, and the rules the mock enforces
beyond those files, taken from the same tables the handlers use: the server-owned fields a PATCH may
not change (`read_only` of each resource kind) become `readOnly`, the attributes a `?fields=`
projection always keeps become its `_Projection` schema, and `constraints` state the checks that
live in code (the hub's callback must be an absolute http(s) URL; a v5 body's root `@type` is the
resource's own).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mock_server.domain import resources as v4_kinds
from mock_server.openapi.operations import OPERATIONS
from mock_server.store.query import ALWAYS_SELECTED

#: The callbacks `notify.hub._check_callback` accepts: absolute http(s) URLs with a host.
CALLBACK_URL = {"format": "uri", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#@\\s]+"}
#: The subscription queries `notify.filters.EventFilter.parse` accepts: `name.path=v1,v2` terms joined by
#: `&` (a `?` before them allowed), each name segment and value non-empty.
_TERM = r"[^&=.\s+]+(\.[^&=.\s+]+)*=[^&=,\s+]+(,[^&=,\s+]+)*"
HUB_QUERY = {"pattern": f"^\\??({_TERM}(&{_TERM})*)?$"}
HUB_RULES = {"callback": CALLBACK_URL, "query": HUB_QUERY}


@dataclass(frozen=True, slots=True)
class OpenApiSource:
    """One version's document inputs (where it is served comes with it: the core's setting for v4, a
    plug-in's `base_path`); `root_aliases` are its paths (relative) also served at the root, described
    there too."""

    key: str  # "v4", "v5": the document's URL segment on the landing page and in /openapi.json
    title: str
    version: str
    description: str
    schema_version: str  # of tmf622_schemas
    operations: Mapping[tuple[str, str], dict[str, Any]]
    read_only: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    projections: Mapping[str, frozenset[str]] = field(default_factory=dict)
    constraints: Mapping[str, Mapping[str, dict[str, Any]]] = field(default_factory=dict)
    root_aliases: tuple[str, ...] = ()


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
