"""v5 holds every guarantee of the core, on every store, over real HTTP.

Each event goes once through the store (the outbox where replicas share one) to v5's own channel;
cancellation steps are version-checked writes (a concurrent PATCH is never lost); every PATCH
result is held to the size and depth budget (413 / 400, never a 500); a JSON Patch Query's
expansion is bounded (a 4xx at once, the loop and `/health` keep answering).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from mock_server.domain.patch_budget import resource_limit
from mock_server.keys import SETTINGS_KEY
from tests.support.mock.listener_helpers import Listener, listening
from tests.support.mock.mock_helpers import TIMEOUT_S, Api
from tests.support.mock.v5_helpers import (
    JSON_PATCH,
    JSON_PATCH_QUERY,
    MERGE_PATCH,
    assert_v5_error,
    create,
    item,
    patch,
    v5_url,
)


def _subscribe_v5(api: Api, listener: Listener) -> None:
    body = {"@type": "Hub", "callback": f"{listener.root}/client"}
    response = api.http.post(v5_url(api, "hub"), json=body, timeout=TIMEOUT_S)
    assert response.status_code == 201, response.text


def _until_marker(listener: Listener, marker_id: str) -> list[dict[str, Any]]:
    """Every envelope up to the marker order's create event: a lane delivers in order, so any
    duplicate of an earlier event would be among them."""

    def is_marker(envelope: dict[str, Any]) -> bool:
        return envelope["eventType"] == "ProductOrderCreateEvent" and _resource_id(envelope) == marker_id

    return listener.until(is_marker)


def _resource_id(envelope: dict[str, Any]) -> str:
    return str(next(iter(envelope["event"].values()))["id"])


def test_each_v5_event_goes_once_through_the_store_to_the_v5_channel_only(api: Api) -> None:
    with listening() as v5_listener, listening() as v4_listener:
        _subscribe_v5(api, v5_listener)
        v4_hub = {"callback": f"{v4_listener.root}/client"}
        assert api.http.post(api.url("hub"), json=v4_hub, timeout=TIMEOUT_S).status_code == 201
        with ThreadPoolExecutor(4) as pool:
            made = list(pool.map(lambda n: create(api, description=f"order {n}"), range(12)))
        body = {"@type": "ProductOrder", "description": "changed"}
        assert all(patch(api, o["id"], MERGE_PATCH, body).status_code == 200 for o in made)
        assert all(api.http.delete(o["href"], timeout=TIMEOUT_S).status_code == 204 for o in made[:4])
        marker = create(api)
        received = _until_marker(v5_listener, marker["id"])
        assert v4_listener.received.empty()
    seen = Counter((e["eventType"], _resource_id(e)) for e in received)
    expected = {("ProductOrderCreateEvent", o["id"]) for o in [*made, marker]}
    expected |= {("ProductOrderAttributeValueChangeEvent", o["id"]) for o in made}
    expected |= {("ProductOrderDeleteEvent", o["id"]) for o in made[:4]}
    assert set(seen) == expected
    assert set(seen.values()) == {1}, [key for key, n in seen.items() if n > 1]
    assert len({e["eventId"] for e in received}) == len(received)


def _add_notes(api: Api, order_id: str, worker: int, stop: threading.Event) -> list[str]:
    """PATCH notes in until `stop`; the notes the mock answered 200 for."""
    acknowledged, n = [], 0
    while not stop.is_set():
        text = f"note {worker}-{n}"
        body = [{"op": "add", "path": "/note/-", "value": {"text": text, "@type": "Note"}}]
        if patch(api, order_id, JSON_PATCH, body).status_code == 200:
            acknowledged.append(text)
        n += 1
    return acknowledged


def test_a_v5_cancellation_never_overwrites_a_concurrent_patch(api: Api) -> None:
    """Each cancellation step re-reads and writes only over the version it read (no last writer
    wins): every note a PATCH was told was stored is still in the order at the end."""
    for _ in range(6):
        order = create(api, note=[])
        stop = threading.Event()
        cancel = {
            "@type": "CancelProductOrder",
            "productOrder": {"id": order["id"], "@type": "ProductOrderRef"},
        }
        with ThreadPoolExecutor(3) as pool:
            writers = [pool.submit(_add_notes, api, order["id"], worker, stop) for worker in range(2)]
            task = api.http.post(v5_url(api, "cancelProductOrder"), json=cancel, timeout=TIMEOUT_S)
            stop.set()
            acknowledged = [text for writer in writers for text in writer.result()]
        assert task.status_code == 201, task.text
        assert task.json()["state"] in {"done", "terminatedWithError"}
        final = api.http.get(order["href"], timeout=TIMEOUT_S).json()
        kept = {note["text"] for note in final.get("note", [])}
        assert set(acknowledged) <= kept, sorted(set(acknowledged) - kept)[:5]


def _chain_then(final: dict[str, Any], levels: int = 1100) -> list[dict[str, Any]]:
    """`/a` made `levels` deep with short operations (add a holder, move `/a` into it, move it
    back), then `final`: a body far below the size limit that once answered 500 (RecursionError)."""
    deepen = [
        {"op": "add", "path": "/b", "value": {}},
        {"op": "move", "from": "/a", "path": "/b/a"},
        {"op": "move", "from": "/b", "path": "/a"},
    ]
    return [{"op": "add", "path": "/a", "value": {}}, *deepen * levels, final]


def test_a_deep_chain_then_copy_or_test_is_a_400_not_a_500(api: Api) -> None:
    order = create(api)
    for final in ({"op": "copy", "from": "/a", "path": "/c"}, {"op": "test", "path": "/a", "value": {}}):
        response = patch(api, order["id"], JSON_PATCH, _chain_then(final))
        assert_v5_error(response, 400, "deeper than")
    assert api.http.get(order["href"], timeout=TIMEOUT_S).json() == order


def test_forty_merge_patches_of_900_kb_meet_413_as_v4_does(api: Api) -> None:
    v4_order = api.create_order()
    v5_order = create(api)
    v4_statuses, v5_statuses = [], []
    for n in range(40):
        growth = {f"x{n}": "y" * 900_000}
        v4_statuses.append(
            api.http.patch(
                f"{api.base}/productOrder/{v4_order['id']}",
                json=growth,
                headers={"Content-Type": MERGE_PATCH},
                timeout=TIMEOUT_S,
            ).status_code
        )
        v5_statuses.append(
            patch(api, v5_order["id"], MERGE_PATCH, {"@type": "ProductOrder", **growth}).status_code
        )
    assert v5_statuses == v4_statuses
    assert v5_statuses.count(413) >= 39
    stored = api.http.get(v5_order["href"], timeout=TIMEOUT_S)
    assert len(stored.content) <= resource_limit(api.app[SETTINGS_KEY].max_body_bytes)


def test_a_json_patch_query_of_1000_tests_on_2000_items_is_refused_fast_and_health_answers(
    api: Api,
) -> None:
    items = [item(str(n)) for n in range(2000)]
    created = api.http.post(
        v5_url(api, "productOrder"),
        json={"@type": "ProductOrder", "productOrderItem": items},
        timeout=TIMEOUT_S,
    )
    assert created.status_code == 201, created.text
    order_id = created.json()["id"]
    operations = [
        {"op": "test", "path": f"/productOrderItem/action?productOrderItem.id={n}", "value": "add"}
        for n in range(1000)
    ]
    answers: list[requests.Response] = []
    sent = threading.Thread(target=lambda: answers.append(patch(api, order_id, JSON_PATCH_QUERY, operations)))
    started = time.monotonic()
    sent.start()
    health = requests.get(f"{api.root}/health", timeout=TIMEOUT_S)
    sent.join(TIMEOUT_S)
    elapsed = time.monotonic() - started
    assert health.status_code == 200
    assert answers, "the PATCH did not answer"
    assert_v5_error(answers[0], 400, "nodes")
    assert elapsed < 3.0, elapsed
