"""TMF622 v4 bodies as a client sends them and a server returns them, and a way to vary them."""

from __future__ import annotations

import copy
from typing import Any

#: The official CTK's POST /productOrder body (scenario N1), written out here.
CTK_CREATE_BODY: dict[str, Any] = {
    "productOrderItem": [{"id": "123", "action": "add"}],
    "relatedParty": [{"id": "456-dd-df45", "@referredType": "Individual"}],
}


#: A product order the way a server returns it after that POST.
SERVER_ORDER: dict[str, Any] = {
    "id": "3f1c2a",
    "href": "https://example.test/tmf-api/productOrderingManagement/v4/productOrder/3f1c2a",
    "orderDate": "2026-11-27T10:00:00.000Z",
    "state": "acknowledged",
    "externalId": "PO-77",
    "priority": "1",
    "requestedStartDate": "2026-12-01T08:00:00+01:00",
    "expectedCompletionDate": "2026-12-05T17:00:00Z",
    "productOrderItem": [
        {
            "id": "123",
            "action": "add",
            "quantity": 2,
            "state": "acknowledged",
            "productOffering": {"id": "po-1", "name": "Fibre 1G"},
            "product": {"productCharacteristic": [{"name": "speed", "value": 1000}], "status": "created"},
        }
    ],
    "relatedParty": [{"id": "456-dd-df45", "@referredType": "Individual", "role": "customer"}],
    "note": [{"text": "ring twice", "date": "2026-11-27T10:00:00Z"}],
    "@type": "ProductOrder",
    "@schemaLocation": "https://example.test/schemas/ProductOrder.json",
}


def with_changes(base: dict[str, Any], path: list[str | int], value: Any) -> dict[str, Any]:
    """A deep copy of `base` with the value at `path` replaced (or removed when value is ...)."""
    body = copy.deepcopy(base)
    target: Any = body
    for step in path[:-1]:
        target = target[step]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return body
