"""Flatten the phases' raw results into named numeric metrics, and say why any metric has no value."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bench import scale, stores, throughput
from bench.config import Mode

Metrics = dict[str, float | None]
LOAD_FIGURES = (("rps", "Rps"), ("p50Ms", "P50Ms"), ("p99Ms", "P99Ms"), ("serverCpu", "ServerCpu"))
#: Per-case figures beside the per-server ones: throughput ratio (the median over the interleaved rounds,
#: and its range), the same per server CPU-second (robust when other work shares the server's core), and
#: the generator's CPU use.
CASE_FIGURES = ("ratio", "ratioMin", "ratioMax", "cpuRatio", "loadgenCpu")
SUITE_FIGURES = ("ctkSeconds", "ctkNoHtmlSeconds", "newmanSeconds", "ratio", "ratioNoHtml")
STARTUP_FIGURES = ("bareS", "mockS", "ctkS", "mockRatio", "ctkRatio")


def metric_keys(mode: Mode) -> list[str]:
    """Every metric a run of `mode` must report: the smoke test holds the harness to this list."""
    keys = [
        f"throughput.{case}.{who}{suffix}"
        for case in throughput.CASE_NAMES
        for who in ("bare", "mock")
        for _, suffix in LOAD_FIGURES
    ]
    keys += [f"throughput.{case}.{name}" for case in throughput.CASE_NAMES for name in CASE_FIGURES]
    for backend in scale.BACKENDS:
        for case in scale.CASE_NAMES:
            sizes = mode.sizes_for(backend)
            keys += [f"scale.{backend}.{case}.{size}.{f}" for size in sizes for f in ("p50Ms", "p99Ms")]
            keys += [f"scale.{backend}.{case}.p50Ratio", f"scale.{backend}.{case}.p99Ratio"]
        keys += [f"scale.{backend}.rssBytesPerOrder", f"scale.{backend}.seedSeconds"]
    keys += ["memory.mock.bytesPerOrder", "memory.bare.bytesPerOrder", "memory.certifier.peakRssMB"]
    keys += [f"suite.{name}" for name in SUITE_FIGURES]
    keys += [f"startup.{name}" for name in STARTUP_FIGURES]
    keys += [f"stores.{store}.{case}.ratio" for store in stores.STORES for case in stores.CASES]
    keys += ["loadgen.maxCpu"]
    return keys


def _cases(phase: dict[str, Any]) -> dict[str, Any]:
    """A phase's per-case (or per-backend) results; empty when the whole phase failed."""
    return {name: value for name, value in phase.items() if isinstance(value, dict)}


def _throughput(results: dict[str, Any]) -> Iterator[tuple[str, float | None]]:
    for case, pair in _cases(results).items():
        for who in ("bare", "mock"):
            for field, suffix in LOAD_FIGURES:
                yield f"throughput.{case}.{who}{suffix}", pair[who].get(field)
        ratio, per_cpu = pair.get("ratio") or {}, pair.get("cpuRatio") or {}
        yield f"throughput.{case}.ratio", ratio.get("median")
        yield f"throughput.{case}.ratioMin", ratio.get("min")
        yield f"throughput.{case}.ratioMax", ratio.get("max")
        yield f"throughput.{case}.cpuRatio", per_cpu.get("median")
        cpus = [pair[who]["loadgenCpu"] for who in ("bare", "mock") if "loadgenCpu" in pair[who]]
        yield f"throughput.{case}.loadgenCpu", max(cpus) if cpus else None


def _ratio(sized: dict[str, Any], case: str, field: str) -> float | None:
    ordered = sorted(sized, key=int)
    first, last = sized[ordered[0]].get(case, {}).get(field), sized[ordered[-1]].get(case, {}).get(field)
    return last / first if first and last is not None else None


def _scale(results: dict[str, Any]) -> Iterator[tuple[str, float | None]]:
    for backend, outcome in _cases(results).items():
        sized = outcome.get("sizes", {})
        for size, by_case in sized.items():
            for case in scale.CASE_NAMES:
                for field in ("p50Ms", "p99Ms"):
                    yield f"scale.{backend}.{case}.{size}.{field}", by_case.get(case, {}).get(field)
        for case in scale.CASE_NAMES:
            for field in ("p50", "p99"):
                yield (
                    f"scale.{backend}.{case}.{field}Ratio",
                    _ratio(sized, case, f"{field}Ms") if sized else None,
                )
        largest = sized[max(sized, key=int)]["seed"] if sized else {}
        yield f"scale.{backend}.rssBytesPerOrder", largest.get("rssBytesPerOrder")
        yield f"scale.{backend}.seedSeconds", largest.get("seconds")


