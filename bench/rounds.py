"""A case measured in interleaved rounds, as `bench.ab` does it: on a shared machine one run swings by a
third, so each server is measured once per round in a rotated order, and a ratio is the median of the
rounds' own ratios (its range shows the noise), never a ratio of two lone runs."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

#: One round: server name -> that server's figures (`LoadResult.as_json()`), or `{"error": ...}`.
Round = dict[str, dict[str, Any]]


def rotated(names: list[str], index: int) -> list[str]:
    """Round `index`'s order: each server goes first in turn, so none always runs on a warmer machine."""
    shift = index % len(names)
    return names[shift:] + names[:shift]


def measure_rounds(
    names: list[str], count: int, measure: Callable[[str, int], dict[str, Any]]
) -> list[Round]:
    """`count` rounds of `measure(name, round index)` for every server, in rotated order."""
    return [{name: measure(name, index) for name in rotated(names, index)} for index in range(count)]


def spread(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"median": None, "min": None, "max": None}
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def ratio(rounds: list[Round], name: str, base: str, field: str = "rps") -> dict[str, float | None]:
    """`name`'s `field` over `base`'s, round by round, as a median and range: none if a round of either
    failed (its figures would mislead); rounds where either has no such figure (a run too short for one
    clock tick of CPU has no per-core one) are left out."""
    if any("rps" not in one[name] or "rps" not in one[base] for one in rounds):
        return spread([])
    return spread(
        [
            one[name][field] / one[base][field]
            for one in rounds
            if one[name].get(field) and one[base].get(field)
        ]
    )


def combined(rounds: list[Round]) -> dict[str, dict[str, Any]]:
    """Server -> its figures over the rounds: the first failed round's error if any round failed, else
    each number's median (error counts summed, a lower-bound flag kept if any round set it)."""
    out: dict[str, dict[str, Any]] = {}
    for name in rounds[0]:
        runs = [one[name] for one in rounds]
        failed = next((run for run in runs if "rps" not in run), None)
        out[name] = failed if failed is not None else _medians(runs)
    return out


def _medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for key, first in runs[0].items():
        values = [run.get(key) for run in runs]
        if isinstance(first, bool):
            figures[key] = any(values)
        elif isinstance(first, int | float):
            figures[key] = statistics.median(value for value in values if isinstance(value, int | float))
        elif isinstance(first, dict):  # error counts by kind
            figures[key] = {
                kind: sum(value.get(kind, 0) for value in values) for kind in set().union(*values)
            }
        else:
            figures[key] = first
    figures["rounds"] = len(runs)
    return figures
