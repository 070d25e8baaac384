"""Start the embedded mock as a subprocess and read its ready line (the only coupling to mock_server)."""

from __future__ import annotations

import contextlib
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
from typing import IO

READY_LINE = re.compile(r"^tmf622-mock listening on (?P<url>https?://\S+)$")
READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 5.0


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
        self._command = command or [sys.executable, "-m", "mock_server", "--host", "127.0.0.1", "--port", "0"]
        self._env = env
        self._process: subprocess.Popen[str] | None = None
        self._stderr: IO[str] | None = None
        self._pump: threading.Thread | None = None

    def start(self) -> str:
        """Launch the mock and return its base URL (with a trailing slash)."""
        command = self._command
        # Kept open for the mock's lifetime (closed in stop()), to explain a failed start.
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")  # noqa: SIM115
        try:
            self._process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                command, stdout=subprocess.PIPE, stderr=self._stderr, text=True, env=self._env
            )
        except OSError as exc:
            raise MockStartError(f"cannot run {' '.join(command)}: {exc}") from exc
        url = self._await_ready()
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


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    """Forward stdout lines; keeps draining after the ready line so the pipe never fills."""
    try:
        for line in stream:
            lines.put(line.rstrip("\n"))
    except (OSError, ValueError):
        pass  # the stream was closed by stop()
    lines.put(None)
