"""Start-up phase: the mock's start to first answer and a whole embedded `tmf622-ctk` run, against a bare app.

Each figure is a ratio to the bare aiohttp app (`bench.bare_server`) started the same way in the same
round (`python -m <module> --host 127.0.0.1 --port 0`, spawn to the first answer of a GET), and the three
are run in interleaved rounds, so a machine that gets busier in the middle slows all of them alike.
Standard library only: `python -m bench.startup --rounds 5` runs without the bench extra. Before timing,
the project's packages are byte-compiled, as `pip install` does for an installed tool.
"""

from __future__ import annotations

import argparse
import compileall
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench import config

READY = re.compile(r"listening on (?P<url>http://127\.0\.0\.1:\d+\S*)")
LOOPBACK = ("--host", "127.0.0.1", "--port", "0")
ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 120.0
#: Issue 17's targets (bench.config.TARGETS): the mock's start to first answer <= 2x the bare app's, a
#: whole embedded CTK run <= 4x.
TARGETS = {target.metric: target.bound for target in config.TARGETS if target.metric.startswith("startup.")}


def first_answer_seconds(module: str) -> float:
    """Spawn `python -m module` on a free loopback port; seconds until its first HTTP answer."""
    started = time.perf_counter()
    command = [sys.executable, "-u", "-m", module, *LOOPBACK]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as process:
        try:
            assert process.stdout is not None
            for line in process.stdout:
                if match := READY.search(line):
                    url = match.group("url").split()[0].rstrip("/")
                    with urllib.request.urlopen(f"{url}/productOrder?limit=1", timeout=TIMEOUT_S) as answer:
                        answer.read()
                    return time.perf_counter() - started
            raise RuntimeError(f"{module} exited before its ready line")
        finally:
            process.terminate()
            process.wait(timeout=TIMEOUT_S)


def ctk_run_seconds(reports: Path) -> float:
    """A whole `tmf622-ctk` v4 run against the embedded mock (the default target), without the HTML report."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "ctk_suite", "--reports-dir", str(reports), "--no-allure-html"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"tmf622-ctk exited {done.returncode}: {done.stdout[-400:]}{done.stderr[-400:]}")
    return time.perf_counter() - started


def run(rounds: int, workdir: Path, warmup: bool = True) -> dict[str, Any]:
    """`rounds` interleaved rounds (bare, mock, CTK in a rotated order) after one untimed warm-up round."""
    for package in ("mock_server", "ctk_suite", "bench", "schemas", "scenarios"):
        compileall.compile_dir(ROOT / package, quiet=1)
    samples: dict[str, list[float]] = {"bare": [], "mock": [], "ctk": []}
    steps = {
        "bare": lambda: first_answer_seconds("bench.bare_server"),
        "mock": lambda: first_answer_seconds("mock_server"),
        "ctk": lambda: ctk_run_seconds(workdir / "ctk-reports"),
    }
    names = list(steps)
    for round_index in range(0 if warmup else 1, rounds + 1):
        order = names[round_index % 3 :] + names[: round_index % 3]
        for name in order:
            seconds = steps[name]()
            if round_index:  # round 0 warms the file cache and the byte-code
                samples[name].append(seconds)
    medians = {name: statistics.median(values) for name, values in samples.items()}
    return {
        "rounds": rounds,
        "seconds": {name: [round(v, 3) for v in values] for name, values in samples.items()},
        "bareS": round(medians["bare"], 3),
        "mockS": round(medians["mock"], 3),
        "ctkS": round(medians["ctk"], 3),
        "mockRatio": round(_median_ratio(samples["mock"], samples["bare"]), 2),
        "ctkRatio": round(_median_ratio(samples["ctk"], samples["bare"]), 2),
    }


def _median_ratio(values: list[float], bare: list[float]) -> float:
    """The median over rounds of each round's ratio to the bare start of the same round."""
    return statistics.median(value / base for value, base in zip(values, bare, strict=True))


def lines(result: dict[str, Any]) -> list[str]:
    """The phase as printed: each median beside its target."""
    out = [f"start-up, medians of {result['rounds']} interleaved rounds (bare app: {result['bareS']:.2f} s)"]
    for key, label, seconds in (("mockRatio", "tmf622-mock start to first answer", "mockS"),
                                ("ctkRatio", "tmf622-ctk v4, embedded mock, whole run", "ctkS")):  # fmt: skip
        target = TARGETS[f"startup.{key}"]
        verdict = "pass" if result[key] <= target else "MISS"
        out.append(
            f"  {label:<42} {result[seconds]:6.2f} s  {result[key]:5.2f}x bare  <= {target:g}x  {verdict}"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tmf622-startup-") as scratch:
        result = run(args.rounds, Path(scratch))
    print(json.dumps(result, indent=2) if args.json else "\n".join(lines(result)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
