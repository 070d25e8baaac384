"""Shared fixtures: the real mock server as a subprocess, and the folder of the official CTK."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, NoReturn

import pytest

READY_LINE = re.compile(r"^tmf622-mock listening on (?P<url>http://\S+)$")
READY_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 5.0

CTK_DOWNLOAD_HINT = (
    "download TM Forum's CTK for TMF622 Product Ordering 4.0.0 "
    "(https://github.com/tmforum-rand/CTK-TMF622-ProductOrdering) and set TMF622_CTK_DIR "
    "to the folder holding its TMF622-ProductOrdering-v4.0.0.testkit*.json files"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Declared here, not in tests/hardening/conftest.py: only initial conftests may add options."""
    parser.addoption(
        "--tmf622-swagger",
        default=None,
        help="official TMF622 v4.0.0 swagger file for tests/hardening (else env TMF622_SWAGGER)",
    )


def _pump_lines(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    """Forward the mock's stdout line by line; keeps draining so the pipe never fills up."""
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)


def _await_ready_url(lines: queue.Queue[str | None], deadline: float) -> str | None:
    """Return the URL of the ready line, or None if the process ended or the deadline passed."""
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


def _stop(process: subprocess.Popen[str], pump: threading.Thread) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT_S)
    pump.join(timeout=STOP_TIMEOUT_S)  # EOF follows the exit; closing earlier would race the reader
    assert process.stdout is not None
    process.stdout.close()


@contextlib.contextmanager
def running_mock(*extra_args: str) -> Iterator[str]:
    """Start `python -m mock_server` on a free loopback port; yield its base URL (no trailing slash)."""
    command = [sys.executable, "-m", "mock_server", "--host", "127.0.0.1", "--port", "0", *extra_args]
    with tempfile.TemporaryFile(mode="w+") as stderr:
        # The mock reads TMF622_MOCK_* (faults, seed data, ...): a developer's settings must not leak in.
        env = {name: value for name, value in os.environ.items() if not name.startswith("TMF622_MOCK_")}
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env)
        assert process.stdout is not None
        lines: queue.Queue[str | None] = queue.Queue()
        pump = threading.Thread(target=_pump_lines, args=(process.stdout, lines), daemon=True)
        pump.start()
        try:
            url = _await_ready_url(lines, time.monotonic() + READY_TIMEOUT_S)
            if url is None:
                stderr.seek(0)
                pytest.fail(f"mock server did not print its ready line; stderr:\n{stderr.read()[-2000:]}")
            yield url
        finally:
            _stop(process, pump)


@pytest.fixture
def mock_server_url() -> Iterator[str]:
    """Base URL of a fresh mock (its own state) for one test, e.g. http://127.0.0.1:PORT/tmf-api/..."""
    with running_mock() as url:
        yield url


@pytest.fixture(scope="session")
def start_mock_server() -> Callable[..., contextlib.AbstractContextManager[str]]:
    """`with start_mock_server() as url:` for tests or wider-scoped fixtures that need several mocks."""
    return running_mock


def skip_or_fail(reason: str) -> NoReturn:
    """Skip a test whose official CTK or runner is missing; fail instead under TMF622_REQUIRE_CTK=1."""
    if os.environ.get("TMF622_REQUIRE_CTK") == "1":
        pytest.fail(f"TMF622_REQUIRE_CTK=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def ctk_unavailable() -> Callable[[str], NoReturn]:
    """The skip-or-fail rule above, for tests that find something else missing (a file, newman)."""
    return skip_or_fail


@pytest.fixture(scope="session")
def official_ctk_dir() -> Path:
    """Folder of the official CTK from TMF622_CTK_DIR (see skip_or_fail when it is missing)."""
    folder = os.environ.get("TMF622_CTK_DIR", "")
    if not folder:
        skip_or_fail(f"TMF622_CTK_DIR is not set: {CTK_DOWNLOAD_HINT}")
    if not Path(folder).is_dir():
        skip_or_fail(f"TMF622_CTK_DIR={folder} is not a directory: {CTK_DOWNLOAD_HINT}")
    return Path(folder)
