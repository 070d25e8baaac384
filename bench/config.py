"""The harness's modes (tiny, quick, default) and the targets every ratio is judged against."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mode:
    """Durations, sizes and repetitions of one harness mode."""

    name: str
    seconds: float  # each throughput / latency run
    warmup_seconds: float
    connections: int  # throughput runs (the 64)
    scale_connections: int  # latency-versus-size runs: light load, so slow answers still complete
    preload: int  # orders POSTed before the throughput cases
    scale_sizes: tuple[int, ...]
    sqlite_max: int  # largest store size measured on the SQLite backend
    memory_orders: int  # inserts measured with tracemalloc
    suite_repeats: int
    max_rps: int = 200_000  # request budget per second of run: keeps every run bounded in count
    startup_rounds: int = 5  # interleaved rounds of the start-up phase (bench/startup.py)
    #: Interleaved rounds of each throughput and stores case, each server measured `round_seconds` per
    #: round in a rotated order (bench.ab's way): a ratio is the median of the rounds' ratios.
    rounds: int = 5
    round_seconds: float = 3.0
    certifier_body_bytes: int = 5_000_000  # every body of the server the certifier's memory is measured on
    suite_warmup: bool = True  # one untimed round of the suite's commands first (disk cache, first-run work)

    def budget(self, seconds: float) -> int:
        return int(self.max_rps * seconds)

    def sizes_for(self, backend: str) -> list[int]:
        """Store sizes measured on `backend` (SQLite stops at `sqlite_max`)."""
        limit = self.sqlite_max if backend == "sqlite" else max(self.scale_sizes)
        return [size for size in self.scale_sizes if size <= limit]


MODES = {
    "default": Mode("default", 10.0, 2.0, 64, 8, 2000, (1_000, 100_000, 1_000_000), 100_000, 20_000, 3),
    "quick": Mode(
        "quick",
        3.0,
        1.0,
        64,
        8,
        1000,
        (1_000, 100_000, 1_000_000),
        100_000,
        10_000,
        1,
        startup_rounds=3,
        rounds=3,
        round_seconds=2.0,
    ),
    # The smoke test's mode: numbers are meaningless, every code path runs (wrk's floor is 1 s per run).
    "tiny": Mode(
        "tiny",
        0.1,
        0.0,
        8,
        4,
        50,
        (50, 200),
        200,
        200,
        1,
        max_rps=20_000,
        startup_rounds=1,
        rounds=1,
        round_seconds=0.1,
        certifier_body_bytes=100_000,
        suite_warmup=False,
    ),
}


@dataclass(frozen=True)
class Target:
    """A metric, the bound it must meet, and which way the bound points."""

    metric: str
    bound: float
    at_most: bool  # True: value <= bound passes; False: value >= bound passes
    label: str

    def passes(self, value: float) -> bool:
        return value <= self.bound if self.at_most else value >= self.bound

    def describe(self) -> str:
        return f"{'<=' if self.at_most else '>='} {self.bound:g}"


TARGETS = (
    # Issue 17's throughput targets (wrk, 64 connections, uvloop + orjson bare baseline).
    Target("throughput.getById.ratio", 0.9, False, "GET by id, mock / bare throughput"),
    Target("throughput.listState.ratio", 0.8, False, "list ?state=&limit=10, mock / bare throughput"),
    Target("throughput.post.ratio", 0.75, False, "POST (full validation), mock / bare throughput"),
    Target("throughput.post.mockP99Ms", 10.0, True, "POST p99 latency, ms (growing store)"),
    Target("scale.memory.getById.p50Ratio", 1.2, True, "GET by id p50, largest store / 1k"),
    Target("scale.memory.filterParty.p50Ratio", 1.2, True, "relatedParty.id filter p50, largest / 1k"),
    Target("scale.memory.filterState.p50Ratio", 1.2, True, "state filter p50, largest / 1k"),
    Target("scale.sqlite.getById.p50Ratio", 1.2, True, "SQLite GET by id p50, largest / 1k"),
    Target("scale.sqlite.filterParty.p50Ratio", 1.2, True, "SQLite relatedParty.id filter p50, largest / 1k"),
    Target("scale.sqlite.filterState.p50Ratio", 1.2, True, "SQLite state filter p50, largest / 1k"),
    Target("memory.mock.bytesPerOrder", 2048, True, "bytes per stored CTK order (tracemalloc)"),
    Target("memory.certifier.peakRssMB", 200, True, "certifier peak RSS, --level all vs 5 MB bodies (MiB)"),
    Target("suite.ratioNoHtml", 0.5, True, "CTK run (no HTML) / Newman wall time"),
    # Issue 17: each a median over interleaved rounds of its ratio to the bare app's start in the same round.
    Target("startup.mockRatio", 2.0, True, "tmf622-mock start to first answer / bare app's"),
    Target("startup.ctkRatio", 4.0, True, "tmf622-ctk v4 embedded mock, whole run / bare start"),
    # Issue 17: group commit, each POST acknowledged only after the commit (fsync) holding it.
    Target("stores.sqlite.post.ratio", 0.5, False, "SQLite POST / bare throughput (stores phase)"),
)
