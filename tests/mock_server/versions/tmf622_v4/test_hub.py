"""The /hub handlers over real HTTP on loopback, and the subscription registry behind them."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from yarl import URL

from mock_server.config.settings import Settings
from mock_server.domain.events import NullEventSink
from mock_server.http.errors import error_middleware
from mock_server.keys import CHANNELS_KEY, SETTINGS_KEY
from mock_server.notify.hub import HubRegistry, InvalidSubscription
from mock_server.notify.notifier import Notifier
from mock_server.notify.settings import NotifierSettings
from mock_server.plugin import Channel
from mock_server.versions.tmf622_common.envelopes import EventFactory
from mock_server.versions.tmf622_v4.hub import register_listener, retrieve_listener, unregister_listener
from mock_server.versions.tmf622_v4.resources import NAME
from tmf622_schemas import validator_for

BASE = "/tmf-api/productOrderingManagement/v4"
CALLBACK = "http://127.0.0.1:9/client"


def make_app(registry: HubRegistry) -> web.Application:
    """The hub handlers alone, with what they need of the mock: its settings and error middleware."""
    app = web.Application(middlewares=[error_middleware])
    app[SETTINGS_KEY] = Settings()
    notifier = Notifier(registry, NotifierSettings.of(app[SETTINGS_KEY]), events=EventFactory())
    app[CHANNELS_KEY] = {NAME: Channel(NAME, registry, notifier, NullEventSink())}
    app.router.add_post(f"{BASE}/hub", register_listener)
    app.router.add_get(f"{BASE}/hub/{{id}}", retrieve_listener)
    app.router.add_delete(f"{BASE}/hub/{{id}}", unregister_listener)
    return app


def counting_ids() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"sub-{next(counter)}"


def with_client(scenario: Callable[[TestClient[web.Request, web.Application]], Awaitable[None]]) -> None:
    """Run `scenario` against the hub app served on a free loopback port, with a deadline."""

    async def main() -> None:
        async with TestClient(TestServer(make_app(HubRegistry(counting_ids())))) as client:
            await asyncio.wait_for(scenario(client), timeout=10)

    asyncio.run(main())


def assert_error(body: Any, status: int) -> None:
    assert list(validator_for("Error").iter_errors(body)) == []
    assert body["status"] == str(status)
    assert body["code"] == str(status)
    assert body["@type"] == "Error"
    assert body["message"]


def test_register_retrieve_unregister_round_trip() -> None:
    async def scenario(client: TestClient[web.Request, web.Application]) -> None:
        created = await client.post(f"{BASE}/hub", json={"callback": CALLBACK, "query": "eventType=X"})
        assert created.status == 201
        assert created.headers["Content-Type"] == "application/json;charset=utf-8"
        body = await created.json()
        assert body == {"id": "sub-1", "callback": CALLBACK, "query": "eventType=X"}
        assert list(validator_for("EventSubscription").iter_errors(body)) == []
        assert created.headers["Location"] == str(client.make_url(f"{BASE}/hub/sub-1"))
        location = URL(created.headers["Location"]).path  # the test client takes paths only

        fetched = await client.get(location)
        assert fetched.status == 200
        assert await fetched.json() == body

        deleted = await client.delete(location)
        assert deleted.status == 204
        assert await deleted.read() == b""

        gone = await client.get(location)
        assert gone.status == 404
        assert_error(await gone.json(), 404)

    with_client(scenario)


def test_subscription_without_query_has_no_query_field() -> None:
    async def scenario(client: TestClient[web.Request, web.Application]) -> None:
        created = await client.post(f"{BASE}/hub", json={"callback": CALLBACK})
        assert created.status == 201
        assert await created.json() == {"id": "sub-1", "callback": CALLBACK}

    with_client(scenario)


@pytest.mark.parametrize(
    ("payload", "hint"),
    [
        pytest.param(b"{}", "'callback' is a required property", id="missing-callback"),
        pytest.param(b'{"callback": ', "not valid JSON", id="malformed-json"),
        pytest.param(b"", "not valid JSON", id="empty-body"),
        pytest.param(b"\xff\xfe", "not valid JSON", id="not-utf8"),
        pytest.param(b"[]", "is not of type 'object'", id="array-body"),
        pytest.param(b'{"callback": 42}', "$.callback", id="callback-not-string"),
        pytest.param(b'{"callback": "client/listener"}', "absolute http(s) URL", id="relative-callback"),
        pytest.param(b'{"callback": "ftp://h/x"}', "absolute http(s) URL", id="ftp-callback"),
        pytest.param(b'{"callback": "http://[::1"}', "not a URL", id="broken-url"),
        pytest.param(b'{"callback": "http://h/x", "query": 3}', "$.query", id="query-not-string"),
        pytest.param(b'{"callback": "http://h/x", "query": "state"}', "name=value", id="query-no-equals"),
    ],
)
def test_bad_subscription_is_400_error(payload: bytes, hint: str) -> None:
    async def scenario(client: TestClient[web.Request, web.Application]) -> None:
        response = await client.post(
            f"{BASE}/hub", data=payload, headers={"Content-Type": "application/json"}
        )
        assert response.status == 400
        body = await response.json()
        assert_error(body, 400)
        assert hint in body["message"]
        assert "Location" not in response.headers

    with_client(scenario)


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_unknown_subscription_is_404_error(method: str) -> None:
    async def scenario(client: TestClient[web.Request, web.Application]) -> None:
        response = await client.request(method, f"{BASE}/hub/nope")
        assert response.status == 404
        body = await response.json()
        assert_error(body, 404)
        assert "'nope'" in body["message"]

    with_client(scenario)


def test_registry_matches_by_query_in_registration_order() -> None:
    async def scenario() -> None:
        registry = HubRegistry(counting_ids())
        everything = await registry.add("http://a.example/")
        creates = await registry.add("https://b.example/x", "eventType=ProductOrderCreateEvent")
        await registry.add("http://c.example/", "eventType=ProductOrderDeleteEvent")

        assert registry.matching({"eventType": "ProductOrderCreateEvent"}) == [everything, creates]
        assert len(registry) == 3
        assert await registry.remove(everything.id) is True
        assert await registry.remove(everything.id) is False
        assert registry.matching({"eventType": "ProductOrderCreateEvent"}) == [creates]

    asyncio.run(scenario())


def test_registry_refuses_bad_callback_and_query_without_registering() -> None:
    async def scenario() -> None:
        registry = HubRegistry()
        with pytest.raises(InvalidSubscription, match="absolute"):
            await registry.add("mailto:someone@example.com")
        with pytest.raises(InvalidSubscription, match="empty attribute name"):
            await registry.add("http://ok.example/", "event..state=x")
        assert len(registry) == 0

    asyncio.run(scenario())