def flatten(raw: dict[str, Any]) -> Metrics:
    """All metrics found in the raw results of the phases that ran."""
    found: Metrics = dict(_throughput(raw.get("throughput", {})))
    found |= dict(_scale(raw.get("scale", {})))
    for who, outcome in _cases(raw.get("memory", {})).items():
        figure = "peakRssMB" if who == "certifier" else "bytesPerOrder"  # bench/certifier_memory.py
        found[f"memory.{who}.{figure}"] = outcome.get(figure)
    suite = raw.get("suite", {})
    for name in SUITE_FIGURES:
        found[f"suite.{name}"] = suite.get(name)
    startup = raw.get("startup", {})
    for name in STARTUP_FIGURES:
        found[f"startup.{name}"] = startup.get(name)
    for pair, ratio in raw.get("stores", {}).get("ratios", {}).items():  # "sqlite.post": rps / bare rps
        found[f"stores.{pair}.ratio"] = ratio
    cpus = [v for k, v in found.items() if k.endswith("loadgenCpu") and v is not None]
    found["loadgen.maxCpu"] = max(cpus) if cpus else None
    return found


def lower_bounds(raw: dict[str, Any]) -> set[str]:
    """Scale metrics measured with responses missing (timeouts): the true value is at least this."""
    bounded: set[str] = set()
    for backend, outcome in _cases(raw.get("scale", {})).items():
        for size, by_case in outcome.get("sizes", {}).items():
            for case in scale.CASE_NAMES:
                if by_case.get(case, {}).get("latencyLowerBound"):
                    bounded |= {
                        f"scale.{backend}.{case}.{size}.p50Ms",
                        f"scale.{backend}.{case}.{size}.p99Ms",
                    }
                    bounded |= {f"scale.{backend}.{case}.p50Ratio", f"scale.{backend}.{case}.p99Ratio"}
    return bounded


def explain(raw: dict[str, Any], keys: list[str], found: Metrics) -> tuple[dict[str, str], dict[str, str]]:
    """(absent, errors): for each metric without a value, why, split into "not there yet" and "failed"."""
    absent, errors = dict(_notes(raw, "absent")), dict(_notes(raw, "error"))
    out: tuple[dict[str, str], dict[str, str]] = ({}, {})
    for key in keys:
        if found.get(key) is not None:
            continue
        why = next((text for prefix, text in absent.items() if key.startswith(prefix)), None)
        if why is not None:
            out[0][key] = why
        else:
            out[1][key] = next(
                (text for prefix, text in errors.items() if key.startswith(prefix)), "not measured"
            )
    return out


def _notes(raw: dict[str, Any], kind: str) -> Iterator[tuple[str, str]]:
    """(metric prefix, text) of every `{kind: text}` the phases recorded."""
    for phase in ("throughput", "scale", "memory", "suite", "startup", "stores"):
        if kind in raw.get(phase, {}):
            yield phase, raw[phase][kind]
    yield from _throughput_notes(_cases(raw.get("throughput", {})), kind)
    yield from _scale_notes(_cases(raw.get("scale", {})), kind)
    yield from _stores_notes(_cases(raw.get("stores", {}).get("results", {})), kind)
    for who, outcome in _cases(raw.get("memory", {})).items():
        if kind in outcome:
            yield f"memory.{who}", outcome[kind]


def _throughput_notes(results: dict[str, Any], kind: str) -> Iterator[tuple[str, str]]:
    for case, pair in results.items():
        for who in ("mock", "bare"):
            if kind in pair[who]:
                yield f"throughput.{case}", f"{who}: {pair[who][kind]}"


def _scale_notes(results: dict[str, Any], kind: str) -> Iterator[tuple[str, str]]:
    for backend, outcome in results.items():
        if kind in outcome:
            yield f"scale.{backend}", outcome[kind]
        for by_case in outcome.get("sizes", {}).values():
            for case in scale.CASE_NAMES:
                if kind in by_case.get(case, {}):
                    yield f"scale.{backend}.{case}", by_case[case][kind]


def _stores_notes(results: dict[str, Any], kind: str) -> Iterator[tuple[str, str]]:
    for store, figures in results.items():
        if kind in figures:
            yield f"stores.{store}", figures[kind]
        for case in stores.CASES:
            if kind in figures.get(case, {}):
                yield f"stores.{store}.{case}", figures[case][kind]
