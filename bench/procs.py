"""Start a server under test as a pinned subprocess, wait for its ready line, sample its CPU, stop it."""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import psutil

#: Servers run on this core, the load generator on the other one.
SERVER_CORE, LOADGEN_CORE = 0, 1
READY_PATTERN = re.compile(r"listening on (http://127\.0\.0\.1:\d+\S*)")


class BenchError(RuntimeError):
    """A server or tool misbehaved; the message says which and where its log is."""


class Absent(BenchError):
    """A component to measure does not exist yet (SQLite store, suite, Newman): reported as n/a."""


def can_pin() -> bool:
    """Pinning needs two cores: one for the server, one for the load generator."""
    return len(os.sched_getaffinity(0)) >= 2


def pinned(command: list[str], core: int) -> list[str]:
    """`command` prefixed with `taskset -c <core>` (threads inherit it) when pinning is possible."""
    return ["taskset", "-c", str(core), *command] if can_pin() and shutil.which("taskset") else command


def start_all(servers: list[Server]) -> None:
    """Spawn every server first, then wait for each: their start-ups overlap."""
    for server in servers:
        server.spawn()
    for server in servers:
        server.wait_ready()


def python_module(module: str, *args: str) -> list[str]:
    """Run a module with this interpreter (the venv's), unbuffered so the ready line arrives at once."""
    return [sys.executable, "-u", "-m", module, *args]


@dataclass
class Server:
    """A running server: its base URL (as printed in the ready line) and its process."""

    name: str
    command: list[str]
    log_path: Path
    ready_timeout: float = 120.0
    base_url: str = ""
    process: subprocess.Popen[str] | None = None
    _lines: queue.Queue[str | None] = field(default_factory=queue.Queue)
    _pump_thread: threading.Thread | None = None

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        self.spawn()
        self.wait_ready()

    def spawn(self) -> None:
        """Start the process unpinned: start-up (imports) may use both cores; `wait_ready` pins it."""
        with self.log_path.open("w", encoding="utf-8") as log:
            self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=log, text=True)
        self._pump_thread = threading.Thread(target=self._pump, daemon=True)
        self._pump_thread.start()

    def wait_ready(self) -> None:
        """Wait for the ready line, then pin every thread of the server to the server core."""
        self.base_url = self._wait_ready()
        assert self.process is not None
        if can_pin():
            for task in Path(f"/proc/{self.process.pid}/task").iterdir():
                os.sched_setaffinity(int(task.name), {SERVER_CORE})

    def _pump(self) -> None:
        assert self.process is not None
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _wait_ready(self) -> str:
        """Block until the ready line, the process exits, or the timeout passes."""
        try:
            while (line := self._lines.get(timeout=self.ready_timeout)) is not None:
                if match := READY_PATTERN.search(line):
                    return match.group(1).rstrip("/")
        except queue.Empty:
            self.stop()
            raise BenchError(
                f"{self.name}: no ready line in {self.ready_timeout}s; {self._log_tail()}"
            ) from None
        raise BenchError(f"{self.name}: exited before listening; {self._log_tail()}")

    def _log_tail(self) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace").strip()
        return f"stderr: {text[-400:] or '(empty)'}"

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server so far (its threads included)."""
        assert self.process is not None
        times = psutil.Process(self.process.pid).cpu_times()
        return float(times.user + times.system)

    def rss_bytes(self) -> int:
        assert self.process is not None
        return int(psutil.Process(self.process.pid).memory_info().rss)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it is still alive after 10 s; then close its pipe."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._pump_thread is not None:
            self._pump_thread.join(timeout=10)  # EOF after the exit ends it
        if self.process.stdout is not None:
            self.process.stdout.close()
