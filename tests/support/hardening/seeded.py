"""A mock holding a few known orders, and a snapshot of what it stores (bad input must not change it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

TIMEOUT_S = 10

#: Orders the bad-input and injection tests start from: plain, with references, and cancelled.
SEED_ORDERS = (
    {"productOrderItem": [{"id": "1", "action": "add"}], "description": "plain"},
    {
        "productOrderItem": [{"id": "1", "action": "add", "quantity": 2}],
        "externalId": "ext-1",
        "relatedParty": [{"id": "cust-1", "@referredType": "Individual", "role": "customer"}],
        "note": [{"text": "first note"}],
    },
    {"productOrderItem": [{"id": "1", "action": "modify"}], "description": "to cancel"},
)


@dataclass(frozen=True)
class SeededMock:
    """A running mock holding SEED_ORDERS (the last one cancelled); `order_id` is still acknowledged."""

    url: str
    order_id: str

    def snapshot(self) -> dict[str, Any]:
        """Everything the mock stores that a client can list: compared before and after bad input."""
        lists = {}
        for collection in ("productOrder", "cancelProductOrder"):
            answer = requests.get(f"{self.url}/{collection}", params={"limit": 1000}, timeout=TIMEOUT_S)
            assert answer.status_code == 200, answer.text
            lists[collection] = answer.json()
        return lists


def seed(url: str) -> str:
    """Create SEED_ORDERS, cancel the last one; the id of the first (still acknowledged)."""
    ids: list[str] = []
    for body in SEED_ORDERS:
        created = requests.post(f"{url}/productOrder", json=body, timeout=TIMEOUT_S)
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    cancel = {"productOrder": {"id": ids[-1]}, "cancellationReason": "seed"}
    cancelled = requests.post(f"{url}/cancelProductOrder", json=cancel, timeout=TIMEOUT_S)
    assert cancelled.status_code == 201, cancelled.text
    return str(ids[0])
