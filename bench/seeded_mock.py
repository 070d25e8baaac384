"""The mock as its CLI serves it, plus the bench-only seed route (the harness grows its store in-process).

Run: ``python -m bench.seeded_mock --host 127.0.0.1 --port 0 --backend memory``; prints the mock's
ready-line format once listening.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench import mock_adapter, seeding, serving


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.seeded_mock", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--backend", default="memory")
    # The mock's own __main__ runs the stock asyncio loop; measure what users run.
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="asyncio")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-sqlite-") as scratch:
        settings = mock_adapter.settings(args.backend, args.host, args.port, Path(scratch) / "orders.db")
        app = mock_adapter.create_app_factory()(settings)
        base_path = mock_adapter.base_path(settings)
        base_url = f"http://{args.host}{base_path}"
        seeder = seeding.Seeder(
            lambda: mock_adapter.order_inserter(mock_adapter.app_store(app), base_url),
            lambda: mock_adapter.store_kind(app),
        )
        seeding.add_seed_route(app, seeder)
        banner = "tmf622-mock (seeded)"
        serving.run(serving.serve(app, args.host, args.port, banner, base_path), args.loop)


if __name__ == "__main__":
    main()
