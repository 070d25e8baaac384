"""The mock fixtures: tests/conftest.py's (a real, fresh server that is gone afterwards) and the
plugin's `tmf622_mock` and `Tmf622Mock`, which projects use for their own tests (README)."""

from __future__ import annotations

import re

import pytest
import requests

from ctk_suite.plugin.mock_fixture import Tmf622Mock


def test_mock_server_url_is_a_fresh_live_api(mock_server_url: str) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/tmf-api/productOrderingManagement/v4", mock_server_url)
    response = requests.get(f"{mock_server_url}/productOrder", timeout=5)
    assert response.status_code == 200
    assert response.json() == []


def test_started_mock_stops_when_its_block_ends(start_mock_server) -> None:
    with start_mock_server() as url:
        assert requests.get(f"{url}/productOrder", timeout=5).status_code == 200
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/productOrder", timeout=5)


# The plugin's `tmf622_mock` fixture (ctk_suite/plugin/mock_fixture.py): one mock per session, reset per test.

ORDER = {"productOrderItem": [{"id": "1", "action": "add", "productOffering": {"id": "po-1"}}]}


def test_tmf622_mock_gives_each_version_root(tmf622_mock: Tmf622Mock) -> None:
    assert tmf622_mock.base_url.endswith("/tmf-api/productOrderingManagement/v4")
    assert tmf622_mock.v5_base_url.endswith("/tmf-api/productOrderingManagement/v5")
    assert requests.get(f"{tmf622_mock.v5_base_url}/productOrder", timeout=5).json() == []
    created = requests.post(f"{tmf622_mock.base_url}/productOrder", json=ORDER, timeout=5)
    assert created.status_code == 201


def test_tmf622_mock_state_is_reset_before_each_test(tmf622_mock: Tmf622Mock) -> None:
    assert requests.get(f"{tmf622_mock.base_url}/productOrder", timeout=5).json() == []
    assert requests.post(f"{tmf622_mock.base_url}/productOrder", json=ORDER, timeout=5).status_code == 201


@pytest.mark.tmf622_keep_state
def test_tmf622_keep_state_sees_what_the_test_before_left(tmf622_mock: Tmf622Mock) -> None:
    assert len(requests.get(f"{tmf622_mock.base_url}/productOrder", timeout=5).json()) == 1
    assert tmf622_mock.health()["versions"]["v4"]["productOrder"] == 1


def test_tmf622_mock_journal_and_faults(tmf622_mock: Tmf622Mock) -> None:
    failed = requests.post(
        f"{tmf622_mock.base_url}/productOrder",
        json=ORDER,
        headers={**tmf622_mock.fault(status=503, retry_after=2), "Authorization": "Bearer s3cret"},
        timeout=5,
    )
    assert (failed.status_code, failed.headers["Retry-After"]) == (503, "2")
    sent = tmf622_mock.journal(method="POST")
    assert [entry["status"] for entry in sent] == [503]
    assert sent[0]["headers"]["Authorization"] == "Bearer ***"
    tmf622_mock.clear_journal()
    assert tmf622_mock.journal() == []
    assert tmf622_mock.deliveries() == []
    assert tmf622_mock.deliveries("v5") == []


def test_tmf622_mock_python_api_without_pytest() -> None:
    with Tmf622Mock("--deterministic") as mock:
        order = requests.post(f"{mock.base_url}/productOrder", json=ORDER, timeout=5).json()
        assert order["id"] == "00000000-0000-4000-8000-000000000001"
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{mock.base_url}/productOrder", timeout=5)
