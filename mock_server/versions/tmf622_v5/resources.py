"""The two TMF622 v5 resource kinds: where they are stored, their schemas, their server-owned fields."""

from __future__ import annotations

from dataclasses import dataclass

from mock_server.domain.state_machine import Machine
from mock_server.store.base import Collection
from mock_server.versions.tmf622_v5 import states

#: This plug-in's name: the key of its events channel, its hub in a shared database.
NAME = "tmf622-v5"
#: The generated v5 schemas (`schemas/v5/`, `tmf622_schemas.validator_for(name, "5")`).
SCHEMA_VERSION = "5"


@dataclass(frozen=True, slots=True)
class Kind:
    """What the v5 operations need to know about one resource."""

    collection: Collection  # stored apart from the v4 resource of the same name
    segment: str  # the URL segment, and the key of the resource in an event payload
    type_name: str  # `@type`, required in v5 (Extensible)
    schema: str  # a resource as returned
    create_schema: str  # POST body (`*_FVO`)
    read_only: tuple[str, ...]  # server-owned or fixed at creation: a PATCH may not change them
    machine: Machine


PRODUCT_ORDER = Kind(
    collection="productOrderV5",
    segment="productOrder",
    type_name="ProductOrder",
    schema="ProductOrder",
    create_schema="ProductOrder_FVO",
    read_only=("id", "href", "@type", "creationDate", "requestedInitialState"),
    machine=states.ORDER,
)
CANCEL_PRODUCT_ORDER = Kind(
    collection="cancelProductOrderV5",
    segment="cancelProductOrder",
    type_name="CancelProductOrder",
    schema="CancelProductOrder",
    create_schema="CancelProductOrder_FVO",
    read_only=("id", "href", "@type", "creationDate"),
    machine=states.TASK,
)
#: PATCH bodies that are a (partial) resource: merge patch and plain JSON (OAS `ProductOrder_MVO`).
PATCH_SCHEMA = "ProductOrder_MVO"
#: PATCH bodies that are operations: JSON Patch and JSON Patch Query (OAS `JsonPatchOperations`).
OPERATIONS_SCHEMA = "JsonPatchOperations"
