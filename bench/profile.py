"""Profile the mock's hot path for one case: py-spy samples the pinned server while wrk loads it.

Run: ``python -m bench.profile --case post [--seconds 10] [--top 20]``, or a scale case on a grown
store: ``python -m bench.profile --case filterState --orders 100000 [--backend sqlite]``. Prints the
functions with the most samples on-CPU (self) and on the stack (inclusive), and keeps the raw stacks
(`bench/results/profile-<case>.txt`, flamegraph.pl's collapsed format).
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

from bench import cases, client, loadgen, scale, servers, throughput
from bench.config import MODES
from bench.procs import Server

RESULTS = Path(__file__).resolve().parent / "results"


def py_spy() -> Path:
    return Path(sys.executable).with_name("py-spy")


def tally(raw: str) -> tuple[Counter[str], Counter[str], int]:
    """(self samples, inclusive samples, total) per function from collapsed `a;b;c count` lines."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        frames, count = stack.split(";"), int(count_text)
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    return own, inclusive, total


def _record(pid: int, seconds: float, output: Path) -> subprocess.Popen[bytes]:
    argv = [str(py_spy()), "record", "--pid", str(pid), "--duration", str(round(seconds)), "--rate", "250",
            "--format", "raw", "--output", str(output), "--nonblocking"]  # fmt: skip
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _mix(server: Server, orders: int, preload: int) -> dict[str, cases.Case]:
    """Scale cases on a store grown in-process to `orders`, else the throughput cases."""
    if orders:
        mix = scale.scale_mix(client.grow(server.base_url, orders)["sampleIds"], orders)
    else:
        mix = throughput.case_mix(client.preload(server.base_url, preload), preload)
    return {case.name: case for case in mix}


def profile(case_name: str, orders: int, backend: str, run: cases.Run, output: Path) -> str:
    """Load the mock with one case for `mode.seconds` while py-spy records it; the raw stacks."""
    mode = run.mode
    server = servers.mock_seeded(run.workdir, backend) if orders else servers.mock(run.workdir)
    with server:
        case = _mix(server, orders, mode.preload)[case_name]
        assert server.process is not None
        recorder = _record(server.process.pid, mode.seconds, output)
        load = threading.Thread(
            target=cases.measure, args=(run, server, case), kwargs={"scale": bool(orders)}
        )
        load.start()
        _, errors = recorder.communicate(timeout=mode.seconds + 60)
        load.join(timeout=mode.seconds + 60)
    if recorder.returncode != 0:
        raise SystemExit(f"py-spy failed: {errors.decode(errors='replace')[-500:]}")
    return output.read_text(encoding="utf-8")


def report(raw: str, top: int) -> None:
    own, inclusive, total = tally(raw)
    for title, counter in (("self (on CPU)", own), ("inclusive (on the stack)", inclusive)):
        print(f"\n{title}: top {top} of {total} samples")
        for frame, count in counter.most_common(top):
            print(f"  {100 * count / max(1, total):5.1f}%  {frame}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--case", choices=sorted({*throughput.CASE_NAMES, *scale.CASE_NAMES}), required=True)
    parser.add_argument("--orders", type=int, default=0, help="grow the store to this size (scale cases)")
    parser.add_argument("--backend", choices=scale.BACKENDS, default="memory", help="store of a grown mock")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args(argv)
    mode = dataclasses.replace(MODES["default"], seconds=args.seconds, warmup_seconds=0.0)
    output = RESULTS / f"profile-{args.case}.txt"
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tmf622-profile-") as scratch:
        run = cases.Run(loadgen.available(), mode, Path(scratch))
        raw = profile(args.case, args.orders, args.backend, run, output)
    report(raw, args.top)
    print(f"\nraw stacks: {output}")


if __name__ == "__main__":
    main()
