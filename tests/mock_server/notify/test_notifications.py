"""Event envelopes, the subscription query filter, and delivery to real listeners on loopback."""

from __future__ import annotations

import asyncio
import itertools
import socket
import time
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from mock_server.domain.events import NullEventSink
from mock_server.handlers.control import deliveries_of
from mock_server.http.paths import CONTROL_PREFIX
from mock_server.keys import CHANNELS_KEY, NOTIFIER_KEY
from mock_server.notify.envelopes import listener_url
from mock_server.notify.filters import EventFilter, QueryError
from mock_server.notify.hub import HubRegistry
from mock_server.notify.notifier import Notifier
from mock_server.notify.settings import NotifierSettings
from mock_server.plugin import Channel
from mock_server.versions.tmf622_common.envelopes import EventFactory, EventType
from tests.support.mock.async_listener import Listener
from tmf622_schemas import load_schema, validator_for

DEADLINE = 10.0
ORDER = {"id": "PO-1", "state": "acknowledged", "productOrderItem": [{"id": "1", "action": "add"}]}
CANCEL = {"id": "CPO-1", "state": "acknowledged", "productOrder": {"id": "PO-1"}}
FIXED = datetime(2026, 11, 27, 10, 0, 0, 123456, tzinfo=UTC)

#: TMF622 v4 swagger: the client-side listener path of each event type.
LISTENER_NAMES = {
    EventType.PRODUCT_ORDER_CREATE: "productOrderCreateEvent",
    EventType.PRODUCT_ORDER_ATTRIBUTE_VALUE_CHANGE: "productOrderAttributeValueChangeEvent",
    EventType.PRODUCT_ORDER_STATE_CHANGE: "productOrderStateChangeEvent",
    EventType.PRODUCT_ORDER_DELETE: "productOrderDeleteEvent",
    EventType.PRODUCT_ORDER_INFORMATION_REQUIRED: "productOrderInformationRequiredEvent",
    EventType.CANCEL_PRODUCT_ORDER_CREATE: "cancelProductOrderCreateEvent",
    EventType.CANCEL_PRODUCT_ORDER_STATE_CHANGE: "cancelProductOrderStateChangeEvent",
    EventType.CANCEL_PRODUCT_ORDER_INFORMATION_REQUIRED: "cancelProductOrderInformationRequiredEvent",
}


def resource_for(event_type: EventType) -> dict[str, Any]:
    return CANCEL if event_type.resource_key == "cancelProductOrder" else ORDER


def field_path_for(event_type: EventType) -> tuple[str, ...]:
    return ("state", "note") if event_type.has_field_path else ()


def deterministic_factory() -> EventFactory:
    counter = itertools.count(1)
    return EventFactory(new_id=lambda: f"evt-{next(counter)}", clock=lambda: FIXED)


def run(scenario: Awaitable[None]) -> None:
    """Every async scenario gets one overall deadline instead of sleeps."""

    async def main() -> None:
        await asyncio.wait_for(scenario, timeout=DEADLINE)

    asyncio.run(main())


