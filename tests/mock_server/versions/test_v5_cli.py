"""The real command serves v4 and v5 in one process; the ready line names v5 when only v5 is served."""

from __future__ import annotations

import requests

from tests.support.mock.cli_process import READY, TIMEOUT_S, mock_process
from tests.support.mock.v5_helpers import V5_BASE_PATH, order_body

V4_BASE_PATH = "/tmf-api/productOrderingManagement/v4"


def test_one_command_serves_both_versions() -> None:
    with mock_process() as (process, lines):
        match = READY.match(lines.get(timeout=TIMEOUT_S))
        assert match
        root = f"http://127.0.0.1:{match['port']}"
        v4 = requests.post(
            f"{root}{V4_BASE_PATH}/productOrder",
            json={"productOrderItem": [{"id": "1", "action": "add"}]},
            timeout=TIMEOUT_S,
        )
        v5 = requests.post(f"{root}{V5_BASE_PATH}/productOrder", json=order_body(), timeout=TIMEOUT_S)
        assert (v4.status_code, v5.status_code) == (201, 201)
        assert "orderDate" in v4.json()
        assert "creationDate" in v5.json()
        process.terminate()
        assert process.wait(timeout=TIMEOUT_S) == 0


def test_only_v5_announces_the_v5_base_path() -> None:
    with mock_process("--no-serve-v4", "--v5-base-path", "/api/v5") as (process, lines):
        match = READY.match(lines.get(timeout=TIMEOUT_S))
        assert match
        assert match["base"] == "/api/v5"
        url = f"http://127.0.0.1:{match['port']}"
        assert requests.get(f"{url}/api/v5/productOrder", timeout=TIMEOUT_S).status_code == 200
        assert requests.get(f"{url}{V4_BASE_PATH}/productOrder", timeout=TIMEOUT_S).status_code == 404
        process.terminate()
        assert process.wait(timeout=TIMEOUT_S) == 0
