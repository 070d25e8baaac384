"""The two TMF622 resource kinds this server stores, and the server-made values they carry."""

from __future__ import annotations

from mock_server.domain.resources import ResourceKind
from mock_server.versions.tmf622_common.states import ORDER, TASK
from mock_server.versions.tmf622_v4.orders import on_order_updated

#: This plug-in's name: the key of its events channel and of its hub in a shared database ("": the
#: channel v4's subscriptions were stored under before the versions were plug-ins, kept as it is).
NAME = ""

PRODUCT_ORDER = ResourceKind(
    collection="productOrder",
    type_name="ProductOrder",
    schema="ProductOrder",
    create_schema="ProductOrder_Create",
    # Server-owned (refused by ProductOrder_Create) except `state`, which PATCH moves along the
    # table; `@type` stays the class the order was created as.
    read_only=("id", "href", "orderDate", "completionDate", "expectedCompletionDate", "@type"),
    machine=ORDER,
    on_update=on_order_updated,
)
CANCEL_PRODUCT_ORDER = ResourceKind(
    collection="cancelProductOrder",
    type_name="CancelProductOrder",
    schema="CancelProductOrder",
    create_schema="CancelProductOrder_Create",
    read_only=("id", "href", "effectiveCancellationDate", "@type"),  # as for PRODUCT_ORDER
    machine=TASK,
)
