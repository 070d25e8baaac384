"""The request mixes of the bench cases, and one measured run of a case (probe, warm up, measure)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench import client, loadgen, orders, procs
from bench.config import Mode
from bench.loadgen import Load, LoadResult, RequestSpec

#: Distinct POST bodies cycled by the POST case (parties keep growing past the preloaded ones).
POST_VARIANTS = 1000


def _json(payload: object) -> str:
    return json.dumps(payload, separators=(",", ":"))


def get_by_id(base_path: str, ids: list[str]) -> list[RequestSpec]:
    return [RequestSpec("GET", f"{base_path}/productOrder/{order_id}") for order_id in ids]


def filter_party(base_path: str, indexes: range) -> list[RequestSpec]:
    return [RequestSpec("GET", f"{base_path}/productOrder?{orders.party_filter(i)}") for i in indexes]


def filter_state(base_path: str) -> list[RequestSpec]:
    return [RequestSpec("GET", f"{base_path}/productOrder?{orders.state_filter()}")]


def patch(base_path: str, ids: list[str]) -> list[RequestSpec]:
    return [
        RequestSpec(
            "PATCH", f"{base_path}/productOrder/{order_id}", _json(orders.patch_body(i)), orders.MERGE_PATCH
        )
        for i, order_id in enumerate(ids)
    ]


def post(base_path: str, first: int) -> list[RequestSpec]:
    bodies = (orders.create_body(first + i) for i in range(POST_VARIANTS))
    return [
        RequestSpec("POST", f"{base_path}/productOrder", _json(body), "application/json") for body in bodies
    ]


@dataclass(frozen=True)
class Case:
    """A named request mix and the status every response must have."""

    name: str
    expected_status: int
    specs: Callable[[str], list[RequestSpec]]  # base path -> requests


class CaseError(procs.BenchError):
    """The server answered a case's probe request with an unexpected status."""


def _check(server: procs.Server, case: Case, result: LoadResult) -> LoadResult:
    """Refuse a run whose figures would mislead: error responses, or dropped connections."""
    errors = result.errors
    dropped = errors.get("connect", 0) + errors.get("read", 0) + errors.get("write", 0)
    if errors.get("status", 0) or dropped > result.requests // 100:
        raise CaseError(f"{server.name} {case.name}: {errors} over {result.requests} responses")
    return result


@dataclass(frozen=True)
class Run:
    """What every measured run of one harness invocation shares."""

    kind: str  # load generator: wrk or python
    mode: Mode
    workdir: Path  # requests files and server logs


def measure(
    run: Run, server: procs.Server, case: Case, *, scale: bool = False, round_of: int | None = None
) -> LoadResult:
    """Probe one request, warm up, then run the bounded measured load.

    Scale runs use fewer connections and a timeout as long as the run, so a slow filter still
    yields latencies (at 64 connections a multi-second response would only time out). `round_of`
    numbers one of a case's interleaved rounds (`Mode.rounds`): each lasts `Mode.round_seconds`, and
    only the first warms up.
    """
    mode = run.mode
    specs = case.specs(urlsplit(server.base_url).path)
    status, body = client.probe(server.base_url, specs[0])
    if status != case.expected_status:
        raise CaseError(f"{server.name} {case.name}: {specs[0].method} {specs[0].path} -> {status} {body}")
    with tempfile.NamedTemporaryFile("w", dir=run.workdir, suffix=".tsv", delete=False) as handle:
        requests_file = loadgen.write_requests(specs, Path(handle.name))
    connections = mode.scale_connections if scale else mode.connections
    timeout = max(5.0, mode.seconds) if scale else 5.0
    if mode.warmup_seconds > 0 and not round_of:
        warmup = Load(mode.warmup_seconds, connections, mode.budget(mode.warmup_seconds), timeout)
        loadgen.run(run.kind, server, requests_file, warmup)
        client.drain(server.base_url)
    seconds = mode.seconds if round_of is None else mode.round_seconds
    load = Load(seconds, connections, mode.budget(seconds), timeout)
    result = loadgen.run(run.kind, server, requests_file, load)
    client.drain(server.base_url)
    return _check(server, case, result)


def measured_or_error(
    run: Run, server: procs.Server, case: Case, round_of: int | None = None
) -> dict[str, Any]:
    """`measure`'s figures as JSON, or `{"error": why}`: one failed case does not stop its phase."""
    try:
        return measure(run, server, case, round_of=round_of).as_json()
    except procs.BenchError as exc:
        return {"error": str(exc)}
