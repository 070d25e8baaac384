"""`python -m bench.middleware_cost`: what one aiohttp middleware that does nothing costs the bare app.

The mock answers through one middleware (`http/front_door.py`), and with any middleware aiohttp wraps
every handler in two more calls (`_fix_request_current_app` and the middleware itself). This prices
that machinery alone: the bare baseline against the same app with a no-op middleware, GET by id in
interleaved rounds (`bench/rounds.py`). Its ratio is the ceiling of any middleware-based mock's GET
ratio (issue 17's target: >= 0.9).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench import loadgen, procs, rounds, servers, throughput
from bench.cases import Run
from bench.config import MODES


def price(run: Run) -> dict[str, Any]:
    """Both apps side by side on the server core, GET by id in `Mode.rounds` rotated rounds."""
    command = procs.python_module("bench.bare_server", *servers.LOOPBACK, "--noop-middleware")
    under_test = {
        "bare": servers.bare(run.workdir),
        "middleware": procs.Server("middleware", command, run.workdir / "middleware.log"),
    }
    measured = throughput.measured_rounds(run, under_test, ("getById",))["getById"]
    return {"ratio": rounds.ratio(measured, "middleware", "bare"), **rounds.combined(measured)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.middleware_cost", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--seconds", type=float, default=3.0, help="each measured run (default 3)")
    args = parser.parse_args(argv)
    mode = replace(MODES["quick"], rounds=args.rounds, round_seconds=args.seconds)
    with tempfile.TemporaryDirectory(prefix="tmf622-mw-") as scratch:
        result = price(Run(loadgen.available(), mode, Path(scratch)))
    ratio = result["ratio"]
    if ratio["median"] is None:
        print(f"not measured: {result['bare'].get('error') or result['middleware'].get('error')}")
        return 1
    print(
        f"GET by id, bare app with one no-op middleware / bare app: {ratio['median']} "
        f"({ratio['min']}-{ratio['max']}) over {args.rounds} rounds; "
        f"req/s {result['bare']['rps']:.0f} -> {result['middleware']['rps']:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
