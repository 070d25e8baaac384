"""Command line: `tmf622-mock` turns flags, environment and a YAML file into Settings, and serves."""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import signal
import socket
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from aiohttp import web

from mock_server.access.auth import exposure_warning
from mock_server.app import create_app
from mock_server.config.options import Option, option_table
from mock_server.config.settings import RESERVED_FDS, Settings
from mock_server.config.sources import ConfigError, resolve
from mock_server.config.sources import build_parser as parser_of
from mock_server.http.server import TmfAppRunner, connection_cap
from mock_server.store.optional import MissingDriver, require_driver
from mock_server.versions import VERSIONS
from mock_server.workers import run_workers

if sys.platform == "win32":  # uvloop is not built for Windows: the stock loop serves there, slower
    from asyncio import run as run_loop
else:
    from uvloop import run as run_loop

__all__ = ["build_parser", "main", "parse_settings", "ready_line", "serve", "tune_gc"]

#: gc.set_threshold: young collections every 2,000 net allocations (default 700: ~0.5 ms pauses
#: either way; 50,000 made rare 15-20 ms ones), full ones considered 10 times less often (default 10).
GC_THRESHOLDS = (2_000, 10, 100)


def options() -> tuple[Option, ...]:
    """The core's options and every registered plug-in's switch (the config layer imports no plug-in)."""
    return option_table(row for version in VERSIONS for row in version.options)


def served_text() -> str:
    """What `--help` says is served: each plug-in's release under its base path's flag."""
    return " and ".join(
        f"v{version.openapi.version} under {row.flag}"
        for version in VERSIONS
        for row in version.options
        if row.field == "base_path"
    )


def build_parser() -> argparse.ArgumentParser:
    """`tmf622-mock`'s parser, every registered plug-in's options included."""
    return parser_of(options(), served_text())


def parse_settings(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from flags > environment (`TMF622_MOCK_*`) > YAML file > defaults; exit 2 when unusable."""
    try:
        return resolve(argv, os.environ if environ is None else environ, build_parser(), options())
    except ConfigError as exc:
        print(f"tmf622-mock: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def ready_line(host: str, port: int, base_path: str, seconds: float | None = None) -> str:
    """The only coupling with ctk_suite (ARCHITECTURE.md): keep it byte-exact up to the URL; the start-up
    time follows it after a space, as ` (ready in 0.41 s)`."""
    shown = f"[{host}]" if ":" in host else host
    line = f"tmf622-mock listening on http://{shown}:{port}{base_path}"
    return line if seconds is None else f"{line} (ready in {seconds:.2f} s)"


def seconds_since_start() -> float:
    """Since this process started (Linux: its start in /proc, 10 ms ticks), else since this module loaded."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            ticks = int(stat.read().rsplit(")", 1)[1].split()[19])  # field 22, `starttime`: proc(5)
        return time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return time.monotonic() - _LOADED


_LOADED = time.monotonic()


def listening_socket(host: str, port: int) -> socket.socket:
    """Bound before the app is built, so `--port 0` is a real port when seed hrefs are written.
    A name (`localhost`) is bound over IPv4, an address with a colon over IPv6.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family)


def announced_base_path(settings: Settings) -> str:
    """The first served version's base path (the registry's order: the default API's while it is served)."""
    served = [path for version in VERSIONS if (path := version.base_path(settings)) is not None]
    return served[0] if served else VERSIONS[0].switch(settings).base_path


async def serve(
    settings: Settings, sock: socket.socket | None = None, ready: Callable[[], None] | None = None
) -> None:
    """Listen, announce the real port, then wait for SIGTERM/SIGINT and shut down cleanly.
    A worker of `--workers` serves the inherited `sock` and calls `ready` instead of announcing."""
    sock = sock or listening_socket(settings.host, settings.port)
    settings = replace(settings, port=sock.getsockname()[1])
    warning = exposure_warning(settings)
    if warning is not None:
        print(warning, file=sys.stderr, flush=True)
    try:
        app = create_app(settings)
    except ValueError as exc:  # a seed, progression or faults file the app cannot use
        sock.close()
        raise ConfigError(str(exc)) from None
    runner = TmfAppRunner(app, access_log=None, handle_signals=False, **connection_limits(settings))
    try:
        await runner.setup()
    except ValueError as exc:  # a PostgreSQL store it cannot use (it connects when the app starts)
        sock.close()
        raise ConfigError(str(exc)) from None
    try:
        await web.SockSite(runner, sock).start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):  # before the ready line: a signal right after it
            loop.add_signal_handler(signum, stop.set)  # must still shut down cleanly
        port = runner.addresses[0][1]
        tune_gc()
        if ready is None:
            line = ready_line(settings.host, port, announced_base_path(settings), seconds_since_start())
            print(line, flush=True)
        else:
            ready()
        await stop.wait()
    finally:
        await runner.cleanup()


def connection_limits(settings: Settings) -> dict[str, Any]:
    """The server's deadlines and connection cap (http.server), the cap derived from `ulimit -n`."""
    return {
        "keepalive_timeout": settings.idle_timeout_s,
        "head_timeout": settings.head_timeout_s,
        "max_connections": settings.max_connections or connection_cap(RESERVED_FDS),
    }


def tune_gc() -> None:
    """Keep collector pauses out of request latency (bench: POST p99 over a growing store).

    The ~170k objects alive once the app is set up (modules, schemas, routes) are frozen out of
    every later collection: a full collection over them took 80-190 ms, a stall for every open
    connection. Full collections are also considered less often, so a growing store does not
    trigger one every few thousand requests.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def announcer(settings: Settings) -> Callable[[int], None]:
    """Prints the ready line of `--workers` once every worker listens on `port`."""

    def announce(port: int) -> None:
        line = ready_line(settings.host, port, announced_base_path(settings), seconds_since_start())
        print(line, flush=True)

    return announce


def serve_worker(settings: Settings, sock: socket.socket, ready: Callable[[], None]) -> int:
    """One process of `--workers N` (see mock_server.workers)."""
    try:
        run_loop(serve(settings, sock, ready))
    except ConfigError as exc:
        print(f"tmf622-mock: error: {exc}", file=sys.stderr)
        return 2
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse_settings(argv)
    try:
        if settings.store_url is not None:
            require_driver()  # before forking workers: one line, not one per worker
        if settings.workers > 1:
            return run_workers(settings, serve_worker, announcer(settings))
        run_loop(serve(settings))
    except (ConfigError, MissingDriver) as exc:
        print(f"tmf622-mock: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"tmf622-mock: cannot listen on {settings.host}:{settings.port}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
