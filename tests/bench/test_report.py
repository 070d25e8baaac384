"""How a throughput target is judged when the machine is shared (bench/report.py)."""

from __future__ import annotations

import os

import pytest

# As in test_bench_smoke.py: skipped without the bench extra (make test), required in CI.
if os.environ.get("TMF622_REQUIRE_BENCH") != "1":
    pytest.importorskip("psutil", reason="needs the bench extra: make bench, or pip install -e '.[bench]'")

from bench.report import verdicts


def _row(found: dict[str, float | None], metric: str) -> dict[str, object]:
    return next(row for row in verdicts(found, {}, set()) if row["metric"] == metric)


def test_a_contended_server_is_judged_on_its_per_cpu_ratio() -> None:
    found = {
        "throughput.getById.ratio": 0.5,
        "throughput.getById.cpuRatio": 0.95,
        "throughput.getById.bareServerCpu": 0.4,
        "throughput.getById.mockServerCpu": 0.9,
    }
    row = _row(found, "throughput.getById.ratio")
    assert (row["judgedOn"], row["status"]) == ("throughput.getById.cpuRatio", "pass")


def test_a_run_too_short_for_a_cpu_tick_is_judged_on_its_plain_ratio_not_an_error() -> None:
    found = {
        "throughput.getById.ratio": 0.5,
        "throughput.getById.cpuRatio": None,
        "throughput.getById.bareServerCpu": 0.0,
        "throughput.getById.mockServerCpu": 0.3,
    }
    row = _row(found, "throughput.getById.ratio")
    assert (row["judgedOn"], row["status"]) == ("throughput.getById.ratio", "MISS")
