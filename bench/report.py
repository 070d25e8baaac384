"""Judge the metrics against the targets, print the table, and write `bench/results/<name>.json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench import throughput
from bench.config import TARGETS, Target
from bench.metrics import Metrics

FORMAT = "tmf622-bench/1"
#: Below this share of its core, a server was starved by other work and throughput figures are low.
CONTENDED = 0.85
TABLE = (  # (metric suffix, column title, width) of the throughput table
    ("bareRps", "bare req/s", 11), ("mockRps", "mock req/s", 11), ("ratio", "ratio", 7),
    ("ratioMin", "min", 6), ("ratioMax", "max", 6),
    ("cpuRatio", "per-cpu", 8), ("mockP50Ms", "mock p50", 9), ("mockP99Ms", "mock p99", 9),
    ("bareP99Ms", "bare p99", 9), ("bareServerCpu", "bare cpu", 9), ("mockServerCpu", "mock cpu", 9),
    ("loadgenCpu", "wrk cpu", 8),
)  # fmt: skip


def status(target: Target, value: float | None, absent: bool, lower_bound: bool) -> str:
    """pass / MISS; n/a when the component does not exist yet; ERROR when the measurement failed.

    A lower-bound value (responses timed out) can prove a miss but never a pass.
    """
    if value is None:
        return "n/a" if absent else "ERROR"
    if target.passes(value):
        return "inconclusive (lower bound)" if lower_bound and target.at_most else "pass"
    return "MISS"


def judged_metric(found: Metrics, metric: str) -> str:
    """The metric a target is judged on: a throughput ratio falls back to its per-CPU ratio when a
    server did not get its core to itself (other work on the machine would bias the plain ratio)."""
    if not (metric.startswith("throughput.") and metric.endswith(".ratio")):
        return metric
    case = metric.split(".")[1]
    cpus = [found.get(f"throughput.{case}.{who}ServerCpu") for who in ("bare", "mock")]
    contended = any(cpu is not None and cpu < CONTENDED for cpu in cpus)
    per_cpu = f"throughput.{case}.cpuRatio"
    # A run too short for a server to use one clock tick of CPU has no per-CPU ratio: the plain one stands.
    return per_cpu if contended and found.get(per_cpu) is not None else metric


def verdicts(found: Metrics, absent: dict[str, str], bounded: set[str]) -> list[dict[str, Any]]:
    """One row per target: the value it was judged on, the bound and the status."""
    rows = []
    for target in TARGETS:
        judged = judged_metric(found, target.metric)
        value = found.get(judged)
        verdict = status(target, value, target.metric in absent, judged in bounded)
        rows.append(
            {
                "metric": target.metric,
                "judgedOn": judged,
                "label": target.label,
                "value": value,
                "lowerBound": judged in bounded,
                "target": target.describe(),
                "status": verdict,
            }
        )
    return rows


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3g}" if abs(value) < 100 else f"{value:,.0f}"


def print_throughput(found: Metrics) -> None:
    """Per case: both servers' throughput, the ratios (medians over the rounds, the ratio's range),
    latencies (ms) and CPU use (fraction of a core); every figure a median over the interleaved rounds.

    A server CPU well below 1.0 means the server did not get its core to itself: trust `per-cpu`.
    """
    print("\n" + f"{'case':<9}" + "".join(f"{title:>{width}}" for _, title, width in TABLE))
    for case in throughput.CASE_NAMES:
        cells = (f"{_fmt(found.get(f'throughput.{case}.{key}')):>{width}}" for key, _, width in TABLE)
        print(f"{case:<9}" + "".join(cells))
    cpus = [
        v
        for k, v in found.items()
        if k.endswith("ServerCpu") and k.startswith("throughput.") and v is not None
    ]
    if cpus and min(cpus) < CONTENDED:
        print(
            f"note: a server got {min(cpus):.0%} of its core (other work shared it): trust the per-cpu ratios"
        )


def print_targets(rows: list[dict[str, Any]], reasons: dict[str, str]) -> None:
    print(f"\n{'target':<50}{'value':>10}  {'bound':<9}{'status'}")
    for row in rows:
        note = f"  ({reasons.get(row['metric'], '')[:100]})" if row["value"] is None else ""
        shown = (">=" if row["lowerBound"] else "") + _fmt(row["value"])
        if row["judgedOn"] != row["metric"]:
            note += "  (per-cpu ratio: a server was starved of its core)"
        print(f"{row['label']:<50}{shown:>10}  {row['target']:<9}{row['status']}{note}")


def print_others(found: Metrics, keys: list[str]) -> None:
    """Every remaining metric, one per line (scale curves, memory, suite)."""
    print()
    shown = ("throughput.",)
    for key in keys:
        if not key.startswith(shown):
            print(f"  {key:<52}{_fmt(found.get(key)):>12}")


def write(path: Path, document: dict[str, Any]) -> Path:
    """Write atomically (the `.tmp` sibling is git-ignored), so a killed run leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(".json.tmp")
    scratch.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    scratch.replace(path)
    return path
