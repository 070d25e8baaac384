"""Throughput phase: each case on the bare baseline then on the mock, in the same run, as a ratio."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from bench import cases, client, orders, procs, rounds, servers
from bench.cases import Case, Run
from bench.procs import Server

CASE_NAMES = ("getById", "list", "listState", "patch", "post")


def case_mix(ids: list[str], preloaded: int) -> list[Case]:
    """GET by id, the two indexed lists with a page limit (`relatedParty.id`, and `state` as issue 17 names
    it), PATCH, then POST last (it grows the store)."""
    parties = range(0, preloaded, orders.ORDERS_PER_PARTY)
    return [
        Case("getById", 200, lambda base: cases.get_by_id(base, ids)),
        Case("list", 200, lambda base: cases.filter_party(base, parties)),
        Case("listState", 200, cases.filter_state),
        Case("patch", 200, lambda base: cases.patch(base, ids)),
        Case("post", 201, lambda base: cases.post(base, preloaded)),
    ]


def _mix(server: Server, preload: int) -> list[Case] | dict[str, str]:
    """The server's case mix after preloading it, or the error that stopped the preload."""
    try:
        return case_mix(client.preload(server.base_url, preload), preload)
    except (RuntimeError, OSError) as exc:
        return {"error": f"{server.name} preload: {exc}"}


def measured_rounds(
    bench_run: Run, under_test: dict[str, Server], case_names: tuple[str, ...] = CASE_NAMES
) -> dict[str, list[rounds.Round]]:
    """Case -> its `Mode.rounds` interleaved rounds (`bench/rounds.py`) on every server of `under_test`,
    all started side by side on the server core and preloaded alike."""
    with ExitStack() as stack:
        for server in under_test.values():
            stack.callback(server.stop)
        procs.start_all(list(under_test.values()))
        mixes = {name: _mix(server, bench_run.mode.preload) for name, server in under_test.items()}
        out: dict[str, list[rounds.Round]] = {}
        for position, case_name in enumerate(CASE_NAMES):
            if case_name not in case_names:
                continue

            def one(name: str, index: int, position: int = position) -> dict[str, Any]:
                mix = mixes[name]
                if isinstance(mix, dict):  # its preload failed
                    return mix
                return cases.measured_or_error(bench_run, under_test[name], mix[position], index)

            out[case_name] = rounds.measure_rounds(list(under_test), bench_run.mode.rounds, one)
    return out


def run(bench_run: Run) -> dict[str, Any]:
    """The bare baseline and the mock side by side: the servers' figures are medians over the rounds, the
    ratios medians of the rounds' ratios."""
    missing = servers.mock_missing()
    workdir = bench_run.workdir
    under_test = {"bare": servers.bare(workdir)} | ({} if missing else {"mock": servers.mock(workdir)})
    out: dict[str, Any] = {}
    for case_name, measured in measured_rounds(bench_run, under_test).items():
        out[case_name] = rounds.combined(measured)
        if missing:
            out[case_name]["mock"] = {"absent": missing}
        else:
            out[case_name]["ratio"] = rounds.ratio(measured, "mock", "bare")
            out[case_name]["cpuRatio"] = rounds.ratio(measured, "mock", "bare", "rpsPerCore")
    return out
