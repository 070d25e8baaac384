"""Deterministic mode: counter ids, a 1 ms stepping clock, identical runs, and the /_mock/clock control."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mock_server.domain.determinism import CounterIds, SteppingClock, counter_id, parse_moment
from mock_server.store.memory import MemoryStore
from tests.support.mock.mock_helpers import TIMEOUT_S, Api, assert_error

ApiFactory = Callable[..., Api]
PUBLIC_URL = "http://mock.example"  # hrefs must not carry the (random) port of each run
DETERMINISTIC = {"deterministic": True, "public_url": PUBLIC_URL, "clock_start": "2026-03-01T08:00:00.000Z"}
ITEM = {"id": "1", "action": "add"}

Exchange = tuple[str, int, str | None, bytes]


def test_ids_count_in_the_shape_of_a_uuid4_and_skip_taken_ones() -> None:
    taken = {counter_id(2)}
    ids = CounterIds(taken.__contains__)
    produced = [ids(), ids(), ids()]
    assert produced == [
        "00000000-0000-4000-8000-000000000001",
        "00000000-0000-4000-8000-000000000003",
        "00000000-0000-4000-8000-000000000004",
    ]
    assert all(uuid.UUID(value).version == 4 and str(uuid.UUID(value)) == value for value in produced)
    ids.reset()
    assert ids() == counter_id(1)
    with pytest.raises(ValueError, match="outside"):
        counter_id(10**12)


def test_clock_steps_one_millisecond_per_reading_and_can_be_set() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    clock = SteppingClock(start)
    assert [clock(), clock()] == [start, start + timedelta(milliseconds=1)]
    assert clock.peek() == start + timedelta(milliseconds=2)
    clock.set(datetime(2030, 5, 1, tzinfo=UTC))
    assert clock() == datetime(2030, 5, 1, tzinfo=UTC)
    clock.reset()
    assert clock() == start


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2026-01-01T00:00:00", "no offset"),
        ("yesterday", "Invalid isoformat"),
        ("9999-01-01T00:00:00Z", "years"),
    ],
)
def test_bad_moments_are_refused(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_moment(text)


def run_sequence(api: Api) -> list[Exchange]:
    """Creates, a patch, a cancellation, reads: everything that draws ids or reads the clock."""
    exchanges: list[Exchange] = []

    def send(method: str, path: str, body: Any = None, content_type: str = "application/json") -> Any:
        headers = {"Content-Type": content_type} if body is not None else {}
        data = None if body is None else json.dumps(body)
        response = api.http.request(method, api.url(path), data=data, headers=headers, timeout=TIMEOUT_S)
        exchanges.append(
            (f"{method} {path}", response.status_code, response.headers.get("Location"), response.content)
        )
        return response.json() if response.content else None

    first = send("POST", "productOrder", {"productOrderItem": [ITEM], "description": "first"})
    second = send(
        "POST",
        "productOrder",
        {"productOrderItem": [ITEM], "relatedParty": [{"id": "p1", "@referredType": "Individual"}]},
    )
    send("PATCH", f"productOrder/{first['id']}", {"state": "inProgress"}, "application/merge-patch+json")
    send("POST", "cancelProductOrder", {"productOrder": {"id": second["id"]}, "cancellationReason": "why"})
    send("POST", "productOrder", {"productOrderItem": [ITEM], "externalId": "x"})
    send("GET", "productOrder")
    send("GET", f"productOrder/{first['id']}")
    send("GET", "cancelProductOrder")
    send("DELETE", f"productOrder/{first['id']}")
    send("GET", "productOrder?sort=orderDate")
    return exchanges


def test_two_fresh_apps_give_byte_identical_answers(make_api: ApiFactory) -> None:
    first, second = run_sequence(make_api(**DETERMINISTIC)), run_sequence(make_api(**DETERMINISTIC))
    assert first == second
    created = json.loads(first[0][3])
    assert created["id"] == "00000000-0000-4000-8000-000000000001"
    assert created["orderDate"] == "2026-03-01T08:00:00.000Z"
    assert (
        created["href"] == f"{PUBLIC_URL}/tmf-api/productOrderingManagement/v4/productOrder/{created['id']}"
    )
    assert json.loads(first[1][3])["orderDate"] == "2026-03-01T08:00:00.001Z"


def test_memory_and_sqlite_give_the_same_bytes(make_api: ApiFactory, sqlite_dir: Path) -> None:
    on_memory = run_sequence(make_api(store=MemoryStore(), **DETERMINISTIC))
    on_sqlite = run_sequence(make_api(sqlite_path=str(sqlite_dir / "same.sqlite3"), **DETERMINISTIC))
    assert on_memory == on_sqlite


def test_without_deterministic_mode_runs_differ(make_api: ApiFactory) -> None:
    plain = {"public_url": PUBLIC_URL}
    assert run_sequence(make_api(**plain))[0] != run_sequence(make_api(**plain))[0]  # random uuid4 ids


def test_reset_restarts_ids_and_clock(make_api: ApiFactory) -> None:
    api = make_api(**DETERMINISTIC)
    before = run_sequence(api)
    assert api.http.post(f"{api.root}/_mock/reset", json={}, timeout=TIMEOUT_S).status_code == 204
    assert run_sequence(api) == before


def test_setting_the_clock_fixes_the_next_order_date(make_api: ApiFactory) -> None:
    api = make_api(**DETERMINISTIC)
    clock_url = f"{api.root}/_mock/clock"
    answer = api.http.post(clock_url, json={"now": "2027-07-14T12:30:00+02:00"}, timeout=TIMEOUT_S)
    assert (answer.status_code, answer.json()) == (200, {"now": "2027-07-14T10:30:00.000Z"})
    assert api.create_order()["orderDate"] == "2027-07-14T10:30:00.000Z"
    assert api.create_order()["orderDate"] == "2027-07-14T10:30:00.001Z"
    shown = api.http.get(clock_url, timeout=TIMEOUT_S).json()
    assert shown == {"now": "2027-07-14T10:30:00.002Z", "deterministic": True}
    assert api.http.get(clock_url, timeout=TIMEOUT_S).json() == shown  # reading it does not move it


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({}, "$.now: give the next server time"),
        ({"now": 5}, "$.now: give the next server time"),
        ({"now": "2027-07-14T12:30:00"}, "no offset"),
        ({"now": "tomorrow"}, "$.now"),
        ({"now": "9999-12-31T23:59:59.999Z"}, "outside the years"),
    ],
)
def test_bad_clock_values_are_400(make_api: ApiFactory, body: dict[str, Any], fragment: str) -> None:
    api = make_api(**DETERMINISTIC)
    assert_error(api.http.post(f"{api.root}/_mock/clock", json=body, timeout=TIMEOUT_S), 400, fragment)
    assert api.create_order()["orderDate"] == "2026-03-01T08:00:00.000Z"  # the clock did not move


def test_the_real_clock_cannot_be_set(api: Api) -> None:
    response = api.http.post(
        f"{api.root}/_mock/clock", json={"now": "2027-01-01T00:00:00Z"}, timeout=TIMEOUT_S
    )
    assert_error(response, 409, "deterministic mode")
    assert api.http.get(f"{api.root}/_mock/clock", timeout=TIMEOUT_S).json()["deterministic"] is False
