"""bench.ab's arithmetic: ratios per round against that round's bare run, medians and ranges."""

from __future__ import annotations

import os

import pytest

# As in test_bench_smoke.py: skipped without the bench extra (make test), required in CI.
if os.environ.get("TMF622_REQUIRE_BENCH") != "1":
    pytest.importorskip("psutil", reason="needs the bench extra: make bench, or pip install -e '.[bench]'")

from bench import ab


def test_ratios_are_taken_per_round_and_summarised_as_median_and_range() -> None:
    rounds = [
        {"bare": 100.0, "before": 80.0, "after": 90.0},
        {"bare": 50.0, "before": 45.0, "after": 40.0},
        {"bare": 200.0, "before": 100.0, "after": 150.0},
        {"bare": 0.0, "before": 10.0, "after": 10.0},  # a failed bare run is left out, not divided by
    ]
    assert ab._ratios(rounds, "before") == [0.8, 0.9, 0.5]
    assert ab._spread(ab._ratios(rounds, "after")) == {"median": 0.8, "min": 0.75, "max": 0.9}
    assert ab._spread([]) == {"median": None, "min": None, "max": None}


def test_the_table_names_the_baseline_and_shows_each_case() -> None:
    spread = {"median": 0.9, "min": 0.8, "max": 1.0}
    lines = ab.table("abc123", {"getById": {"before": spread, "after": spread, "afterOverBefore": spread}})
    assert "before = abc123" in lines[0]
    assert lines[2].split()[0] == "getById"
    assert "0.900 (0.800-1.000)" in lines[2]
