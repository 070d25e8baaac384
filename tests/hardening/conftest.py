"""Fixtures of the hardening tests: the official swagger, a dead loopback callback, a seeded mock."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import NoReturn

import pytest

from tests.support.hardening.seeded import SeededMock, seed
from tests.support.hardening.spec_documents import SWAGGER_NAME, swagger_candidates


@pytest.fixture(scope="session")
def official_swagger(request: pytest.FixtureRequest, ctk_unavailable: Callable[[str], NoReturn]) -> Path:
    """The official TMF622 v4.0.0 swagger; skipped when absent (failed under TMF622_REQUIRE_CTK=1)."""
    candidates = swagger_candidates(request.config.getoption("--tmf622-swagger"))
    for path in candidates:
        if path.is_file():
            return path
    tried = ", ".join(str(path) for path in candidates)
    ctk_unavailable(
        f"the official swagger {SWAGGER_NAME} is not at {tried}: pass --tmf622-swagger PATH or set "
        "TMF622_SWAGGER (it ships in TM Forum's TMF622_ProductOrder repository)"
    )


@pytest.fixture(scope="module")
def dead_callback() -> Iterator[str]:
    """An http URL on loopback whose port is bound but not listening: deliveries are refused at once.

    Fuzzed hub subscriptions get it as their callback, so the mock never posts anywhere else.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as bound:
        bound.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{bound.getsockname()[1]}/fuzz-listener"


@pytest.fixture(scope="module", params=["memory", "sqlite"])
def seeded_mock(
    request: pytest.FixtureRequest,
    start_mock_server: Callable[..., AbstractContextManager[str]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SeededMock]:
    """One mock per module and store kind (the same input must be refused by both stores)."""
    store = [] if request.param == "memory" else ["--sqlite", str(tmp_path_factory.mktemp("db") / "po.db")]
    with start_mock_server(*store) as url:
        yield SeededMock(url, seed(url))
