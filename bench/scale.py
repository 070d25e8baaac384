"""Scale phase: GET by id and indexed filters at growing store sizes, per store backend.

One server per backend: the harness grows its store through the seed route (1k, then 100k,
then 1M) and measures each size, so latency is compared within one process.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import cases, client, mock_adapter, orders, servers
from bench.cases import Case, Run
from bench.procs import Absent, BenchError, Server

BACKENDS = ("memory", "sqlite")
CASE_NAMES = ("getById", "filterParty", "filterState")
#: Distinct customers the party filter cycles through, spread over the whole store.
PARTY_SAMPLE = 1000

ServerFactory = Callable[[Path, str], Server]


def scale_mix(ids: list[str], size: int) -> list[Case]:
    """Ids sampled uniformly from the store; parties spread over the store, each owning 10 orders."""
    step = orders.ORDERS_PER_PARTY * max(1, size // (orders.ORDERS_PER_PARTY * PARTY_SAMPLE))
    parties = range(0, size, step)
    return [
        Case("getById", 200, lambda base: cases.get_by_id(base, ids)),
        Case("filterParty", 200, lambda base: cases.filter_party(base, parties)),
        Case("filterState", 200, cases.filter_state),
    ]


def _one_size(run: Run, server: Server, backend: str, size: int) -> dict[str, Any]:
    seed = client.grow(server.base_url, size)
    if backend != "memory" and backend not in seed["store"].lower():
        raise Absent(
            f"the mock serves a {seed['store']} for {backend} settings: no {backend} store wired yet"
        )
    ids = seed.pop("sampleIds")
    seed["rssBytesPerOrder"] = (seed["rssAfterBytes"] - seed["rssBeforeBytes"]) / max(1, seed["added"])
    out: dict[str, Any] = {"seed": seed}
    for case in scale_mix(ids, size):
        try:
            out[case.name] = cases.measure(run, server, case, scale=True).as_json()
        except BenchError as exc:
            out[case.name] = {"error": str(exc)}
    return out


def run(bench_run: Run, factory: ServerFactory = servers.mock_seeded) -> dict[str, Any]:
    """`{backend: {"sizes": {size: {"seed": ..., case: result}}}}`, or `{backend: {"error": why n/a}}`."""
    out: dict[str, Any] = {}
    for backend in BACKENDS:
        missing = mock_adapter.backend_missing(backend) if factory is servers.mock_seeded else None
        if missing:
            out[backend] = {"absent": missing}
            continue
        try:
            with factory(bench_run.workdir, backend) as server:
                sizes = {
                    str(n): _one_size(bench_run, server, backend, n)
                    for n in bench_run.mode.sizes_for(backend)
                }
        except Absent as exc:
            out[backend] = {"absent": str(exc)}
            continue
        except (BenchError, RuntimeError) as exc:
            out[backend] = {"error": str(exc)}
            continue
        out[backend] = {"sizes": sizes}
    return out


def bare_factory(workdir: Path, backend: str) -> Server:
    """The bare baseline (backend ignored): a reference curve for the mock's, and a harness self-test."""
    del backend
    return servers.bare(workdir)
