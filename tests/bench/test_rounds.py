"""`make bench`'s interleaved rounds (bench/rounds.py): what a ratio and a server's figures are made of."""

from __future__ import annotations

from typing import Any

from bench import rounds


def figures(
    rps: float, p99: float, *, cpu: float = 1.0, errors: int = 0, bound: bool = False
) -> dict[str, Any]:
    """A server's figures for one round, shaped like `LoadResult.as_json()`."""
    return {
        "requests": int(rps),
        "errors": {"timeout": errors} if errors else {},
        "latencyLowerBound": bound,
        "p99Ms": p99,
        "serverCpu": cpu,
        "rps": rps,
        "rpsPerCore": rps / cpu if cpu else 0.0,
    }


def test_each_server_goes_first_in_turn() -> None:
    order = [rounds.rotated(["bare", "mock", "other"], index) for index in range(4)]
    assert [each[0] for each in order] == ["bare", "mock", "other", "bare"]
    assert all(sorted(each) == ["bare", "mock", "other"] for each in order)


def test_a_ratio_is_the_median_of_the_rounds_ratios_not_a_ratio_of_medians() -> None:
    measured = [
        {"bare": figures(100, 1), "mock": figures(90, 2)},  # 0.9
        {"bare": figures(200, 1), "mock": figures(100, 2)},  # 0.5
        {"bare": figures(50, 1), "mock": figures(40, 2)},  # 0.8
    ]
    assert rounds.ratio(measured, "mock", "bare") == {"median": 0.8, "min": 0.5, "max": 0.9}
    # The ratio of the medians (90 / 100) would hide that the machine's speed moved under both servers.
    assert rounds.combined(measured)["mock"]["rps"] / rounds.combined(measured)["bare"]["rps"] == 0.9


def test_rounds_without_a_figure_are_left_out_of_a_ratio() -> None:
    measured = [
        {"bare": figures(100, 1, cpu=0.0), "mock": figures(90, 2)},  # no CPU tick: no per-core figure
        {"bare": figures(100, 1), "mock": figures(60, 2)},
    ]
    assert rounds.ratio(measured, "mock", "bare", "rpsPerCore")["median"] == 0.6
    assert rounds.ratio(measured[:1], "mock", "bare", "rpsPerCore") == {
        "median": None,
        "min": None,
        "max": None,
    }


def test_a_server_s_figures_are_medians_its_errors_summed_and_a_lower_bound_kept() -> None:
    measured = [
        {"mock": figures(90, 20, errors=1)},
        {"mock": figures(100, 10, bound=True)},
        {"mock": figures(80, 30, errors=2)},
    ]
    mock = rounds.combined(measured)["mock"]
    assert (mock["rps"], mock["p99Ms"], mock["rounds"]) == (90, 20, 3)
    assert mock["errors"] == {"timeout": 3}
    assert mock["latencyLowerBound"] is True


def test_one_failed_round_fails_the_server_and_its_ratio_with_its_reason() -> None:
    measured = [
        {"bare": figures(100, 1), "mock": figures(90, 2)},
        {"bare": figures(100, 1), "mock": {"error": "mock post: {'status': 3} over 900 responses"}},
    ]
    combined = rounds.combined(measured)
    assert combined["mock"] == {"error": "mock post: {'status': 3} over 900 responses"}
    assert combined["bare"]["rounds"] == 2
    assert rounds.ratio(measured, "mock", "bare")["median"] is None  # reported as an ERROR, not judged


def test_every_server_is_measured_once_per_round() -> None:
    calls: list[tuple[str, int]] = []

    def measure(name: str, index: int) -> dict[str, Any]:
        calls.append((name, index))
        return figures(10.0 * (index + 1), 1)

    measured = rounds.measure_rounds(["bare", "mock"], 3, measure)
    assert calls == [("bare", 0), ("mock", 0), ("mock", 1), ("bare", 1), ("bare", 2), ("mock", 2)]
    assert [one["mock"]["rps"] for one in measured] == [10.0, 20.0, 30.0]
