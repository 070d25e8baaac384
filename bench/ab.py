"""`python -m bench.ab --before REF`: the mock of another commit against this one, in interleaved rounds.

A single throughput run swings by a third on a shared machine (the bare baseline alone: 14,500 and
24,000 GET/s in two runs a minute apart), so "no regression beyond noise" needs the noise measured.
Here the bare baseline, the mock of REF (exported with `git archive`, served by this venv) and this
checkout's mock all run side by side on the server core; every round measures each case on all three,
in a rotated order so drift hits each equally. The figures are each mock's ratio to the bare run of the
same round: the median over the rounds, its range (the noise), and after/before per round; beside
them each mock's median p99 latency over the rounds. `--sqlite` runs both mocks on a SQLite file each,
`--cases` a subset of the cases.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench import loadgen, procs, servers, throughput
from bench.cases import Case, Run, measure
from bench.config import MODES
from bench.loadgen import LoadResult
from bench.rounds import rotated, spread

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def export(ref: str, into: Path) -> Path:
    """The tree of `ref` as plain files (no worktree left behind)."""
    archive = into / "before.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive), ref], check=True)
    tree = into / "before"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def mock_of(tree: Path, name: str, workdir: Path, *options: str) -> procs.Server:
    """The mock of `tree`, started as its CLI starts it, with this interpreter and `options`.

    `-P`: without it `python -m` puts the working directory (this checkout) ahead of PYTHONPATH, and
    "before" ran this checkout's mock too (every A/B run before issue 17's compared a mock with itself).
    """
    python, *rest = procs.python_module("mock_server", *servers.LOOPBACK, *options)
    command = ["env", f"PYTHONPATH={tree}", python, "-P", *rest]
    return procs.Server(name, command, workdir / f"{name}.log")


def _ratios(rounds: list[dict[str, float]], name: str) -> list[float]:
    return [one[name] / one["bare"] for one in rounds if one.get("bare") and one.get(name)]


def _store(workdir: Path, name: str, sqlite: bool) -> list[str]:
    """The mock's store options: memory, or a fresh SQLite file of its own."""
    return ["--sqlite", str(workdir / f"{name}.sqlite3")] if sqlite else []


def compare(
    run: Run, tree: Path, rounds: int, *, sqlite: bool = False, only: tuple[str, ...] = throughput.CASE_NAMES
) -> dict[str, Any]:
    """Per case: each round's requests per second on bare, before and after, and the ratios."""
    under_test = {
        "bare": servers.bare(run.workdir),
        "before": mock_of(tree, "before", run.workdir, *_store(run.workdir, "before", sqlite)),
        "after": servers.mock(run.workdir, *_store(run.workdir, "after", sqlite)),
    }
    with ExitStack() as stack:
        for server in under_test.values():
            stack.callback(server.stop)
        procs.start_all(list(under_test.values()))
        mixes: dict[str, list[Case]] = {}
        for name, server in under_test.items():
            mix = throughput._mix(server, run.mode.preload)
            if isinstance(mix, dict):
                raise procs.BenchError(mix["error"])
            mixes[name] = mix
        names = list(under_test)
        out: dict[str, Any] = {}
        for position, case_name in enumerate(throughput.CASE_NAMES):
            if case_name not in only:
                continue
            rounds_run: list[dict[str, LoadResult]] = []
            for index in range(rounds):
                order = rotated(names, index)
                rounds_run.append(
                    {name: measure(run, under_test[name], mixes[name][position]) for name in order}
                )
            out[case_name] = summary(rounds_run)
    return out


def summary(rounds_run: list[dict[str, LoadResult]]) -> dict[str, Any]:
    """One case's rounds: each mock's ratio to bare, after/before, the same per server CPU-second, and
    each server's p99 (ms)."""
    per_round = [{name: result.rps for name, result in one.items()} for one in rounds_run]
    per_cpu = [{name: result.rps_per_core for name, result in one.items()} for one in rounds_run]
    before, after = _ratios(per_round, "before"), _ratios(per_round, "after")
    return {
        "rounds": per_round,
        "before": spread(before),
        "after": spread(after),
        "afterOverBefore": spread([a / b for a, b in zip(after, before, strict=True)]),
        # Requests per second of server CPU: when other work takes the server's core (a shared machine),
        # the throughput ratio measures the scheduler too; this one measures the server's cost per request.
        "cpuRounds": per_cpu,
        "cpuBefore": spread(_ratios(per_cpu, "before")),
        "cpuAfter": spread(_ratios(per_cpu, "after")),
        # The POST target bounds p99 too (issue 17): a ratio alone would hide a latency regression.
        "p99Ms": {
            name: spread([one[name].p99Ms for one in rounds_run if name in one])
            for name in ("bare", "before", "after")
        },
    }


def table(ref: str, results: dict[str, Any]) -> list[str]:
    def cell(spread: dict[str, float | None]) -> str:
        if spread["median"] is None:
            return "n/a"
        return f"{spread['median']:.3f} ({spread['min']:.3f}-{spread['max']:.3f})"

    lines = [f"ratio to bare, median (min-max) over the rounds; before = {ref}, after = this checkout"]
    lines.append(
        f"{'case':<9} {'before':>22} {'after':>22} {'after/before':>22} {'p99 ms before':>16} {'after':>8}"
    )
    for case_name, figures in results.items():
        p99 = figures.get("p99Ms", {})
        lines.append(
            f"{case_name:<9} {cell(figures['before']):>22} {cell(figures['after']):>22} "
            f"{cell(figures['afterOverBefore']):>22} {_ms(p99.get('before')):>16} {_ms(p99.get('after')):>8}"
        )
    if any("cpuBefore" in figures for figures in results.values()):
        lines.append("per server CPU-second (the server's own cost, whatever else shared its core):")
        for case_name, figures in results.items():
            lines.append(f"{case_name:<9} {cell(figures['cpuBefore']):>22} {cell(figures['cpuAfter']):>22}")
    return lines


def _ms(spread: dict[str, float | None] | None) -> str:
    """A p99's median over the rounds, in ms."""
    return "n/a" if spread is None or spread["median"] is None else f"{spread['median']:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="git commit or branch whose mock is the baseline")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per case (default 5)")
    parser.add_argument("--seconds", type=float, default=3.0, help="each measured run (default 3)")
    parser.add_argument("--name", default="ab", help="results file bench/results/<name>.json")
    parser.add_argument("--sqlite", action="store_true", help="both mocks on a SQLite file (default: memory)")
    parser.add_argument(
        "--cases",
        default=",".join(throughput.CASE_NAMES),
        help=f"comma-separated cases to run (default: all of {', '.join(throughput.CASE_NAMES)})",
    )
    args = parser.parse_args(argv)
    mode = replace(MODES["quick"], seconds=args.seconds)
    with tempfile.TemporaryDirectory(prefix="tmf622-ab-") as scratch:
        workdir = Path(scratch)
        run = Run(loadgen.available(), mode, workdir)
        only = tuple(name for name in args.cases.split(",") if name)
        unknown = sorted(set(only) - set(throughput.CASE_NAMES))
        if unknown:
            parser.error(f"--cases: no case named {', '.join(unknown)}")
        results = compare(run, export(args.before, workdir), args.rounds, sqlite=args.sqlite, only=only)
    print("\n".join(table(args.before, results)))
    RESULTS.mkdir(exist_ok=True)
    document = {
        "format": "tmf622-bench-ab/1",
        "before": args.before,
        "rounds": args.rounds,
        "store": "sqlite" if args.sqlite else "memory",
        "cases": results,
    }
    (RESULTS / f"{args.name}.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
