"""bench.ab's arithmetic: ratios per round against that round's bare run, medians and ranges."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

# As in test_bench_smoke.py: skipped without the bench extra (make test), required in CI.
if os.environ.get("TMF622_REQUIRE_BENCH") != "1":
    pytest.importorskip("psutil", reason="needs the bench extra: make bench, or pip install -e '.[bench]'")

from bench import ab
from bench.loadgen import LoadResult
from bench.rounds import spread


def test_ratios_are_taken_per_round_and_summarised_as_median_and_range() -> None:
    rounds = [
        {"bare": 100.0, "before": 80.0, "after": 90.0},
        {"bare": 50.0, "before": 45.0, "after": 40.0},
        {"bare": 200.0, "before": 100.0, "after": 150.0},
        {"bare": 0.0, "before": 10.0, "after": 10.0},  # a failed bare run is left out, not divided by
    ]
    assert ab._ratios(rounds, "before") == [0.8, 0.9, 0.5]
    assert spread(ab._ratios(rounds, "after")) == {"median": 0.8, "min": 0.75, "max": 0.9}
    assert spread([]) == {"median": None, "min": None, "max": None}


def test_the_table_names_the_baseline_and_shows_each_case() -> None:
    spread = {"median": 0.9, "min": 0.8, "max": 1.0}
    lines = ab.table("abc123", {"getById": {"before": spread, "after": spread, "afterOverBefore": spread}})
    assert "before = abc123" in lines[0]
    assert lines[2].split()[0] == "getById"
    assert "0.900 (0.800-1.000)" in lines[2]


def load(rps: float, server_cpu: float, p99_ms: float) -> LoadResult:
    """One measured run of `rps` requests per second for 2 s, its server busy `server_cpu` of its core."""
    return LoadResult(int(rps * 2), 2.0, {}, False, 1.0, 2.0, p99_ms, 9.0, 0.5, server_cpu)


def test_a_case_is_also_judged_per_server_cpu_second_and_by_its_p99() -> None:
    """A server starved of its core by other work looks slow per second, not per CPU-second (issue 17)."""
    rounds = [
        {"bare": load(100, 1.0, 5.0), "before": load(50, 1.0, 20.0), "after": load(40, 0.5, 8.0)},
        {"bare": load(200, 1.0, 7.0), "before": load(100, 0.5, 30.0), "after": load(160, 1.0, 6.0)},
    ]
    figures = ab.summary(rounds)
    assert figures["after"] == {"median": 0.6, "min": 0.4, "max": 0.8}
    assert figures["cpuAfter"] == {"median": 0.8, "min": 0.8, "max": 0.8}
    assert figures["cpuBefore"] == {"median": 0.75, "min": 0.5, "max": 1.0}
    assert figures["p99Ms"]["after"] == {"median": 7.0, "min": 6.0, "max": 8.0}
    lines = ab.table("main", {"post": figures})
    assert lines[2].split()[-2:] == ["25.0", "7.0"]  # p99 medians, before and after
    assert lines[-1].split() == ["post", "0.750", "(0.500-1.000)", "0.800", "(0.800-0.800)"]


def test_the_before_mock_is_the_exported_tree_not_this_checkout(tmp_path: Path) -> None:
    """Started from this checkout (as `make bench-ab` is), the "before" server imports the tree's code."""
    package = tmp_path / "mock_server"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text("print(__file__)\n")
    command = ab.mock_of(tmp_path, "before", tmp_path).command
    ran = subprocess.run(command, cwd=ab.ROOT, capture_output=True, text=True, timeout=30, check=True)
    assert Path(ran.stdout.strip()).parent == package
