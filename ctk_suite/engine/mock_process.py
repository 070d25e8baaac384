"""Start the embedded mock as a subprocess and read its ready line (the only coupling to mock_server)."""

from __future__ import annotations

import atexit
import contextlib
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from typing import IO

#: The mock reads its settings from these variables too; the embedded one gets only the CTK's flags.
MOCK_ENV_PREFIX = "TMF622_MOCK_"
#: The URL, then (newer mocks) ` (ready in 0.41 s)`.
READY_LINE = re.compile(r"^tmf622-mock listening on (?P<url>https?://\S+)(?: \(.*\))?$")
READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 5.0


#: `python -m mock_server` on a free loopback port: the embedded mock of every run.
DEFAULT_COMMAND = [sys.executable, "-m", "mock_server", "--host", "127.0.0.1", "--port", "0"]


class MockStartError(RuntimeError):
    """The embedded mock did not come up; the message says why."""


class EmbeddedMock:
    """`python -m mock_server --host 127.0.0.1 --port 0`, stopped by `stop()`."""

    def __init__(
        self,
        ready_timeout_s: float = READY_TIMEOUT_S,
        command: list[str] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self._ready_timeout_s = ready_timeout_s
        self._command = command or DEFAULT_COMMAND
        self._given_env = env  # None: the CTK's own mock, which may be the one started early
        self._env = isolated_env(os.environ) if env is None else env
        self._process: subprocess.Popen[str] | None = None
        self._stderr: IO[str] | None = None
        self._pump: threading.Thread | None = None
        #: Seconds from the mock's spawn to its ready line, once started.
        self.ready_s: float | None = None

    def start(self) -> str:
        """Launch the mock and return its base URL (with a trailing slash)."""
        command = self._command
        spawned_at, adopted = time.monotonic(), _adopt_early(command, self._given_env)
        if adopted is not None:
            self._process, self._stderr, spawned_at = adopted
        else:
            self._process, self._stderr = _spawn(command, self._env)
        url = self._await_ready()
        self.ready_s = time.monotonic() - spawned_at
        if url is None:
            reason = self._why_not_ready()
            self.stop()
            raise MockStartError(reason)
        return url if url.endswith("/") else url + "/"

    def _await_ready(self) -> str | None:
        assert self._process is not None
        assert self._process.stdout is not None
        lines: queue.Queue[str | None] = queue.Queue()
        self._pump = threading.Thread(target=_pump, args=(self._process.stdout, lines), daemon=True)
        self._pump.start()
        deadline = time.monotonic() + self._ready_timeout_s
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                return None
            if line is None:
                return None
            if match := READY_LINE.match(line):
                return match["url"]
        return None

    def _why_not_ready(self) -> str:
        assert self._process is not None
        assert self._stderr is not None
        self._stderr.seek(0)
        tail = " | ".join(self._stderr.read().strip().splitlines()[-5:])
        if self._pump is not None and not self._pump.is_alive():
            # stdout reached EOF: the process is ending; give it a moment to report its exit code.
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=STOP_TIMEOUT_S)
        status = self._process.poll()
        head = (
            f"the embedded mock exited with code {status}"
            if status is not None
            else f"the embedded mock printed no ready line within {self._ready_timeout_s:g} s"
        )
        return f"{head}; stderr: {tail or '(empty)'}; pass --ctk-base-url to test a running server instead"

    def stop(self) -> None:
        """Terminate the mock (SIGTERM, then SIGKILL after a grace period)."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_TIMEOUT_S)
        if self._pump is not None:
            self._pump.join(timeout=STOP_TIMEOUT_S)  # the pipe reaches EOF once the process is gone
            self._pump = None
        if process is not None and process.stdout is not None:
            process.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None


def _spawn(command: list[str], env: dict[str, str] | None) -> tuple[subprocess.Popen[str], IO[str]]:
    """The mock's process; its stderr goes to a file kept open for its lifetime, to explain a failed start."""
    stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")  # noqa: SIM115
    try:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            command, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env
        )
    except OSError as exc:
        stderr.close()
        raise MockStartError(f"cannot run {' '.join(command)}: {exc}") from exc
    return process, stderr


_early: list[tuple[subprocess.Popen[str], IO[str], float]] = []


def spawn_early() -> None:
    """Start the default embedded mock now, before the CTK's own imports (`ctk_suite.launch`): its start
    overlaps them. The next `EmbeddedMock().start()` adopts it; unadopted, it is stopped at exit."""
    with contextlib.suppress(MockStartError):  # EmbeddedMock.start will try again and explain
        _early.append((*_spawn(DEFAULT_COMMAND, isolated_env(os.environ)), time.monotonic()))
        atexit.register(_stop_unadopted)


def _adopt_early(
    command: list[str], env: dict[str, str] | None
) -> tuple[subprocess.Popen[str], IO[str], float] | None:
    return _early.pop() if _early and command == DEFAULT_COMMAND and env is None else None


def _stop_unadopted() -> None:
    while _early:
        process, stderr, _ = _early.pop()
        process.kill()
        process.wait()
        for stream in (process.stdout, stderr):
            if stream is not None:
                stream.close()


def seconds_since_start() -> float | None:
    """Since this process started (Linux: its start in /proc, 10 ms ticks); None where that is unknown."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            ticks = int(stat.read().rsplit(")", 1)[1].split()[19])  # field 22, `starttime`: proc(5)
        return time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def isolated_env(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` without the mock's own `TMF622_MOCK_*` settings: a user's exported API token, fault plan
    or store must not change the mock the CTK certifies against (its flags say all the CTK means)."""
    return {name: value for name, value in environ.items() if not name.startswith(MOCK_ENV_PREFIX)}


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    """Forward stdout lines; keeps draining after the ready line so the pipe never fills."""
    try:
        for line in stream:
            lines.put(line.rstrip("\n"))
    except (OSError, ValueError):
        pass  # the stream was closed by stop()
    lines.put(None)
