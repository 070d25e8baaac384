"""/health names the store it runs on and counts its orders: on every store (the rest of the routing and
OpenAPI tests are `store_independent`)."""

from __future__ import annotations

from tests.support.mock.mock_helpers import TIMEOUT_S, Api


def test_health_at_the_root(api: Api, store_kind: str) -> None:
    response = api.http.get(f"{api.root}/health")
    assert response.status_code == 200
    health = response.json()
    assert (health["status"], health["store"], health["orders"]) == ("ok", store_kind, 0)


def test_health_reports_store_and_order_count(api: Api, store_kind: str) -> None:
    api.create_order()
    api.create_order()
    for url in (f"{api.root}/health", api.url("health")):
        response = api.http.get(url, timeout=TIMEOUT_S)
        assert response.status_code == 200
        health = response.json()
        assert {key: health[key] for key in ("status", "store", "orders")} == {
            "status": "ok",
            "store": store_kind,
            "orders": 2,
        }
        assert (health["notifications"]["queuedEvents"], health["notifications"]["lanes"]) == (0, [])
