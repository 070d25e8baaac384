"""The two TMF622 resource kinds this server stores, and the server-made values they carry."""

from __future__ import annotations

from dataclasses import dataclass

from mock_server.domain.state_machine import ORDER, TASK, Machine
from mock_server.store.base import Collection

#: Resource ids are opaque strings; anything longer is simply not one of ours.
MAX_ID_LENGTH = 256


@dataclass(frozen=True, slots=True)
class ResourceKind:
    """What differs between productOrder and cancelProductOrder for the shared operations."""

    collection: Collection  # also the URL segment and the event name prefix
    type_name: str  # default `@type`
    schema: str  # a stored resource (checked after PATCH)
    create_schema: str  # POST body
    read_only: tuple[str, ...]  # server-owned, refused in PATCH
    machine: Machine  # governs `state`


PRODUCT_ORDER = ResourceKind(
    collection="productOrder",
    type_name="ProductOrder",
    schema="ProductOrder",
    create_schema="ProductOrder_Create",
    # Server-owned (refused by ProductOrder_Create) except `state`, which PATCH moves along the
    # table; `@type` stays the class the order was created as.
    read_only=("id", "href", "orderDate", "completionDate", "expectedCompletionDate", "@type"),
    machine=ORDER,
)
CANCEL_PRODUCT_ORDER = ResourceKind(
    collection="cancelProductOrder",
    type_name="CancelProductOrder",
    schema="CancelProductOrder",
    create_schema="CancelProductOrder_Create",
    read_only=("id", "href", "effectiveCancellationDate", "@type"),  # as for PRODUCT_ORDER
    machine=TASK,
)
