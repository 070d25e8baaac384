"""The front door's steps as a client sees them: their order, and each step kept when another is on.

Written for `make mutate` (mutation/README.md): survivors the rest of the suite let through.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from tests.support.mock.mock_helpers import BASE_PATH, TIMEOUT_S, assert_error

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

pytestmark = pytest.mark.store_independent

TOKEN = "api-token-0123456789"
ORDER = {"productOrderItem": [{"id": "1", "action": "add"}]}
APP = "https://app.example.com"


def test_an_unauthenticated_request_gets_401_not_an_injected_fault(
    make_api: ApiFactory, tmp_path: Path
) -> None:
    rules = tmp_path / "faults.yaml"
    rules.write_text(yaml.safe_dump({"rules": [{"route": "/**", "status": 503}]}), encoding="utf-8")
    api = make_api(api_token=TOKEN, faults_file=str(rules))
    url = api.url("productOrder")
    assert_error(api.http.post(url, json=ORDER, timeout=TIMEOUT_S), 401, "needs credentials")
    authorized = {"Authorization": f"Bearer {TOKEN}"}
    assert_error(api.http.post(url, json=ORDER, headers=authorized, timeout=TIMEOUT_S), 503)


def test_the_api_refuses_a_client_that_accepts_no_json_and_a_page_answers_it(make_api: ApiFactory) -> None:
    api = make_api()
    html = {"Accept": "text/html"}
    assert_error(api.http.get(api.url("productOrder"), headers=html, timeout=TIMEOUT_S), 406)
    page = api.http.get(f"{api.root}/", headers=html, timeout=TIMEOUT_S)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")


def test_with_cors_on_a_request_without_origin_is_answered_unmarked(make_api: ApiFactory) -> None:
    """Servers and scripts send no Origin: CORS being configured must not change their answers."""
    api = make_api(cors_origins=(APP,))
    created = api.http.post(api.url("productOrder"), json=ORDER, timeout=TIMEOUT_S)
    assert created.status_code == 201, created.text
    listed = api.http.get(api.url("productOrder"), timeout=TIMEOUT_S)
    assert listed.status_code == 200
    assert [order["id"] for order in listed.json()] == [created.json()["id"]]
    assert "Access-Control-Allow-Origin" not in listed.headers


def test_a_control_path_under_the_base_path_is_not_journaled(make_api: ApiFactory) -> None:
    api = make_api()
    api.http.get(f"{api.base}/_mock/requests", timeout=TIMEOUT_S)
    api.create_order()
    journal = api.http.get(f"{api.root}/_mock/requests", timeout=TIMEOUT_S).json()
    assert [(entry["method"], entry["path"]) for entry in journal] == [("POST", f"{BASE_PATH}/productOrder")]
