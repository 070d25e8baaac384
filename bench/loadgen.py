"""Drive one bounded load run (wrk, or the Python fallback) pinned to its own core, and measure it."""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import procs

WRK_SCRIPT = Path(__file__).with_name("wrk") / "cycle.lua"


@dataclass(frozen=True)
class RequestSpec:
    """One request of a case; `path` includes the query string."""

    method: str
    path: str
    body: str = ""
    content_type: str = ""

    def line(self) -> str:
        return f"{self.method}\t{self.path}\t{self.content_type}\t{self.body}"


@dataclass(frozen=True)
class Load:
    """How hard and how long to push: every run is bounded in time *and* in request count."""

    seconds: float
    connections: int
    budget: int
    timeout: float = 5.0  # a response slower than this counts as a timeout, not as a latency


@dataclass(frozen=True)
class LoadResult:
    """What one run measured; CPU figures are fractions of one core over the run's wall time."""

    requests: int
    seconds: float
    errors: dict[str, int]
    latencyLowerBound: bool
    p50Ms: float
    p90Ms: float
    p99Ms: float
    maxMs: float
    loadgenCpu: float
    serverCpu: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def rps_per_core(self) -> float:
        """Requests per second of server CPU: throughput had the server owned its core throughout."""
        busy = self.serverCpu * self.seconds
        return self.requests / busy if busy else 0.0

    def as_json(self) -> dict[str, Any]:
        figures = {**self.__dict__, "rps": round(self.rps, 1), "rpsPerCore": round(self.rps_per_core, 1)}
        if not self.serverCpu:
            # The kernel counts CPU time in clock ticks (10 ms): a tiny run on a busy machine may see none.
            figures["absent"] = "server CPU below one clock tick in so short a run: no per-core figure"
        return figures


def available() -> str:
    """`wrk` when installed (the faster generator), else the Python asyncio fallback."""
    return "wrk" if shutil.which("wrk") else "python"


def write_requests(specs: list[RequestSpec], path: Path) -> Path:
    path.write_text("".join(spec.line() + "\n" for spec in specs), encoding="utf-8")
    return path


def command(kind: str, base_url: str, requests_file: Path, load: Load) -> list[str]:
    """The argv of one run; URLs are loopback only (the server's ready line is matched on 127.0.0.1)."""
    if kind == "wrk":
        return [
            "wrk", "-t1", f"-c{load.connections}", f"-d{max(1, round(load.seconds))}s",
            "--timeout", f"{max(1, round(load.timeout))}s",
            "-s", str(WRK_SCRIPT), base_url, "--", str(requests_file), str(load.budget),
        ]  # fmt: skip
    return procs.python_module(
        "bench.pyload", base_url, str(requests_file),
        "--seconds", str(load.seconds), "--connections", str(load.connections), "--budget", str(load.budget),
        "--timeout", str(load.timeout),
    )  # fmt: skip


def run(kind: str, server: procs.Server, requests_file: Path, load: Load) -> LoadResult:
    """Run the generator on the load core while sampling the server's and the generator's CPU time."""
    argv = procs.pinned(command(kind, server.base_url, requests_file, load), procs.LOADGEN_CORE)
    children_before, server_before = resource.getrusage(resource.RUSAGE_CHILDREN), server.cpu_seconds()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=load.seconds + 60, check=False)
    except subprocess.TimeoutExpired:
        raise procs.BenchError(f"{kind} did not finish within {load.seconds + 60:.0f} s") from None
    children_after, server_after = resource.getrusage(resource.RUSAGE_CHILDREN), server.cpu_seconds()
    loadgen_cpu = (children_after.ru_utime + children_after.ru_stime) - (
        children_before.ru_utime + children_before.ru_stime
    )
    summary = _summary(done, kind)
    # Divide by the load window, not the wall time: the server idles while the generator starts up;
    # the generator's own start-up is charged to it (a conservative bottleneck check).
    window = max(summary["durationUs"] / 1e6, 1e-3)
    return _result(summary, loadgen_cpu / window, (server_after - server_before) / window)


def _summary(done: subprocess.CompletedProcess[str], kind: str) -> dict[str, Any]:
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise procs.BenchError(f"{kind} failed (exit {done.returncode}): {done.stderr.strip()[-500:]}")
    summary: dict[str, Any] = json.loads(lines[-1])
    return summary


def _result(summary: dict[str, Any], loadgen_cpu: float, server_cpu: float) -> LoadResult:
    """Latencies in ms. With no response at all, every latency is at least the run's length."""
    latency, seconds = summary["latencyUs"], summary["durationUs"] / 1e6
    errors = {name: int(count) for name, count in summary["errors"].items()}
    if summary["requests"] == 0:
        latency = dict.fromkeys(("p50", "p90", "p99", "max"), summary["durationUs"])
    return LoadResult(
        requests=int(summary["requests"]),
        seconds=seconds,
        errors=errors,
        latencyLowerBound=summary["requests"] == 0 or errors.get("timeout", 0) > 0,
        p50Ms=latency["p50"] / 1000,
        p90Ms=latency["p90"] / 1000,
        p99Ms=latency["p99"] / 1000,
        maxMs=latency["max"] / 1000,
        loadgenCpu=round(loadgen_cpu, 3),
        serverCpu=round(server_cpu, 3),
    )
