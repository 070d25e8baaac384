"""`python -m bench`: run the phases, print every ratio with its target, write JSON and a PNG chart."""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import (
    chart,
    loadgen,
    metrics,
    procs,
    report,
    scale,
    servers,
    startup,
    stores,
    suite_timing,
    throughput,
)
from bench.cases import Run
from bench.config import MODES, Mode

RESULTS = Path(__file__).resolve().parent / "results"
PHASES = ("startup", "throughput", "scale", "memory", "suite", "stores")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument("--quick", dest="mode", action="store_const", const="quick", help="3 s runs (smoke)")
    chosen.add_argument(
        "--tiny", dest="mode", action="store_const", const="tiny", help="1 s runs, small stores"
    )
    parser.set_defaults(mode="default")
    parser.add_argument("--name", help="results file name (default: the mode)")
    parser.add_argument("--out-dir", type=Path, default=RESULTS)
    parser.add_argument("--phases", default=",".join(PHASES), help=f"comma-separated subset of {PHASES}")
    parser.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--fail-on-miss", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args(argv)


def _memory(mode: Mode) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for who in ("mock", "bare"):
        if who == "mock" and (why := servers.mock_missing()):
            out[who] = {"absent": why}
            continue
        argv = procs.python_module("bench.memory", "--server", who, "--orders", str(mode.memory_orders))
        done = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False)
        out[who] = json.loads(done.stdout) if done.returncode == 0 else {"error": done.stderr.strip()[-300:]}
    argv = procs.python_module("bench.certifier_memory", "--body-bytes", str(mode.certifier_body_bytes))
    done = subprocess.run(argv, capture_output=True, text=True, timeout=1200, check=False)
    out["certifier"] = (
        json.loads(done.stdout) if done.returncode == 0 else {"error": done.stderr.strip()[-300:]}
    )
    return out


def _environment(kind: str, load_before: float) -> dict[str, Any]:
    """Where the figures come from; a 1-minute load average above ~2 means other work shared the cores."""
    version = "python fallback"
    if kind == "wrk":
        probe = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
        version = (probe.stdout or probe.stderr).splitlines()[0]
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "pinned": procs.can_pin(),
        "serverCore": procs.SERVER_CORE,
        "loadgenCore": procs.LOADGEN_CORE,
        "loadgen": version,
        "loadAverageBefore": round(load_before, 2),
        "loadAverageAfter": round(os.getloadavg()[0], 2),
    }


def run_phases(phases: list[str], run: Run) -> dict[str, Any]:
    steps: dict[str, Callable[[], dict[str, Any]]] = {
        "throughput": lambda: throughput.run(run),
        "scale": lambda: scale.run(run),
        "memory": lambda: _memory(run.mode),
        "suite": lambda: suite_timing.run(run.mode.suite_repeats, run.workdir, run.mode.suite_warmup),
        "stores": lambda: stores.run(run),
        "startup": lambda: startup.run(run.mode.startup_rounds, run.workdir, warmup=run.mode.name != "tiny"),
    }
    raw: dict[str, Any] = {}
    for phase in phases:
        started = time.perf_counter()
        print(f"[bench] {phase} ...", flush=True)
        try:
            raw[phase] = steps[phase]()
        except Exception as exc:
            raw[phase] = {"error": f"{type(exc).__name__}: {exc}"}
        seconds = round(time.perf_counter() - started, 1)
        raw.setdefault("phaseSeconds", {})[phase] = seconds
        print(f"[bench] {phase} done in {seconds} s", flush=True)
    return raw


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    mode = MODES[args.mode]
    kind = loadgen.available() if args.loadgen == "auto" else args.loadgen
    phases = [p for p in args.phases.split(",") if p in PHASES]
    started, load_before = datetime.now(UTC), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="tmf622-bench-") as scratch:
        raw = run_phases(phases, Run(kind, mode, Path(scratch)))
    keys = metrics.metric_keys(mode)
    found = metrics.flatten(raw)
    absent, errors = metrics.explain(raw, keys, found)
    bounded = metrics.lower_bounds(raw)
    rows = report.verdicts(found, absent, bounded)
    name = args.name or mode.name
    elapsed = round((datetime.now(UTC) - started).total_seconds(), 1)
    document = {
        "format": report.FORMAT, "name": name, "mode": mode.name, "startedAt": started.isoformat(),
        "durationS": elapsed, "environment": _environment(kind, load_before),
        "metrics": {key: found.get(key) for key in keys}, "notApplicable": absent, "errors": errors,
        "lowerBounds": sorted(bounded), "targets": rows, "raw": raw,
    }  # fmt: skip
    json_path = report.write(args.out_dir / f"{name}.json", document)
    png_path = chart.draw(found, mode, args.out_dir / f"{name}.png", bounded)
    report.print_throughput(found)
    report.print_others(found, keys)
    report.print_targets(rows, absent | errors)
    if isinstance(raw.get("startup"), dict) and "mockRatio" in raw["startup"]:
        print("\n" + "\n".join(startup.lines(raw["startup"])))
    if "stores" in raw:
        print("\n" + "\n".join(stores.summary(raw["stores"])))
    if mode.name == "tiny":
        print("\n(tiny mode checks the harness; its figures mean nothing)")
    print(f"\nresults: {json_path}\nchart:   {png_path}")
    return 1 if args.fail_on_miss and any(r["status"] == "MISS" for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
