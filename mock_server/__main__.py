"""Command line: `tmf622-mock` turns flags, environment and a YAML file into Settings, and serves."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Mapping, Sequence

from aiohttp import web

from mock_server.app import create_app
from mock_server.config import ConfigError, build_parser, resolve
from mock_server.settings import Settings

__all__ = ["build_parser", "main", "parse_settings", "ready_line", "serve"]


def parse_settings(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from flags > environment (`TMF622_MOCK_*`) > YAML file > defaults; exit 2 when unusable."""
    try:
        return resolve(argv, os.environ if environ is None else environ)
    except ConfigError as exc:
        print(f"tmf622-mock: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def ready_line(host: str, port: int, base_path: str) -> str:
    """The only coupling with ctk_suite (ARCHITECTURE.md): keep it byte-exact."""
    shown = f"[{host}]" if ":" in host else host
    return f"tmf622-mock listening on http://{shown}:{port}{base_path}"


async def serve(settings: Settings) -> None:
    """Listen, announce the real port, then wait for SIGTERM/SIGINT and shut down cleanly."""
    try:
        app = create_app(settings)
    except ValueError as exc:  # a seed, progression or faults file the app cannot use
        raise ConfigError(str(exc)) from None
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.host, settings.port).start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):  # before the ready line: a signal right after it
            loop.add_signal_handler(signum, stop.set)  # must still shut down cleanly
        port = runner.addresses[0][1]
        print(ready_line(settings.host, port, settings.base_path), flush=True)
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse_settings(argv)
    try:
        asyncio.run(serve(settings))
    except ConfigError as exc:
        print(f"tmf622-mock: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"tmf622-mock: cannot listen on {settings.host}:{settings.port}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
