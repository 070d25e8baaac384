"""Command line: `tmf622-mock` / `python -m mock_server` turns argv into Settings and serves."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Callable, Sequence

from aiohttp import web

from mock_server.app import create_app
from mock_server.settings import (
    DEFAULT_BASE_PATH,
    DEFAULT_PORT,
    MIB,
    Settings,
    normalize_base_path,
    normalize_public_url,
)


def _checked(convert: Callable[[str], object]) -> Callable[[str], object]:
    """Turn a ValueError of `convert` into an argparse usage error."""

    def parse(text: str) -> object:
        try:
            return convert(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tmf622-mock",
        description="Reference TMF622 Product Ordering v4 server (in memory). Prints one ready line "
        "'tmf622-mock listening on http://HOST:PORT<base-path>' on stdout, serves until SIGTERM/SIGINT.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: %(default)s)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="TCP port; 0 picks a free one (default: %(default)s)"
    )
    parser.add_argument(
        "--base-path",
        type=_checked(normalize_base_path),
        default=DEFAULT_BASE_PATH,
        help="path prefix of the API, e.g. /productOrderingManagement/v4 (default: %(default)s)",
    )
    parser.add_argument(
        "--public-url",
        type=_checked(normalize_public_url),
        default=None,
        help="scheme://host[:port] used in href and Location (default: from each request's Host header)",
    )
    parser.add_argument(
        "--max-body-bytes", type=int, default=MIB, help="larger request bodies get 413 (default: %(default)s)"
    )
    parser.add_argument(
        "--default-limit", type=int, default=1000, help="page size without ?limit= (default: %(default)s)"
    )
    parser.add_argument(
        "--max-limit",
        type=int,
        default=1000,
        help="larger ?limit= values are cut to this (default: %(default)s)",
    )
    return parser


def parse_settings(argv: Sequence[str] | None = None) -> Settings:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return Settings(**vars(args))
    except ValueError as exc:
        parser.error(str(exc))


def ready_line(host: str, port: int, base_path: str) -> str:
    """The only coupling with ctk_suite (ARCHITECTURE.md): keep it byte-exact."""
    shown = f"[{host}]" if ":" in host else host
    return f"tmf622-mock listening on http://{shown}:{port}{base_path}"


async def serve(settings: Settings) -> None:
    """Listen, announce the real port, then wait for SIGTERM/SIGINT and shut down cleanly."""
    runner = web.AppRunner(create_app(settings), access_log=None, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.host, settings.port).start()
        port = runner.addresses[0][1]
        print(ready_line(settings.host, port, settings.base_path), flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse_settings(argv)
    try:
        asyncio.run(serve(settings))
    except OSError as exc:
        print(f"tmf622-mock: cannot listen on {settings.host}:{settings.port}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
