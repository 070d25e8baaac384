"""CORS for browser clients: off by default, preflights answered and answers marked once origins are set."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.support.mock.mock_helpers import TIMEOUT_S, Api, assert_error

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

pytestmark = pytest.mark.store_independent

APP = "https://app.example.com"
ORDER = {"productOrderItem": [{"id": "1", "action": "add"}]}
PREFLIGHT = {
    "Origin": APP,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type",
}


def test_cors_is_off_by_default(api: Api) -> None:
    preflight = api.http.options(api.url("productOrder"), headers=PREFLIGHT, timeout=TIMEOUT_S)
    assert_error(preflight, 405)
    assert "Access-Control-Allow-Origin" not in preflight.headers
    listed = api.http.get(api.url("productOrder"), headers={"Origin": APP}, timeout=TIMEOUT_S)
    assert listed.status_code == 200
    assert "Access-Control-Allow-Origin" not in listed.headers


def test_a_preflight_from_an_allowed_origin_is_answered(make_api: ApiFactory) -> None:
    api = make_api(cors_origins=(APP,), api_token="api-token-0123456789")  # no credentials in a preflight
    response = api.http.options(api.url("productOrder"), headers=PREFLIGHT, timeout=TIMEOUT_S)
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == APP
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "PATCH" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"] == "authorization, content-type"
    assert response.headers["Vary"] == "Origin"
    assert int(response.headers["Access-Control-Max-Age"]) > 0


def test_answers_to_an_allowed_origin_are_marked_errors_included(make_api: ApiFactory) -> None:
    api = make_api(cors_origins=(APP, "http://localhost:3000"), api_token="api-token-0123456789")
    headers = {"Origin": APP, "Authorization": "Bearer api-token-0123456789"}
    created = api.http.post(api.url("productOrder"), json=ORDER, headers=headers, timeout=TIMEOUT_S)
    assert created.status_code == 201
    assert created.headers["Access-Control-Allow-Origin"] == APP
    assert "Location" in created.headers["Access-Control-Expose-Headers"]
    assert "X-Total-Count" in created.headers["Access-Control-Expose-Headers"]
    refused = api.http.get(api.url("productOrder"), headers={"Origin": APP}, timeout=TIMEOUT_S)
    assert_error(refused, 401)
    assert refused.headers["Access-Control-Allow-Origin"] == APP  # the browser script can read the Error


def test_other_origins_get_no_cors_headers(make_api: ApiFactory) -> None:
    api = make_api(cors_origins=(APP,))
    other = {**PREFLIGHT, "Origin": "https://evil.example"}
    assert_error(api.http.options(api.url("productOrder"), headers=other, timeout=TIMEOUT_S), 403, "evil")
    listed = api.http.get(api.url("productOrder"), headers={"Origin": other["Origin"]}, timeout=TIMEOUT_S)
    assert listed.status_code == 200
    assert "Access-Control-Allow-Origin" not in listed.headers
    assert listed.headers["Vary"] == "Origin"


def test_any_origin_with_a_star(make_api: ApiFactory) -> None:
    api = make_api(cors_origins=("*",))
    origin = "http://localhost:5173"
    response = api.http.options(api.url("productOrder/x"), headers={**PREFLIGHT, "Origin": origin})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == origin
