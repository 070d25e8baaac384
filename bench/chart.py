"""A small PNG of a run: latency versus store size, and mock throughput versus the bare baseline."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on CI or servers

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from bench import scale, throughput
from bench.config import Mode
from bench.metrics import Metrics


def _latency(axes: Axes, found: Metrics, mode: Mode, bounded: set[str]) -> None:
    """p50 per case and backend; a triangle marks a lower bound (responses timed out)."""
    for backend in scale.BACKENDS:
        sizes = mode.sizes_for(backend)
        for case in scale.CASE_NAMES:
            keys = [f"scale.{backend}.{case}.{n}.p50Ms" for n in sizes]
            points = [
                (n, value, k in bounded) for n, k in zip(sizes, keys, strict=True) if (value := found.get(k))
            ]
            if not points:
                continue
            line = axes.plot(
                [p[0] for p in points], [p[1] for p in points], marker="o", label=f"{backend} {case}"
            )
            lows = [p for p in points if p[2]]
            if lows:
                color = line[0].get_color()
                axes.scatter([p[0] for p in lows], [p[1] for p in lows], marker="^", s=90, color=color)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("stored orders")
    axes.set_ylabel("p50 latency (ms, log; ^ = at least)")
    axes.set_title("Mock latency vs store size")
    axes.grid(visible=True, alpha=0.3)
    if axes.get_legend_handles_labels()[0]:
        axes.legend(fontsize=7)


def _throughput(axes: Axes, found: Metrics) -> None:
    cases = list(throughput.CASE_NAMES)
    positions = range(len(cases))
    bare = [found.get(f"throughput.{c}.bareRps") or 0.0 for c in cases]
    mock = [found.get(f"throughput.{c}.mockRps") or 0.0 for c in cases]
    axes.bar([p - 0.2 for p in positions], bare, width=0.4, label="bare (uvloop+orjson)")
    bars = axes.bar([p + 0.2 for p in positions], mock, width=0.4, label="mock")
    for bar, case in zip(bars, cases, strict=True):
        ratio = found.get(f"throughput.{case}.ratio")
        label = "n/a" if ratio is None else f"{ratio:.2f}x"
        axes.annotate(label, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom")
    axes.set_xticks(list(positions), cases)
    axes.set_ylabel("requests / s")
    axes.set_title("Throughput, 1 server core")
    axes.legend(fontsize=7)


def draw(found: Metrics, mode: Mode, path: Path, bounded: set[str]) -> Path:
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    _latency(left, found, mode, bounded)
    _throughput(right, found)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
    return path
