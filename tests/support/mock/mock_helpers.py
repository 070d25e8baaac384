"""Helpers for the mock server's tests: the API under test (served by tests.support.app_thread), a stepping
clock, asserts."""

from __future__ import annotations

import http.client
import json
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import requests
from aiohttp import web

from mock_server.domain.events import RecordingEventSink
from mock_server.keys import STORE_KEY
from mock_server.store.base import Collection, Store
from mock_server.store.query import Condition, Query, SortKey
from tests.support.app_thread import ServerThread
from tmf622_schemas import validator_for

BASE_PATH = "/tmf-api/productOrderingManagement/v4"
START = datetime(2026, 11, 27, 10, 0, 0, tzinfo=UTC)
TIMEOUT_S = 10
T = TypeVar("T")


class StepClock:
    """Each reading is one second after the previous one: orderDates are distinct and predictable."""

    def __init__(self, start: datetime = START) -> None:
        self.next = start

    def __call__(self) -> datetime:
        now, self.next = self.next, self.next + timedelta(seconds=1)
        return now


@dataclass
class Raw:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


@dataclass
class Api:
    """A running mock: its URLs, its app (to look into the store) and an HTTP session."""

    root: str
    base: str
    app: web.Application
    http: requests.Session
    events: RecordingEventSink
    server: ServerThread

    @property
    def store(self) -> Store:
        return self.app[STORE_KEY]

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run `coroutine` (a store call, say) on the server's loop, where the store lives."""
        return self.server.run(coroutine)

    def count(self, collection: str = "productOrder") -> int:
        return self.run(self.store.query(collection, Query(limit=0))).total  # type: ignore[arg-type]

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def create_order(self, **fields: Any) -> dict[str, Any]:
        body = {"productOrderItem": [{"id": "1", "action": "add"}], **fields}
        response = self.http.post(self.url("productOrder"), json=body, timeout=TIMEOUT_S)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    def raw(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Raw:
        """Send exactly `path` (no client-side normalisation of `..` or `%2F`)."""
        host, port = self.root.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT_S)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Raw(response.status, response.headers, response.read())
        finally:
            connection.close()


def assert_error(response: requests.Response | Raw, status: int, *fragments: str) -> dict[str, Any]:
    """A TMF622 `Error` body with this status, whose message contains every fragment."""
    code = response.status_code if isinstance(response, requests.Response) else response.status
    raw = response.content if isinstance(response, requests.Response) else response.body
    assert code == status, raw
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    body: dict[str, Any] = json.loads(raw)
    assert list(validator_for("Error").iter_errors(body)) == []
    assert body["code"] == body["status"] == str(status)
    assert body["@type"] == "Error"
    for fragment in fragments:
        assert fragment in body["message"], body["message"]
    assert "Traceback" not in body["message"]
    return body


async def listed(  # noqa: PLR0917 (positional like the store tests' tables of cases)
    store: Store,
    collection: Collection,
    conditions: list[Condition] | tuple[Condition, ...] = (),
    sort: list[SortKey] | tuple[SortKey, ...] = (),
    offset: int = 0,
    limit: int = 10,
) -> tuple[list[dict[str, Any]], int]:
    """One page of `store` as (resources, total): the shape the store tests compare."""
    page = await store.query(collection, Query(tuple(conditions), tuple(sort), None, offset, limit))
    return page.resources(), page.total
