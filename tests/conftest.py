"""Shared fixtures: the real mock server as a subprocess, and the folder of the official CTK."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from tests.support.mock_process import running_mock

CTK_DOWNLOAD_HINT = (
    "download TM Forum's CTK for TMF622 Product Ordering 4.0.0 "
    "(https://github.com/tmforum-rand/CTK-TMF622-ProductOrdering) and set TMF622_CTK_DIR "
    "to the folder holding its TMF622-ProductOrdering-v4.0.0.testkit*.json files"
)


#: Fixtures that start processes or whole pytest sessions: a test using one is marked `slow`.
SLOW_FIXTURES = frozenset({"pytester", "mock_server_url", "start_mock_server", "official_ctk_dir"})
#: Modules whose tests run the real commands, Newman, the bench or kill -9 (seconds each): all `slow`.
SLOW_MODULES = (
    "tests/bench/",
    "tests/e2e/",
    "tests/examples/test_readme.py",
    "tests/ctk_suite/test_ctk_cli.py",
    "tests/ctk_suite/engine/test_ctk_live_target.py",
    "tests/ctk_suite/plugin/test_entry_point.py",
    "tests/ctk_suite/kits/extended/test_extended5_sensitivity.py",
    "tests/ctk_suite/test_startup.py",
    "tests/hardening/test_concurrency.py",
    "tests/mock_server/store/test_durability.py",
    "tests/mock_server/store/test_replicas.py",
    "tests/mock_server/access/test_sharing_cli.py",
    "tests/mock_server/versions/test_v5_cli.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the subprocess-heavy tests `slow` (`-m "not slow"` is the quick loop; CI runs them all), and
    run the modules holding slow tests first.

    Under pytest-xdist the run ends when the last worker does: a test of 40 s picked up near the end
    keeps one core busy while the other waits. Started first, the long tests overlap the short ones,
    which fill the gaps. Modules stay whole (their module-scoped fixtures start once) and keep their order.
    """
    root = config.rootpath
    slow_modules: set[Path] = set()
    for item in items:
        where = item.path.relative_to(root).as_posix() if item.path.is_relative_to(root) else ""
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())) or where.startswith(SLOW_MODULES):
            item.add_marker(pytest.mark.slow)
            slow_modules.add(item.path)
    items.sort(key=lambda item: item.path not in slow_modules)  # stable: the order within each part stays


def pytest_addoption(parser: pytest.Parser) -> None:
    """Declared here, not in tests/hardening/conftest.py: only initial conftests may add options."""
    parser.addoption(
        "--tmf622-swagger",
        default=None,
        help="official TMF622 v4.0.0 swagger file for tests/hardening (else env TMF622_SWAGGER)",
    )


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


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config: pytest.Config, specs: list[object]) -> None:
    """Build hypothesis's table of UTF-8-encodable characters once, before xdist starts its workers.

    Schemathesis generates strings with `codec="utf-8"`; hypothesis computes that table (about 2 s of CPU)
    and caches it in `.hypothesis/`. In a fresh clone, as CI uses, every worker computed it at once.
    """
    try:  # hypothesis-internal: a release that moves it leaves the workers to compute it, as before
        from hypothesis.internal.charmap import intervals_from_codec
    except ImportError:
        return
    intervals_from_codec("utf-8")
