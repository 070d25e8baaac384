"""A shared mock: optional credentials for the API and, apart, for /_mock/*; JSON-only controls."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.support.mock.mock_helpers import TIMEOUT_S, Api, assert_error

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

pytestmark = pytest.mark.store_independent

TOKEN = "api-token-0123456789"
KEY = "api-key-0123456789"
CONTROL = "control-token-0123456789"
ORDER = {"productOrderItem": [{"id": "1", "action": "add"}]}


def post_order(api: Api, headers: dict[str, str]) -> int:
    return api.http.post(api.url("productOrder"), json=ORDER, headers=headers, timeout=TIMEOUT_S).status_code


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token-0123456789"},
        {"Authorization": f"Basic {TOKEN}"},
        {"X-API-Key": TOKEN},  # the token is not the key
        {"Authorization": f"Bearer {CONTROL}"},  # the control token does not open the API
    ],
)
def test_the_api_refuses_missing_or_wrong_credentials(make_api: ApiFactory, headers: dict[str, str]) -> None:
    api = make_api(api_token=TOKEN, api_key=KEY, control_token=CONTROL)
    response = api.http.post(api.url("productOrder"), json=ORDER, headers=headers, timeout=TIMEOUT_S)
    body = assert_error(response, 401, "needs credentials", "Authorization: Bearer", "X-API-Key")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert TOKEN not in body["message"]
    assert KEY not in body["message"]
    assert_error(api.http.get(api.url("productOrder"), headers=headers, timeout=TIMEOUT_S), 401)
    assert api.count() == 0


def test_the_api_accepts_the_bearer_token_or_the_api_key(make_api: ApiFactory) -> None:
    api = make_api(api_token=TOKEN, api_key=KEY, api_key_header="X-Gateway-Key")
    assert post_order(api, {"Authorization": f"Bearer {TOKEN}"}) == 201
    assert post_order(api, {"authorization": f"bearer  {TOKEN}"}) == 201  # scheme is case-insensitive
    assert post_order(api, {"X-Gateway-Key": KEY}) == 201
    assert post_order(api, {"X-API-Key": KEY}) == 401  # the configured header only
    assert api.count() == 3


def test_health_the_openapi_documents_and_the_pages_stay_open(make_api: ApiFactory) -> None:
    api = make_api(api_token=TOKEN)
    v5 = f"{api.root}/tmf-api/productOrderingManagement/v5"
    pages = (f"{api.root}/", f"{api.root}/docs", f"{api.root}/docs/assets/swagger-ui.css")
    for url in (
        f"{api.root}/health",
        api.url("health"),
        api.url("openapi.json"),
        f"{v5}/openapi.json",
        *pages,
    ):
        assert api.http.get(url, timeout=TIMEOUT_S).status_code == 200, url
    assert api.http.get(f"{v5}/productOrder", timeout=TIMEOUT_S).status_code == 401


def test_controls_have_their_own_token(make_api: ApiFactory) -> None:
    api = make_api(api_token=TOKEN, control_token=CONTROL)
    assert post_order(api, {"Authorization": f"Bearer {TOKEN}"}) == 201
    reset = f"{api.root}/_mock/reset"
    with_api_token = api.http.post(reset, json={}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert_error(with_api_token, 401, "test controls", "control token")
    assert_error(api.http.get(f"{api.root}/_mock/requests", timeout=TIMEOUT_S), 401)
    assert api.count() == 1
    ok = api.http.post(reset, json={}, headers={"Authorization": f"Bearer {CONTROL}"}, timeout=TIMEOUT_S)
    assert ok.status_code == 204
    assert api.count() == 0


def test_controls_alone_can_be_protected(make_api: ApiFactory) -> None:
    api = make_api(control_token=CONTROL)
    assert post_order(api, {}) == 201  # the API stays open
    assert_error(api.http.post(f"{api.root}/_mock/reset", json={}, timeout=TIMEOUT_S), 401)
    assert api.count() == 1


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", b"{}"),  # what a cross-origin form with enctype=text/plain sends
        ("application/x-www-form-urlencoded", b"a=b"),
        ("multipart/form-data; boundary=x", b"--x--"),
        (None, b""),  # fetch(url, {method: "POST", mode: "no-cors"}) sends no Content-Type
    ],
)
def test_a_control_post_needs_a_json_content_type(api: Api, content_type: str | None, body: bytes) -> None:
    api.create_order()
    headers = {"Content-Type": content_type} if content_type else {}
    response = api.raw("POST", "/_mock/reset", body, headers)
    assert_error(response, 415, "application/json")
    clock = api.raw("POST", "/_mock/clock", body, headers)
    assert_error(clock, 415, "application/json")
    assert api.count() == 1  # nothing wiped


def test_a_json_control_post_without_a_body_is_accepted(api: Api) -> None:
    api.create_order()
    response = api.raw("POST", "/_mock/reset", b"", {"Content-Type": "application/json"})
    assert response.status == 204
    assert api.count() == 0
