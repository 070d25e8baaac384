"""Fallback load generator when wrk is not installed: N keep-alive connections over aiohttp, wrk's JSON out.

Slower than wrk (one Python core tops out well below the servers under test), so the harness
reports its CPU usage; a saturated generator makes every ratio a lower bound.
Run: ``python -m bench.pyload <base-url> <requests-file> --seconds S --connections C --budget N``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

from bench import serving
from bench.loadgen import Load, RequestSpec


@dataclass
class Tally:
    """Shared counters of one run."""

    budget: int
    deadline: float
    latencies_us: list[int] = field(default_factory=list)
    errors: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("connect", "read", "write", "status", "timeout"), 0)
    )
    bytes: int = 0

    def take(self) -> bool:
        """Claim one request from the budget, unless the budget or the time is spent."""
        if self.budget <= 0 or time.perf_counter() >= self.deadline:
            return False
        self.budget -= 1
        return True


def read_specs(path: Path) -> list[RequestSpec]:
    """The inverse of `RequestSpec.line`: METHOD, PATH, CONTENT-TYPE, BODY separated by tabs."""
    specs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        method, target, content_type, body = line.split("\t", 3)
        specs.append(RequestSpec(method, target, body, content_type))
    return specs


async def _worker(
    session: aiohttp.ClientSession, origin: str, specs: list[RequestSpec], tally: Tally, start: int
) -> None:
    position = start
    while tally.take():
        spec = specs[position % len(specs)]
        position += 1
        headers = {"Accept": "application/json"} | ({"Content-Type": spec.content_type} if spec.body else {})
        began = time.perf_counter_ns()
        try:
            async with session.request(
                spec.method, origin + spec.path, data=spec.body or None, headers=headers
            ) as resp:
                tally.bytes += len(await resp.read())
                tally.errors["status"] += resp.status >= 400
        except TimeoutError:
            tally.errors["timeout"] += 1
            continue  # like wrk: a timed-out request has no latency
        except aiohttp.ClientError:
            tally.errors["read"] += 1
        tally.latencies_us.append((time.perf_counter_ns() - began) // 1000)


def percentile(sorted_values: list[int], fraction: float) -> int:
    if not sorted_values:
        return 0
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


async def drive(base_url: str, specs: list[RequestSpec], load: Load) -> dict[str, object]:
    """Run `load.connections` workers until the time or the request budget runs out."""
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    started = time.perf_counter()
    tally = Tally(load.budget, started + load.seconds)
    connector = aiohttp.TCPConnector(limit=load.connections)
    timeout = aiohttp.ClientTimeout(total=load.timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(_worker(session, origin, specs, tally, i) for i in range(load.connections)))
    elapsed_us = int((time.perf_counter() - started) * 1e6)
    values = sorted(tally.latencies_us)
    latency: dict[str, float] = {f"p{p}": percentile(values, p / 100) for p in (50, 90, 99)}
    latency |= {"max": values[-1] if values else 0, "mean": sum(values) / len(values) if values else 0.0}
    return {
        "requests": len(values),
        "durationUs": elapsed_us,
        "bytes": tally.bytes,
        "errors": tally.errors,
        "latencyUs": latency,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pyload", description=__doc__)
    parser.add_argument("base_url")
    parser.add_argument("requests_file", type=Path)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--connections", type=int, required=True)
    parser.add_argument("--budget", type=int, required=True)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    specs = read_specs(args.requests_file)
    result: dict[str, object] = {}

    async def go() -> None:
        result.update(
            await drive(args.base_url, specs, Load(args.seconds, args.connections, args.budget, args.timeout))
        )

    serving.run(go(), "uvloop")
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
