"""GET /_mock/requests: what clients sent, bounded, with credentials masked (as WireMock's request log)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from mock_server.journal.entries import BODY_BYTES
from tests.support.mock.mock_helpers import BASE_PATH, TIMEOUT_S, Api, assert_error

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

pytestmark = pytest.mark.store_independent

ORDER = {"productOrderItem": [{"id": "1", "action": "add"}]}
TOKEN = "api-token-0123456789"


def journal(api: Api) -> list[dict[str, Any]]:
    response = api.http.get(f"{api.root}/_mock/requests", timeout=TIMEOUT_S)
    assert response.status_code == 200
    entries: list[dict[str, Any]] = response.json()
    return entries


def test_the_journal_shows_what_a_client_sent(api: Api) -> None:
    trace = {"X-Trace": "t-1"}
    created = api.http.post(api.url("productOrder"), json=ORDER, headers=trace, timeout=TIMEOUT_S)
    api.http.get(api.url("productOrder"), params={"state": "acknowledged", "limit": "5"}, timeout=TIMEOUT_S)
    api.http.get(api.url("productOrder/none"), timeout=TIMEOUT_S)
    first, second, third = journal(api)
    assert first["method"] == "POST"
    assert first["path"] == f"{BASE_PATH}/productOrder"
    assert first["headers"]["X-Trace"] == "t-1"
    assert first["headers"]["Content-Type"] == "application/json"
    assert json.loads(first["body"]) == ORDER
    assert (first["status"], first["bodyTruncated"]) == (created.status_code, False)
    assert (second["method"], second["query"], second["status"]) == ("GET", "state=acknowledged&limit=5", 200)
    assert (third["status"], third["body"]) == (404, "")
    assert first["id"] < second["id"] < third["id"]
    assert first["loggedDate"].endswith("Z")


def test_credentials_are_masked(make_api: ApiFactory) -> None:
    api = make_api(api_token=TOKEN, api_key="api-key-0123456789", api_key_header="X-Gateway-Key")
    headers = {
        "Authorization": f"Bearer {TOKEN}",
        "X-Gateway-Key": "api-key-0123456789",
        "X-API-Key": "other-key-0123456789",
        "Cookie": "session=abc123secret",
        "Proxy-Authorization": "Basic dXNlcjpwYXNz",
    }
    assert api.http.get(api.url("productOrder"), headers=headers, timeout=TIMEOUT_S).status_code == 200
    [entry] = journal(api)
    shown = entry["headers"]
    assert shown["Authorization"] == "Bearer ***"
    assert shown["Proxy-Authorization"] == "Basic ***"
    assert shown["X-Gateway-Key"] == shown["X-API-Key"] == shown["Cookie"] == "***"
    text = json.dumps(entry)
    for secret in (TOKEN, "api-key-0123456789", "other-key", "abc123secret", "dXNlcjpwYXNz"):
        assert secret not in text


def test_the_mocks_own_secrets_are_masked_wherever_a_client_put_them(make_api: ApiFactory) -> None:
    """Issue 18, item 5: a token in the query string, an unlisted header or the body, and a body cut
    in the middle of one, showed the mock's own token to every reader of the journal."""
    token, control = "api+tok/en=0123456789", "control-token-0123456789"
    api = make_api(api_token=token, control_token=control)
    auth = {"Authorization": f"Bearer {token}"}
    sent = {**auth, "X-Auth-Token": token, "X-Forwarded-Note": f"from {control}"}
    api.http.get(api.url("productOrder"), params={"access_token": token}, headers=sent, timeout=TIMEOUT_S)
    api.http.get(f"{api.url('productOrder')}?raw={token}", headers=auth, timeout=TIMEOUT_S)
    opening = json.dumps({**ORDER, "description": ""})[:-2]  # up to the description's opening quote
    filler = "x" * (BODY_BYTES - 10 - len(opening) - len(token) - 1)
    body = json.dumps({**ORDER, "description": f"{token} {filler}{token}"})  # cut 10 characters into it
    posted = {**auth, "Content-Type": "application/json"}
    api.http.post(api.url("productOrder"), data=body, headers=posted, timeout=TIMEOUT_S)
    listed = api.http.get(
        f"{api.root}/_mock/requests", headers={"Authorization": f"Bearer {control}"}, timeout=TIMEOUT_S
    )
    assert listed.status_code == 200
    first, second, third = listed.json()
    assert first["headers"]["X-Auth-Token"] == "***"
    assert first["headers"]["X-Forwarded-Note"] == "from ***"
    assert first["query"] == "access_token=***"
    assert second["query"] == "raw=***"
    assert third["body"].startswith('{"productOrderItem"')
    assert third["bodyTruncated"]
    for shown in (token, quote(token, safe=""), control, token[:8]):
        assert shown not in listed.text


def test_refused_requests_are_journaled_without_reading_their_body(make_api: ApiFactory) -> None:
    api = make_api(api_token=TOKEN)
    refused = api.http.post(api.url("productOrder"), json=ORDER, timeout=TIMEOUT_S)
    assert refused.status_code == 401
    [entry] = journal(api)
    assert (entry["status"], entry["body"]) == (401, None)


def test_the_journal_is_bounded(make_api: ApiFactory) -> None:
    api = make_api(journal_size=3)
    for number in range(5):
        api.http.get(api.url("productOrder"), params={"n": str(number)}, timeout=TIMEOUT_S)
    big = json.dumps({**ORDER, "description": "x" * (BODY_BYTES * 2)})
    api.http.post(api.url("productOrder"), data=big, headers={"Content-Type": "application/json"})
    api.http.get(api.url("productOrder"), headers={"X-Long": "v" * 5000}, timeout=TIMEOUT_S)
    entries = journal(api)
    assert [entry["query"] for entry in entries] == ["n=4", "", ""]  # the 3 newest, oldest first
    posted, long_header = entries[1], entries[2]
    assert (len(posted["body"]), posted["bodyTruncated"]) == (BODY_BYTES, True)
    assert len(long_header["headers"]["X-Long"]) < 1000


def test_controls_are_not_journaled_and_the_journal_can_be_emptied(api: Api) -> None:
    api.create_order()
    api.http.get(f"{api.root}/_mock/clock", timeout=TIMEOUT_S)
    assert [entry["method"] for entry in journal(api)] == ["POST"]
    assert api.http.delete(f"{api.root}/_mock/requests", timeout=TIMEOUT_S).status_code == 204
    assert journal(api) == []
    api.create_order()
    assert api.http.post(f"{api.root}/_mock/reset", json={}, timeout=TIMEOUT_S).status_code == 204
    assert journal(api) == []


def test_a_zero_size_journal_keeps_nothing(make_api: ApiFactory) -> None:
    api = make_api(journal_size=0)
    api.create_order()
    assert journal(api) == []


def test_the_journal_can_be_filtered_by_method_and_path(api: Api) -> None:
    order = api.create_order()
    api.http.get(api.url(f"productOrder/{order['id']}"), timeout=TIMEOUT_S)
    api.http.get(api.url("productOrder"), timeout=TIMEOUT_S)
    url = f"{api.root}/_mock/requests"
    posts = api.http.get(url, params={"method": "post"}, timeout=TIMEOUT_S).json()
    assert [(entry["method"], entry["status"]) for entry in posts] == [("POST", 201)]
    path = f"{BASE_PATH}/productOrder"
    gets = api.http.get(url, params={"method": "GET", "path": path}, timeout=TIMEOUT_S).json()
    assert [entry["path"] for entry in gets] == [path]
    assert_error(api.http.get(url, params={"status": "201"}, timeout=TIMEOUT_S), 400, "'status'")
