"""The mock for a project's own tests: the `tmf622_mock` pytest fixture, and `Tmf622Mock` without pytest.

The mock runs as a subprocess (`python -m mock_server --port 0`, mock_process.EmbeddedMock), as the
CTK's embedded mock does: ctk_suite never imports mock_server (ARCHITECTURE.md), the mock keeps its
own event loop (uvloop) away from the test's threads and loops, and it is the very program a
developer runs by hand. It is started once per session on a free port; its ready line gives the
address, its landing page (`GET /` as JSON) the base URL of each version it serves.

    def test_my_client(tmf622_mock):
        order = MyClient(tmf622_mock.base_url).order(...)
        assert tmf622_mock.journal(method="POST")[0]["body"]

State is reset before each test (`POST /_mock/reset`), unless the test is marked
`@pytest.mark.tmf622_keep_state`. Flags for the mock: override the session fixture
`tmf622_mock_args` (`return ("--deterministic",)`). Fault injection is on: `tmf622_mock.fault(status=503)`
gives the `X-Mock-Fault` header for one request.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from ctk_suite.engine.mock_process import EmbeddedMock, MockStartError

KEEP_STATE = "tmf622_keep_state"
#: A generous wait for the ready line: a busy CI machine can take tens of seconds to import the mock.
READY_TIMEOUT_S = 60.0
FAULT_HEADER = "X-Mock-Fault"
TIMEOUT_S = 10.0

__all__ = ["KEEP_STATE", "MockStartError", "Tmf622Mock", "tmf622_mock", "tmf622_mock_args"]


class Tmf622Mock:
    """A running mock: `with Tmf622Mock() as mock: requests.get(f"{mock.base_url}/productOrder")`.

    `args` are extra flags of `tmf622-mock` (`"--deterministic"`, `"--seed", "orders.yaml"`).
    """

    def __init__(self, *args: str, faults: bool = True, ready_timeout_s: float = READY_TIMEOUT_S) -> None:
        flags = ["--faults-enabled"] if faults else []
        command = [sys.executable, "-m", "mock_server", "--host", "127.0.0.1", "--port", "0", *flags, *args]
        self._process = EmbeddedMock(ready_timeout_s, command)
        self._http = requests.Session()
        self.root_url = ""
        self.apis: dict[str, dict[str, Any]] = {}

    @property
    def base_url(self) -> str:
        """The v4 API root (`.../tmf-api/productOrderingManagement/v4`), no trailing slash."""
        return str(self._api("v4")["baseUrl"])

    @property
    def v5_base_url(self) -> str:
        """The v5 API root (`.../tmf-api/productOrderingManagement/v5`), no trailing slash."""
        return str(self._api("v5")["baseUrl"])

    def _api(self, name: str) -> dict[str, Any]:
        if name not in self.apis:
            raise LookupError(
                f"the mock serves no {name} (it serves: {', '.join(self.apis) or 'nothing yet'})"
            )
        return self.apis[name]

    def start(self) -> Tmf622Mock:
        """Start the mock and read where each version is served; MockStartError says why it did not."""
        announced = urlsplit(self._process.start())
        self.root_url = f"{announced.scheme}://{announced.netloc}"
        landing = self._http.get(
            f"{self.root_url}/", headers={"Accept": "application/json"}, timeout=TIMEOUT_S
        )
        landing.raise_for_status()
        self.apis = {api["name"]: api for api in landing.json()["apis"]}
        return self

    def stop(self) -> None:
        self._http.close()
        self._process.stop()

    def __enter__(self) -> Tmf622Mock:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _control(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        answer = self._http.request(method, f"{self.root_url}/_mock/{path}", timeout=TIMEOUT_S, **kwargs)
        answer.raise_for_status()
        return answer

    def reset(self) -> None:
        """Back to the state right after start: no resources (but the seed), subscriptions, journal."""
        self._control("POST", "reset", json={})

    def journal(self, method: str | None = None, path: str | None = None) -> list[dict[str, Any]]:
        """What clients sent, oldest first (credentials masked); only this method and path when given."""
        query = {key: value for key, value in (("method", method), ("path", path)) if value is not None}
        entries: list[dict[str, Any]] = self._control("GET", "requests", params=query).json()
        return entries

    def clear_journal(self) -> None:
        self._control("DELETE", "requests")

    def deliveries(self, version: str = "v4") -> list[dict[str, Any]]:
        """Hub notification attempts of `version` ("v4" or "v5"), oldest first."""
        found: list[dict[str, Any]] = self._control(
            "GET", "v5/deliveries" if version == "v5" else "deliveries"
        ).json()
        return found

    def health(self) -> dict[str, Any]:
        answer = self._http.get(f"{self.root_url}/health", timeout=TIMEOUT_S)
        answer.raise_for_status()
        found: dict[str, Any] = answer.json()
        return found

    @staticmethod
    def fault(
        *,
        status: int | None = None,
        latency_ms: int | tuple[int, int] | None = None,
        drop: bool = False,
        malformed: str | None = None,
        retry_after: int | None = None,
    ) -> dict[str, str]:
        """The header that makes the mock misbehave for one request: `fault(status=503, retry_after=2)`,
        `fault(latency_ms=(100, 400))`, `fault(drop=True)`, `fault(malformed="non-json")`."""
        parts = [] if status is None else [f"status={status}"]
        if latency_ms is not None:
            low, high = latency_ms if isinstance(latency_ms, tuple) else (latency_ms, latency_ms)
            parts.append(f"latency={low}-{high}")
        parts += ["drop"] if drop else []
        parts += [] if malformed is None else [f"malformed={malformed}"]
        parts += [] if retry_after is None else [f"retry-after={retry_after}"]
        if not parts:
            raise ValueError("name at least one fault: status, latency_ms, drop or malformed")
        return {FAULT_HEADER: ", ".join(parts)}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{KEEP_STATE}: tmf622_mock keeps what earlier tests left (no reset)")


@pytest.fixture(scope="session")
def tmf622_mock_args() -> Sequence[str]:
    """Extra `tmf622-mock` flags for the session's mock; override it in a conftest.py."""
    return ()


@pytest.fixture(scope="session")
def tmf622_mock_session(tmf622_mock_args: Sequence[str]) -> Iterator[Tmf622Mock]:
    """The session's one mock (use `tmf622_mock`, which also resets it)."""
    with Tmf622Mock(*tmf622_mock_args) as mock:
        yield mock


@pytest.fixture
def tmf622_mock(tmf622_mock_session: Tmf622Mock, request: pytest.FixtureRequest) -> Tmf622Mock:
    """The session's mock, reset first unless the test is marked `tmf622_keep_state`."""
    if request.node.get_closest_marker(KEEP_STATE) is None:
        tmf622_mock_session.reset()
    return tmf622_mock_session
