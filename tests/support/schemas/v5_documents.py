"""v5 documents for the schema tests: valid ones, invalid ones (each with what makes it so), mutations."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

WHEN = "2026-12-02T10:00:00Z"

#: An order item as a client POSTs it: `id`, `action`, `@type` are required (ProductOrderItem_FVO).
ITEM_FVO: dict[str, Any] = {
    "@type": "ProductOrderItem",
    "id": "1",
    "action": "add",
    "quantity": 1,
    "productOffering": {"@type": "ProductOfferingRef", "id": "14277"},
    "product": {
        "@type": "Product",
        "productCharacteristic": [
            {"@type": "StringCharacteristic", "name": "colour", "value": "red"},
            {"@type": "IntegerCharacteristic", "name": "speed", "value": 100},
        ],
    },
}

#: POST /productOrder body (ProductOrder_FVO): `@type` and `productOrderItem` are required.
CREATE: dict[str, Any] = {
    "@type": "ProductOrder",
    "description": "Broadband for a new flat",
    "requestedInitialState": "acknowledged",
    "relatedParty": [
        {
            "@type": "RelatedPartyRefOrPartyRoleRef",
            "role": "customer",
            "partyOrPartyRole": {"@type": "PartyRef", "id": "p-1"},
        }
    ],
    "productOrderItem": [ITEM_FVO],
}

#: A ProductOrder as the server answers it.
ORDER: dict[str, Any] = {
    **CREATE,
    "id": "42",
    "href": "/tmf-api/productOrderingManagement/v5/productOrder/42",
    "creationDate": WHEN,
    "state": "inProgress.accepted",
    "productOrderItem": [{**ITEM_FVO, "state": "acknowledged"}],
}

CANCEL_FVO: dict[str, Any] = {
    "@type": "CancelProductOrder",
    "productOrder": {"@type": "ProductOrderRef", "id": "42"},
    "cancellationReason": "duplicate",
}
CANCEL: dict[str, Any] = {**CANCEL_FVO, "id": "c-1", "href": "/cancelProductOrder/c-1", "state": "done"}
ERROR: dict[str, Any] = {"@type": "Error", "code": "400", "reason": "Bad request", "status": "400"}


def event(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A v5 event envelope of `kind` carrying `payload`."""
    return {
        "@type": kind,
        "eventId": "e-1",
        "eventType": kind,
        "eventTime": WHEN,
        "timeOccurred": WHEN,
        "source": {"@type": "EntityRef", "id": "42"},
        "event": payload,
    }


def item_with(**changes: Any) -> dict[str, Any]:
    """CREATE with its first item changed (a value of None removes the field)."""
    document = copy.deepcopy(CREATE)
    item = document["productOrderItem"][0]
    for key, value in changes.items():
        if value is None:
            item.pop(key)
        else:
            item[key] = value
    return document


