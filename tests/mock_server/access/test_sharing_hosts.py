"""href and Location come from --public-url or an allowed Host, never from whatever Host a client sends."""

from __future__ import annotations

import json
import socket
from typing import TYPE_CHECKING

import pytest

from tests.support.mock.mock_helpers import BASE_PATH, TIMEOUT_S, Api, assert_error

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

ORDER = json.dumps({"productOrderItem": [{"id": "1", "action": "add"}]}).encode()
JSON = {"Content-Type": "application/json"}


def post(api: Api, path: str, body: bytes, host: str) -> tuple[int, dict[str, str], dict[str, object]]:
    response = api.raw("POST", f"{BASE_PATH}/{path}", body, {**JSON, "Host": host})
    return response.status, dict(response.headers), json.loads(response.body)


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:443", "127.0.0.1.evil.example", "LOCALHOST.evil"]
)
def test_a_forged_host_is_refused_and_nothing_is_stored(api: Api, host: str) -> None:
    response = api.raw("POST", f"{BASE_PATH}/productOrder", ORDER, {**JSON, "Host": host})
    assert_error(response, 400, "not an allowed host", "--public-url", "--allowed-hosts")
    hub = json.dumps({"callback": "http://127.0.0.1:9/listener"}).encode()
    assert_error(api.raw("POST", f"{BASE_PATH}/hub", hub, {**JSON, "Host": host}), 400, "not an allowed host")
    assert api.count() == 0
    assert api.http.get(api.url("productOrder"), timeout=TIMEOUT_S).json() == []


def http_1_0_without_host(api: Api, body: bytes) -> tuple[str, dict[str, object]]:
    """POST productOrder as HTTP/1.0 with no Host header (http.client always sends one)."""
    port = int(api.root.rsplit(":", 1)[1])
    head = f"POST {BASE_PATH}/productOrder HTTP/1.0\r\nContent-Type: application/json\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as sock:
        sock.sendall(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
        answer = b"".join(iter(lambda: sock.recv(65536), b""))  # HTTP/1.0: closed after the answer
    head_bytes, _, payload = answer.partition(b"\r\n\r\n")
    return head_bytes.decode("latin-1"), json.loads(payload)


def test_http_1_0_without_host_gets_the_listening_address_and_port(make_api: ApiFactory) -> None:
    """Issue 18, item 7: aiohttp's fallback for a missing Host is the address without the port."""
    api = make_api()
    head, order = http_1_0_without_host(api, ORDER)
    assert " 201 " in head.splitlines()[0]
    assert order["href"] == f"{api.root}{BASE_PATH}/productOrder/{order['id']}"
    assert f"Location: {order['href']}" in head
    public = make_api(public_url="https://orders.example:8443")
    _, order = http_1_0_without_host(public, ORDER)
    assert order["href"] == f"https://orders.example:8443{BASE_PATH}/productOrder/{order['id']}"


@pytest.mark.parametrize("host", ["localhost:8622", "127.0.0.1:1", "[::1]:8622", "LocalHost"])
def test_loopback_names_are_allowed_by_default(api: Api, host: str) -> None:
    status, headers, order = post(api, "productOrder", ORDER, host)
    assert status == 201
    assert order["href"] == headers["Location"] == f"http://{host}{BASE_PATH}/productOrder/{order['id']}"


def test_only_the_allowed_hosts_are_written(make_api: ApiFactory) -> None:
    api = make_api(allowed_hosts=("mock.team.example", "orders.example:8443"))
    status, _, order = post(api, "productOrder", ORDER, "mock.team.example:9000")  # port-less entry: any port
    assert status == 201
    assert str(order["href"]).startswith(f"http://mock.team.example:9000{BASE_PATH}/productOrder/")
    assert post(api, "productOrder", ORDER, "orders.example:8443")[0] == 201
    assert post(api, "productOrder", ORDER, "orders.example:8444")[0] == 400  # that entry names its port
    assert post(api, "productOrder", ORDER, "localhost:8622")[0] == 400  # the list replaces the default
    assert api.count() == 2


def test_the_public_url_wins_over_any_host(make_api: ApiFactory) -> None:
    api = make_api(public_url="https://orders.example.com")
    status, headers, order = post(api, "productOrder", ORDER, "evil.example")
    assert status == 201
    expected = f"https://orders.example.com{BASE_PATH}/productOrder/{order['id']}"
    assert order["href"] == headers["Location"] == expected


def test_seeded_orders_get_the_public_url_too(make_api: ApiFactory, tmp_path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("- id: seeded-1\n  productOrderItem: [{id: '1', action: add}]\n", encoding="utf-8")
    api = make_api(public_url="https://orders.example.com", seed_files=(str(seed),))
    created = api.create_order()
    seeded = api.http.get(api.url("productOrder/seeded-1"), timeout=TIMEOUT_S).json()
    assert seeded["href"] == f"https://orders.example.com{BASE_PATH}/productOrder/seeded-1"
    assert seeded["href"].rsplit("/", 1)[0] == created["href"].rsplit("/", 1)[0]
    assert api.http.post(f"{api.root}/_mock/reset", json={}, timeout=TIMEOUT_S).status_code == 204
    assert api.http.get(api.url("productOrder/seeded-1"), timeout=TIMEOUT_S).json()["href"] == seeded["href"]


def test_seeded_orders_without_a_public_url_name_the_listening_address(
    make_api: ApiFactory, tmp_path
) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("- id: seeded-1\n  productOrderItem: [{id: '1', action: add}]\n", encoding="utf-8")
    api = make_api(seed_files=(str(seed),))
    seeded = api.http.get(api.url("productOrder/seeded-1"), timeout=TIMEOUT_S).json()
    assert seeded["href"] == f"{api.base}/productOrder/seeded-1"
    assert seeded["href"].rsplit("/", 1)[0] == api.create_order()["href"].rsplit("/", 1)[0]


def test_each_mock_judges_a_host_by_its_own_allowed_list(make_api: ApiFactory) -> None:
    """The verdict on a Host value is remembered (issue 17): per allowed list, never across mocks."""
    allowing, default = make_api(allowed_hosts=("shop.example",)), make_api()
    for _ in range(2):  # the second round answers from what was remembered
        status, headers, _ = post(allowing, "productOrder", ORDER, "shop.example")
        assert (status, headers["Location"].split("/")[2]) == (201, "shop.example")
        assert_error(
            default.raw("POST", f"{BASE_PATH}/productOrder", ORDER, {**JSON, "Host": "shop.example"}),
            400,
            "not an allowed host",
        )
    assert default.count() == 0
