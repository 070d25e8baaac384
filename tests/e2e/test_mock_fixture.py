"""The shared mock fixtures of tests/conftest.py: a real, fresh server that is gone afterwards."""

from __future__ import annotations

import re

import pytest
import requests


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
