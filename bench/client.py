"""Small HTTP helpers of the harness: preload orders over POST and probe a case before loading it."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bench import orders
from bench.loadgen import RequestSpec

TIMEOUT = aiohttp.ClientTimeout(total=10)
PRELOAD_CONCURRENCY = 16


def origin(base_url: str) -> str:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"


async def _post_all(base_url: str, first: int, count: int) -> list[str]:
    gate = asyncio.Semaphore(PRELOAD_CONCURRENCY)

    async def post_one(session: aiohttp.ClientSession, index: int) -> str:
        async with gate, session.post(f"{base_url}/productOrder", json=orders.create_body(index)) as resp:
            body: dict[str, Any] = await resp.json(content_type=None)
            if resp.status != 201:
                raise RuntimeError(f"preload POST answered {resp.status}: {json.dumps(body)[:300]}")
            return str(body["id"])

    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        return list(await asyncio.gather(*(post_one(session, i) for i in range(first, first + count))))


def preload(base_url: str, count: int, first: int = 0) -> list[str]:
    """POST `count` CTK-shaped orders (indexes `first`...) and return their ids, in order."""
    return asyncio.run(_post_all(base_url, first, count))


async def _probe(base_url: str, spec: RequestSpec) -> tuple[int, str]:
    headers = {"Content-Type": spec.content_type} if spec.body else {}
    async with (
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
        session.request(
            spec.method, origin(base_url) + spec.path, data=spec.body or None, headers=headers
        ) as resp,
    ):
        return resp.status, (await resp.text())[:300]


def probe(base_url: str, spec: RequestSpec) -> tuple[int, str]:
    """Send one request of a case: its status and the start of its body."""
    return asyncio.run(_probe(base_url, spec))


#: How long a server may take to finish the requests a load run left queued (slow scale cases).
DRAIN_TIMEOUT = aiohttp.ClientTimeout(total=300)


async def _drain(base_url: str) -> None:
    url = f"{base_url}/productOrder/bench-drain-probe"
    async with aiohttp.ClientSession(timeout=DRAIN_TIMEOUT) as session, session.get(url) as resp:
        await resp.read()


def drain(base_url: str) -> None:
    """Wait until the server has worked off what a load run left queued: one request answered
    after the backlog (the event loop serves in arrival order), so the next run starts clean."""
    asyncio.run(_drain(base_url))


#: Growing an in-memory store to 1M orders takes tens of seconds; never wait forever.
GROW_TIMEOUT = aiohttp.ClientTimeout(total=1800)


async def _grow(base_url: str, total: int) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession(timeout=GROW_TIMEOUT) as session,
        session.post(f"{origin(base_url)}/__bench/seed", params={"total": str(total)}) as resp,
    ):
        if resp.status != 200:
            raise RuntimeError(f"seed route answered {resp.status}: {(await resp.text())[:300]}")
        report: dict[str, Any] = await resp.json()
        return report


def grow(base_url: str, total: int) -> dict[str, Any]:
    """Grow the server's store to `total` orders through its bench-only seed route; the step's report."""
    return asyncio.run(_grow(base_url, total))
