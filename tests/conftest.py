"""Shared fixtures: the real mock server as a subprocess, and the folder of the official CTK."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from ctk_suite.engine.mock_process import EmbeddedMock, MockStartError

READY_TIMEOUT_S = 20.0

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


@contextlib.contextmanager
def running_mock(*extra_args: str) -> Iterator[str]:
    """Start `python -m mock_server` on a free loopback port; yield its base URL (no trailing slash)."""
    command = [sys.executable, "-m", "mock_server", "--host", "127.0.0.1", "--port", "0", *extra_args]
    # The mock reads TMF622_MOCK_* (faults, seed data, ...): a developer's settings must not leak in.
    env = {name: value for name, value in os.environ.items() if not name.startswith("TMF622_MOCK_")}
    mock = EmbeddedMock(ready_timeout_s=READY_TIMEOUT_S, command=command, env=env)
    try:
        url = mock.start()
    except MockStartError as exc:
        pytest.fail(f"mock server did not start: {exc}")
    try:
        yield url.rstrip("/")
    finally:
        mock.stop()


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