def without(document: dict[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in document.items() if name != key}


def characteristic(kind: str, value: Any) -> dict[str, Any]:
    """CREATE whose item's product has one characteristic of `@type` `kind`."""
    product = {"@type": "Product", "productCharacteristic": [{"@type": kind, "name": "c", "value": value}]}
    return item_with(product=product)


#: (schema, valid document).
VALID: list[tuple[str, dict[str, Any]]] = [
    ("ProductOrder_FVO", CREATE),
    (
        "ProductOrder_FVO",
        {"@type": "ProductOrder", "productOrderItem": [ITEM_FVO], "requestedInitialState": "draft"},
    ),
    ("ProductOrder_FVO", characteristic("MyOwnCharacteristic", {"any": "value"})),  # an extension type
    ("ProductOrder", ORDER),
    ("ProductOrder", {"@type": "ProductOrder", "id": "42"}),  # a ?fields=id selection
    ("ProductOrder_MVO", {"@type": "ProductOrder", "description": "new text", "state": "held"}),
    ("CancelProductOrder_FVO", CANCEL_FVO),
    ("CancelProductOrder", CANCEL),
    ("Error", ERROR),
    ("Hub_FVO", {"@type": "Hub", "callback": "http://127.0.0.1:9/listener", "query": "eventType=x"}),
    ("ProductOrderCreateEvent", event("ProductOrderCreateEvent", {"productOrder": ORDER})),
    ("ProductOrderStateChangeEvent", event("ProductOrderStateChangeEvent", {"productOrder": ORDER})),
    (
        "ProductOrderAttributeValueChangeEvent",
        event("ProductOrderAttributeValueChangeEvent", {"productOrder": ORDER}),
    ),
    ("ProductOrderDeleteEvent", event("ProductOrderDeleteEvent", {"productOrder": ORDER})),
    (
        "ProductOrderInformationRequiredEvent",
        event(
            "ProductOrderInformationRequiredEvent",
            {
                "productOrder": {"@type": "ProductOrderRef", "id": "42"},
                "informationRequired": {"op": "add", "path": "/x"},
            },
        ),
    ),
    ("CancelProductOrderCreateEvent", event("CancelProductOrderCreateEvent", {"cancelProductOrder": CANCEL})),
    (
        "CancelProductOrderStateChangeEvent",
        event("CancelProductOrderStateChangeEvent", {"cancelProductOrder": CANCEL}),
    ),
]

#: (schema, invalid document, why).
INVALID: list[tuple[str, dict[str, Any], str]] = [
    ("ProductOrder_FVO", without(CREATE, "productOrderItem"), "productOrderItem is required"),
    ("ProductOrder_FVO", without(CREATE, "@type"), "@type is required (Extensible_FVO)"),
    (
        "ProductOrder_FVO",
        {**CREATE, "requestedInitialState": "completed"},
        "initial state is draft|acknowledged",
    ),
    ("ProductOrder_FVO", item_with(action="upgrade"), "ItemActionType enum"),
    ("ProductOrder_FVO", item_with(id=None), "an item id is required"),
    ("ProductOrder_FVO", item_with(quantity="one"), "quantity is an integer"),
    ("ProductOrder", {**ORDER, "state": "done"}, "ProductOrderStateType enum"),
    ("ProductOrder", {**ORDER, "creationDate": "yesterday"}, "date-time format"),
    ("ProductOrder", without(ORDER, "@type"), "@type is required (Extensible)"),
    ("ProductOrder_MVO", {"description": "no type"}, "@type is required (Entity_MVO -> Extensible)"),
    ("ProductOrder_MVO", {"@type": "ProductOrder", "state": 5}, "state is a string enum"),
    ("CancelProductOrder_FVO", without(CANCEL_FVO, "productOrder"), "productOrder is required"),
    ("CancelProductOrder_FVO", {**CANCEL_FVO, "productOrder": {"@type": "ProductOrderRef"}}, "ref needs id"),
    ("CancelProductOrder", {**CANCEL, "state": "completed"}, "TaskStateType enum"),
    ("Error", without(ERROR, "reason"), "reason is required"),
    ("Error", {**ERROR, "code": 400}, "code is a string"),
    ("Hub_FVO", {"@type": "Hub"}, "callback is required"),
    (
        "ProductOrderCreateEvent",
        event("ProductOrderCreateEvent", {"productOrder": {**ORDER, "state": "done"}}),
        "the payload's order is checked",
    ),
    ("ProductOrderStateChangeEvent", {**event("x", {}), "eventTime": "now"}, "date-time format"),
    # The discriminator at work: each of these is valid for the base schema, not for the mapped one.
    ("ProductOrder_FVO", characteristic("IntegerCharacteristic", "fast"), "IntegerCharacteristic value"),
    ("ProductOrder_FVO", characteristic("StringCharacteristic", 7), "StringCharacteristic value"),
    ("ProductOrder_FVO", item_with(product={"@type": "ProductRef"}), "a ProductRef needs id"),
]


def mutations(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Small breakages of `document`: each top-level field removed, or given a number, a list, null."""
    for key in document:
        yield without(document, key)
        for wrong in (12345, ["x"], None, "2026-13-45T99:99:99Z"):
            yield {**document, key: wrong}
