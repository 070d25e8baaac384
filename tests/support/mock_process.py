"""The real mock server as a subprocess on a free loopback port, for fixtures and tests."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Mapping

import pytest

from ctk_suite.engine.mock_process import EmbeddedMock, MockStartError

READY_TIMEOUT_S = 20.0


@contextlib.contextmanager
def running_mock(*extra_args: str, secrets: Mapping[str, str] | None = None) -> Iterator[str]:
    """Start `python -m mock_server` on a free loopback port; yield its base URL (no trailing slash).
    `secrets`: TMF622_MOCK_* variables to give it (a secret is never a flag)."""
    command = [sys.executable, "-m", "mock_server", "--host", "127.0.0.1", "--port", "0", *extra_args]
    # The mock reads TMF622_MOCK_* (faults, seed data, ...): a developer's settings must not leak in.
    env = {name: value for name, value in os.environ.items() if not name.startswith("TMF622_MOCK_")}
    env.update(secrets or {})
    mock = EmbeddedMock(ready_timeout_s=READY_TIMEOUT_S, command=command, env=env)
    try:
        url = mock.start()
    except MockStartError as exc:
        pytest.fail(f"mock server did not start: {exc}")
    try:
        yield url.rstrip("/")
    finally:
        mock.stop()
