"""The benchmark harness still runs end to end and reports every metric (its tiny mode, < 20 s)."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

# `make test` installs the dev extra only: there the smoke skips. CI (TMF622_REQUIRE_BENCH=1) installs
# the bench extra too, and a missing one fails the import instead.
if os.environ.get("TMF622_REQUIRE_BENCH") != "1":
    for extra in ("uvloop", "orjson", "psutil", "matplotlib"):
        pytest.importorskip(extra, reason="needs the bench extra: make bench, or pip install -e '.[bench]'")

from bench import cases, loadgen, metrics, servers
from bench.config import MODES, TARGETS

pytestmark = pytest.mark.bench

REPO = Path(__file__).resolve().parents[2]
#: Parts that may legitimately be missing (reported n/a); anything else missing is a broken harness.
MAY_BE_ABSENT = ("scale.sqlite.", "suite.", "stores.")  # stores: real runs only (not tiny)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """One tiny run with the Python load generator (wrk's floor of 1 s per run is too slow here)."""
    out = tmp_path_factory.mktemp("bench")
    argv = [
        sys.executable,
        "-m",
        "bench",
        "--tiny",
        "--loadgen",
        "python",
        "--name",
        "smoke",
        "--out-dir",
        str(out),
    ]
    # Bounded, not timed: 80 s on 2 busy cores (load 9) before the start-up phase; its figures mean nothing.
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=420, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return json.loads((out / "smoke.json").read_text(encoding="utf-8")), out


def test_every_metric_is_reported(run: tuple[dict[str, Any], Path]) -> None:
    document, _ = run
    assert list(document["metrics"]) == metrics.metric_keys(MODES["tiny"])
    assert document["errors"] == {}


def test_every_value_is_a_finite_number_or_an_explained_absence(run: tuple[dict[str, Any], Path]) -> None:
    document, _ = run
    for key, value in document["metrics"].items():
        if value is None:
            # A per-core figure needs one clock tick (10 ms) of server CPU, which a tiny run may not reach.
            absent_allowed = key.startswith(MAY_BE_ABSENT) or key.endswith(".cpuRatio")
            assert absent_allowed, f"{key} has no value: {document['notApplicable'].get(key)}"
            assert document["notApplicable"][key]
        else:
            assert isinstance(value, int | float), key
            assert not isinstance(value, bool), key
            assert math.isfinite(value), key


def test_the_mock_parts_are_measured(run: tuple[dict[str, Any], Path]) -> None:
    document, _ = run
    for key in ("throughput.getById.ratio", "throughput.post.mockP99Ms", "scale.memory.getById.p50Ratio"):
        assert document["metrics"][key] > 0, key
    assert 200 < document["metrics"]["memory.mock.bytesPerOrder"] < 100_000


def test_every_target_has_a_verdict(run: tuple[dict[str, Any], Path]) -> None:
    document, _ = run
    rows = {row["metric"]: row for row in document["targets"]}
    assert set(rows) == {target.metric for target in TARGETS}
    for metric, row in rows.items():
        expected = (
            {"n/a"} if document["metrics"][metric] is None else {"pass", "MISS", "inconclusive (lower bound)"}
        )
        assert row["status"] in expected, metric


def test_the_chart_is_a_png(run: tuple[dict[str, Any], Path]) -> None:
    _, out = run
    assert (out / "smoke.png").read_bytes()[:8] == PNG_MAGIC


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (bench/run.sh installs it)")
def test_a_wrk_run_is_bounded_and_parsed() -> None:
    """The wrk path (script, JSON summary, CPU sampling) against the bare baseline, one second."""
    mode = MODES["tiny"]
    with tempfile.TemporaryDirectory() as scratch, servers.bare(Path(scratch)) as bare:
        case = cases.Case("list", 200, cases.filter_state)
        result = cases.measure(cases.Run("wrk", mode, Path(scratch)), bare, case)
    assert result.requests > 0
    assert result.requests <= mode.budget(mode.seconds) + mode.connections
    assert 0 < result.p50Ms <= result.p99Ms
    assert result.loadgenCpu > 0
    assert loadgen.available() == "wrk"