class RecordingSleep:
    """Stands in for asyncio.sleep: records the back-off delays and yields without waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        await asyncio.sleep(0)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def started(notifier: Notifier) -> Notifier:
    await notifier.start()
    return notifier


# --- envelopes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("event_type", list(EventType))
def test_envelope_is_valid_against_its_event_schema(event_type: EventType) -> None:
    envelope = deterministic_factory().build(
        event_type, resource_for(event_type), field_path=field_path_for(event_type)
    )
    assert list(validator_for(event_type.value).iter_errors(envelope)) == []
    # The schemas allow extra fields, so also check we send nothing the v4 definition lacks.
    schema = load_schema(event_type.value)
    assert set(envelope) <= set(schema["properties"])
    assert envelope["event"] == {event_type.resource_key: resource_for(event_type)}
    assert envelope["eventType"] == envelope["title"] == event_type.value
    assert ("fieldPath" in envelope) is event_type.has_field_path


def test_envelope_fields_are_deterministic_with_injected_id_and_clock() -> None:
    factory = deterministic_factory()
    first = factory.build(EventType.PRODUCT_ORDER_ATTRIBUTE_VALUE_CHANGE, ORDER, field_path=["state", "note"])
    second = factory.build(EventType.PRODUCT_ORDER_CREATE, ORDER)
    assert (first["eventId"], second["eventId"]) == ("evt-1", "evt-2")
    assert first["eventTime"] == first["timeOcurred"] == "2026-11-27T10:00:00.123Z"
    assert first["fieldPath"] == "state,note"
    assert first["correlationId"] == "PO-1"
    assert first["domain"] == "productOrderingManagement"
    assert "PO-1" in first["description"]


def test_envelope_snapshots_the_resource() -> None:
    order = {"id": "PO-2", "state": "acknowledged", "productOrderItem": [{"id": "1", "action": "add"}]}
    envelope = EventFactory().build(EventType.PRODUCT_ORDER_CREATE, order)
    order["state"] = "completed"
    order["productOrderItem"][0]["action"] = "delete"
    assert envelope["event"]["productOrder"]["state"] == "acknowledged"
    assert envelope["event"]["productOrder"]["productOrderItem"][0]["action"] == "add"


def test_schema_check_catches_a_broken_envelope() -> None:
    envelope = EventFactory().build(EventType.PRODUCT_ORDER_CREATE, ORDER)
    envelope["eventTime"] = "yesterday"
    envelope["event"]["productOrder"]["state"] = "sleeping"
    errors = {error.json_path for error in validator_for("ProductOrderCreateEvent").iter_errors(envelope)}
    assert errors == {"$.eventTime", "$.event.productOrder.state"}


def test_field_path_is_refused_on_kinds_without_it_and_optional_on_the_others() -> None:
    with pytest.raises(ValueError, match="carries no fieldPath"):
        EventFactory().build(EventType.PRODUCT_ORDER_CREATE, ORDER, field_path=["state"])
    envelope = EventFactory().build(EventType.PRODUCT_ORDER_ATTRIBUTE_VALUE_CHANGE, ORDER)
    assert "fieldPath" not in envelope


@pytest.mark.parametrize("name", ["ProductOrderStateChangeEvent", "productOrderStateChangeEvent"])
def test_event_type_parses_type_and_listener_name(name: str) -> None:
    assert EventType.parse(name) is EventType.PRODUCT_ORDER_STATE_CHANGE


@pytest.mark.parametrize("name", ["", "productOrderUpdateEvent", "PRODUCTORDERCREATEEVENT"])
def test_unknown_event_type_is_a_programming_error(name: str) -> None:
    with pytest.raises(ValueError, match="not a TMF622 v4 event type"):
        EventType.parse(name)


def test_listener_names_are_the_v4_paths() -> None:
    assert {t: t.listener_name for t in EventType} == LISTENER_NAMES


@pytest.mark.parametrize(
    ("callback", "expected"),
    [
        ("http://h:1/cb", "http://h:1/cb/listener/productOrderCreateEvent"),
        ("http://h:1/cb/", "http://h:1/cb/listener/productOrderCreateEvent"),
        ("https://h", "https://h/listener/productOrderCreateEvent"),
        ("http://h/cb/?token=a%20b", "http://h/cb/listener/productOrderCreateEvent?token=a%20b"),
    ],
)
def test_listener_url_trims_trailing_slash_and_keeps_query(callback: str, expected: str) -> None:
    assert listener_url(callback, EventType.PRODUCT_ORDER_CREATE) == expected


# --- query filter -------------------------------------------------------------------------------

SAMPLE = EventFactory().build(
    EventType.PRODUCT_ORDER_STATE_CHANGE,
    {**ORDER, "state": "completed", "productOrderItem": [{"id": "1", "state": "completed", "quantity": 2}]},
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (None, True),
        ("", True),
        ("eventType=ProductOrderStateChangeEvent", True),
        ("eventType=ProductOrderCreateEvent", False),
        ("eventType=ProductOrderCreateEvent,ProductOrderStateChangeEvent", True),
        ("?eventType = ProductOrderStateChangeEvent", True),
        ("event.productOrder.state=completed", True),
        ("event.productOrder.state=acknowledged,held", False),
        ("eventType=ProductOrderStateChangeEvent&event.productOrder.state=completed", True),
        ("eventType=ProductOrderStateChangeEvent&event.productOrder.state=held", False),
        ("event.productOrder.productOrderItem.quantity=2", True),
        ("event.productOrder.productOrderItem.state=held", False),
        ("event.productOrder=completed", False),
        ("event.productOrder.nothing=completed", False),
    ],
)
def test_query_filter(query: str | None, expected: bool) -> None:
    assert EventFilter.parse(query).matches(SAMPLE) is expected


@pytest.mark.parametrize("query", ["state", "=x", "event..state=x", "state=", "state= , "])
def test_malformed_query_is_refused(query: str) -> None:
    with pytest.raises(QueryError):
        EventFilter.parse(query)


# --- delivery -----------------------------------------------------------------------------------


@pytest.mark.parametrize("event_type", list(EventType))
def test_event_is_posted_to_the_listener_path_of_its_type(event_type: EventType) -> None:
    async def scenario() -> None:
        hub = HubRegistry()
        async with Listener() as listener:
            subscription = await hub.add(listener.url("/client/"))
            notifier = await started(Notifier(hub, events=EventFactory()))
            notifier.publish(event_type, resource_for(event_type), field_path=field_path_for(event_type))
            request, body = await listener.received.get()
            await notifier.join()
            await notifier.stop()
        assert request.path == f"/client/listener/{LISTENER_NAMES[event_type]}"
        assert request.headers["Content-Type"] == "application/json;charset=utf-8"
        assert body["eventType"] == event_type.value
        assert body["event"] == {event_type.resource_key: resource_for(event_type)}
        assert list(validator_for(event_type.value).iter_errors(body)) == []
        [entry] = notifier.deliveries()
        assert entry["eventId"] == body["eventId"]
        assert entry["eventType"] == event_type.value
        assert entry["subscriptionId"] == subscription.id
        assert entry["url"] == listener.url(f"/client/listener/{LISTENER_NAMES[event_type]}")
        assert (entry["attempt"], entry["status"], entry["error"]) == (1, 201, None)
        assert entry["time"].endswith("Z")

    run(scenario())


def test_failed_deliveries_are_retried_with_exponential_backoff() -> None:
    async def scenario() -> None:
        hub = HubRegistry()
        sleep = RecordingSleep()
        settings = NotifierSettings(max_attempts=4, base_delay=0.25)
        async with Listener(statuses=(500, 500, 201)) as listener:
            await hub.add(listener.url("/cb"))
            notifier = await started(Notifier(hub, settings, sleep=sleep, events=EventFactory()))
            notifier.publish(EventType.PRODUCT_ORDER_CREATE, ORDER)
            await notifier.join()
            await notifier.stop()
        assert listener.received.qsize() == 3
        log = [(e["attempt"], e["status"], e["error"]) for e in notifier.deliveries()]
        assert log == [(1, 500, None), (2, 500, None), (3, 201, None)]
        assert sleep.delays == [0.25, 0.5]

    run(scenario())


def test_unreachable_listener_is_given_up_after_max_attempts() -> None:
    async def scenario() -> None:
        hub = HubRegistry()
        await hub.add(f"http://127.0.0.1:{closed_port()}/cb")
        settings = NotifierSettings(max_attempts=3, base_delay=0.01)
        notifier = await started(Notifier(hub, settings, events=EventFactory()))
        notifier.publish(EventType.PRODUCT_ORDER_DELETE, ORDER)
        await notifier.join()
        await notifier.stop()
        log = notifier.deliveries()
        assert [e["attempt"] for e in log] == [1, 2, 3]
        assert all(e["status"] is None and "ClientConnectorError" in e["error"] for e in log)

    run(scenario())


def test_each_attempt_has_its_own_timeout() -> None:
    async def scenario() -> None:
        hub = HubRegistry()
        settings = NotifierSettings(max_attempts=2, base_delay=0.0, attempt_timeout=0.05)
        async with Listener(hang=True) as listener:
            await hub.add(listener.url("/cb"))
            notifier = await started(Notifier(hub, settings, events=EventFactory()))
            notifier.publish(EventType.PRODUCT_ORDER_CREATE, ORDER)
            await notifier.join()
            await notifier.stop()
        log = notifier.deliveries()
        assert [(e["attempt"], e["status"], e["error"]) for e in log] == [
            (1, None, "timeout after 0.05s"),
            (2, None, "timeout after 0.05s"),
        ]

    run(scenario())


def test_subscription_query_selects_events() -> None:
    async def scenario() -> None:
        hub = HubRegistry()
        async with Listener() as filtered, Listener() as everything:
            await hub.add(filtered.url("/f"), "eventType=ProductOrderStateChangeEvent")
            await hub.add(everything.url("/all"))
            notifier = await started(Notifier(hub, events=EventFactory()))
            notifier.publish(EventType.PRODUCT_ORDER_CREATE, ORDER)
            notifier.publish(EventType.PRODUCT_ORDER_STATE_CHANGE, {**ORDER, "state": "inProgress"})
            await notifier.join()
            await notifier.stop()
        got_filtered = [body["eventType"] for _, body in _drain(filtered.received)]
        got_all = [body["eventType"] for _, body in _drain(everything.received)]
        assert got_filtered == ["ProductOrderStateChangeEvent"]
        assert got_all == ["ProductOrderCreateEvent", "ProductOrderStateChangeEvent"]

    run(scenario())


def _drain(queue: asyncio.Queue[tuple[web.Request, Any]]) -> list[tuple[web.Request, Any]]:
    return [queue.get_nowait() for _ in range(queue.qsize())]


def test_full_queue_refuses_new_events_and_logs_them() -> None:
    async def scenario() -> None:
        hub = HubRegistry()
        async with Listener() as listener:
            subscription = await hub.add(listener.url("/cb"))
            notifier = Notifier(hub, NotifierSettings(queue_size=2), events=deterministic_factory())
            for _ in range(3):
                notifier.publish(EventType.PRODUCT_ORDER_CREATE, ORDER)
            assert notifier.pending == 2
            [refused] = notifier.deliveries()
            expected = ("evt-3", 0, subscription.id)
            assert (refused["eventId"], refused["attempt"], refused["subscriptionId"]) == expected
            assert "queue full" in refused["error"]

            await notifier.start()
            await notifier.join()
            await notifier.stop()
        delivered = [body["eventId"] for _, body in _drain(listener.received)]
        assert delivered == ["evt-1", "evt-2"]

    run(scenario())


def test_publish_without_subscribers_queues_nothing() -> None:
    notifier = Notifier(HubRegistry(), NotifierSettings(queue_size=1), events=EventFactory())
    for _ in range(3):
        notifier.publish(EventType.PRODUCT_ORDER_CREATE, ORDER)
    assert notifier.pending == 0
    assert notifier.deliveries() == []


def api_app(hub: HubRegistry, notifier: Notifier) -> web.Application:
    """A stand-in for the mock: one API route that publishes, the log route, the cleanup context."""

    async def create_order(request: web.Request) -> web.Response:
        request.app[NOTIFIER_KEY].publish(EventType.PRODUCT_ORDER_CREATE, ORDER)
        return web.json_response(ORDER, status=201)

    app = web.Application()
    app[NOTIFIER_KEY] = notifier
    app.cleanup_ctx.append(notifier.lifetime)
    app.router.add_post("/productOrder", create_order)
    app[CHANNELS_KEY] = {"": Channel("", hub, notifier, NullEventSink())}
    app.router.add_get(f"{CONTROL_PREFIX}/deliveries", deliveries_of(""))
    return app


def test_api_call_returns_while_listener_hangs_and_log_is_served() -> None:
    async def scenario() -> None:
        hub = HubRegistry()
        async with Listener(hang=True) as listener:
            await hub.add(listener.url("/cb"))
            notifier = Notifier(hub, NotifierSettings(attempt_timeout=5.0), events=EventFactory())
            async with TestClient(TestServer(api_app(hub, notifier))) as client:
                began = time.monotonic()
                response = await client.post("/productOrder", json={})
                elapsed = time.monotonic() - began
                assert response.status == 201
                await listener.received.get()  # the listener holds the delivery open ...
                assert not listener.release.is_set()
                assert elapsed < 1.0  # ... and the API answered well before the 5 s attempt timeout
                listener.release.set()
                await notifier.join()
                log = await (await client.get("/_mock/deliveries")).json()
        assert [(e["attempt"], e["status"]) for e in log] == [(1, 201)]

    run(scenario())


def test_logged_urls_carry_no_credentials() -> None:
    async def scenario() -> None:
        hub = HubRegistry()
        async with Listener() as listener:
            callback = listener.url("/cb?token=s3cret").replace("http://", "http://user:pa55@")
            await hub.add(callback)
            notifier = await started(Notifier(hub, events=EventFactory()))
            notifier.publish(EventType.PRODUCT_ORDER_CREATE, ORDER)
            request, _ = await listener.received.get()
            await notifier.join()
            await notifier.stop()
        assert request.query["token"] == "s3cret"
        assert "Authorization" in request.headers
        [entry] = notifier.deliveries()
        assert entry["url"] == listener.url("/cb/listener/productOrderCreateEvent")
        assert "s3cret" not in str(entry)
        assert "pa55" not in str(entry)

    run(scenario())


def test_backoff_is_capped_and_bad_settings_are_refused() -> None:
    settings = NotifierSettings(base_delay=1.0, max_delay=3.0)
    assert [settings.backoff(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 3.0, 3.0]
    for bad in ({"queue_size": 0}, {"max_attempts": 0}, {"attempt_timeout": 0}, {"base_delay": -1}):
        with pytest.raises(ValueError, match="must be"):
            NotifierSettings(**bad)
