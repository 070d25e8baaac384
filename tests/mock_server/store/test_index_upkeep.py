"""An order whose indexed values change keeps every filter's answer and count exact, over real HTTP.

The memory store moves only the changed keys between index buckets and knows whether any order has
several keys in one index (then `?relatedParty.id=a,b` may match one order twice and is walked, not
summed); an insert skips the key difference (see mock_server/store/indexes.py).
"""

from __future__ import annotations

from typing import Any

from tests.support.mock.mock_helpers import Api

MERGE = {"Content-Type": "application/merge-patch+json"}


def parties(*names: str) -> list[dict[str, str]]:
    return [{"id": name, "role": "customer", "@referredType": "Individual"} for name in names]


def listed(api: Api, query: str) -> tuple[list[str], str]:
    """The ids a filter lists, and the total it announces."""
    response = api.http.get(f"{api.url('productOrder')}?{query}")
    assert response.status_code == 200, response.text
    return [order["id"] for order in response.json()], response.headers["X-Total-Count"]


def patched(api: Api, order: dict[str, Any], **changes: Any) -> None:
    response = api.http.patch(api.url(f"productOrder/{order['id']}"), json=changes, headers=MERGE)
    assert response.status_code == 200, response.text


def test_an_order_that_gains_a_second_party_is_counted_once(api: Api) -> None:
    order = api.create_order(relatedParty=parties("a"))
    patched(api, order, relatedParty=parties("a", "b"))
    assert listed(api, "relatedParty.id=a,b") == ([order["id"]], "1")
    assert listed(api, "relatedParty.id=b") == ([order["id"]], "1")


def test_an_order_created_with_two_parties_is_counted_once(api: Api) -> None:
    order = api.create_order(relatedParty=parties("a", "b"))
    assert listed(api, "relatedParty.id=a,b") == ([order["id"]], "1")


def test_keys_a_change_drops_are_gone_and_kept_keys_stay(api: Api) -> None:
    order = api.create_order(relatedParty=parties("a", "b"), externalId="x1")
    other = api.create_order(relatedParty=parties("c"), externalId="x2")
    patched(api, order, relatedParty=parties("b", "c"), externalId="x3")
    assert listed(api, "relatedParty.id=a") == ([], "0")
    assert listed(api, "relatedParty.id=b") == ([order["id"]], "1")
    assert listed(api, "relatedParty.id=c") == ([other["id"], order["id"]], "2")  # newest first
    assert listed(api, "externalId=x1") == ([], "0")
    assert listed(api, "externalId=x3") == ([order["id"]], "1")
