"""The servers under test: the bare baseline, the mock as users start it, and the mock pre-seeded."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from bench import procs

LOOPBACK = ("--host", "127.0.0.1", "--port", "0")


def mock_missing() -> str | None:
    """Why the mock cannot be benchmarked (not importable yet), or None when it can."""
    if importlib.util.find_spec("mock_server.__main__") is None:
        return "mock_server has no __main__ yet"
    return None


def bare(workdir: Path) -> procs.Server:
    """The bare baseline; it serves the seed route too."""
    return procs.Server("bare", procs.python_module("bench.bare_server", *LOOPBACK), workdir / "bare.log")


def mock(workdir: Path, *options: str) -> procs.Server:
    """The mock exactly as its CLI starts it (the ready-line contract of ARCHITECTURE.md), with `options`."""
    return procs.Server("mock", procs.python_module("mock_server", *LOOPBACK, *options), workdir / "mock.log")


def mock_seeded(workdir: Path, backend: str) -> procs.Server:
    """The mock app on `backend`, plus the seed route (HTTP preload of 1M orders is too slow)."""
    argv = procs.python_module("bench.seeded_mock", *LOOPBACK, "--backend", backend)
    return procs.Server(f"mock-{backend}", argv, workdir / f"mock-{backend}.log")
