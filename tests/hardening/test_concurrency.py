"""Many clients at once: every acknowledged create is stored once, no acknowledged update is lost.

Real HTTP over loopback from one aiohttp client (256 connections) to the mock as a subprocess;
every run is bounded by a deadline (DEADLINE_S) and stops by itself.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import aiohttp
import pytest

CONNECTIONS = 256
DEADLINE_S = 60
JSON_PATCH = "application/json-patch+json"
ORDER = {"productOrderItem": [{"id": "1", "action": "add"}]}


def session(connections: int = CONNECTIONS) -> aiohttp.ClientSession:
    timeout = aiohttp.ClientTimeout(total=DEADLINE_S)
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections), timeout=timeout)


async def create(client: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    async with client.post(f"{url}/productOrder", json=body) as response:
        return response.status, await response.json()


async def create_many(url: str, count: int) -> tuple[list[int], list[str], int]:
    """POST `count` orders through CONNECTIONS connections; (statuses, ids, X-Total-Count after)."""
    async with asyncio.timeout(DEADLINE_S), session() as client:
        answers = await asyncio.gather(
            *(create(client, url, {**ORDER, "externalId": f"c{n}"}) for n in range(count))
        )
        async with client.get(f"{url}/productOrder", params={"limit": "1", "fields": "id"}) as listed:
            assert listed.status == 200
            total = int(listed.headers["X-Total-Count"])
    return [status for status, _ in answers], [body.get("id", "") for _, body in answers], total


@pytest.mark.parametrize(("store", "count"), [("memory", 10_000), ("sqlite", 1_000)])
def test_concurrent_creates_are_all_stored_once(
    start_mock_server: Callable[..., AbstractContextManager[str]], tmp_path: Path, store: str, count: int
) -> None:
    """10,000 POSTs on the memory store; 1,000 on SQLite, whose every commit is an fsync."""
    flags = ["--sqlite", str(tmp_path / "po.db")] if store == "sqlite" else []
    with start_mock_server(*flags) as url:
        statuses, ids, total = asyncio.run(create_many(url, count))
    assert statuses == [201] * count
    assert len(set(ids)) == count
    assert total == count


async def add_note(client: aiohttp.ClientSession, url: str, text: str) -> int:
    patch = json.dumps([{"op": "add", "path": "/note/-", "value": {"text": text}}])
    async with client.patch(url, data=patch, headers={"Content-Type": JSON_PATCH}) as response:
        await response.read()
        return response.status


async def patch_concurrently(url: str, texts: list[str]) -> tuple[list[int], dict[str, Any]]:
    """Create one order with an empty note list, then send every `add /note/-` at once."""
    async with asyncio.timeout(DEADLINE_S), session() as client:
        status, order = await create(client, url, {**ORDER, "note": []})
        assert status == 201, order
        order_url = f"{url}/productOrder/{order['id']}"
        statuses = await asyncio.gather(*(add_note(client, order_url, text) for text in texts))
        async with client.get(order_url) as final:
            return list(statuses), await final.json()


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_concurrent_patches_lose_no_acknowledged_note(
    start_mock_server: Callable[..., AbstractContextManager[str]], tmp_path: Path, store: str
) -> None:
    texts = [f"note {n}" for n in range(200)]
    flags = ["--sqlite", str(tmp_path / "po.db")] if store == "sqlite" else []
    with start_mock_server(*flags) as url:
        statuses, final = asyncio.run(patch_concurrently(url, texts))
    acknowledged = {text for text, status in zip(texts, statuses, strict=True) if status == 200}
    stored = [note["text"] for note in final["note"]]
    assert acknowledged == set(texts), f"refused: {sorted(set(statuses))}"
    assert sorted(stored) == sorted(acknowledged)  # each once: none lost, none doubled
