"""Every exception becomes a TMF Error: unknown paths, wrong methods, oversize bodies, server faults."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.store.memory import MemoryStore
from tests.support.mock.mock_helpers import Api, assert_error
from tests.support.mock.switches import versions

pytestmark = pytest.mark.store_independent

BASE = "/tmf-api/productOrderingManagement/v4"


@pytest.mark.parametrize(
    "path",
    [f"{BASE}/nothing", f"{BASE}/productOrder/1/2", "/productOrder", f"{BASE}/productOrder/../x", "/x"],
)  # "/" is the landing page (tests/mock_server/pages/test_developer_pages.py)
def test_unknown_path_is_a_404_error(api: Api, path: str) -> None:
    assert_error(api.raw("GET", path), 404, "No resource at")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", f"{BASE}/productOrder", "GET,HEAD,POST"),
        ("DELETE", f"{BASE}/productOrder", "GET,HEAD,POST"),
        ("POST", f"{BASE}/productOrder/x", "DELETE,GET,HEAD,PATCH"),
        ("PUT", f"{BASE}/cancelProductOrder/x", "DELETE,GET,HEAD,PATCH"),
        ("OPTIONS", f"{BASE}/productOrder", "GET,HEAD,POST"),
    ],
)
def test_wrong_method_is_405_with_allow(api: Api, method: str, path: str, allow: str) -> None:
    response = api.raw(method, path, b"{}", {"Content-Type": "application/json"})
    assert_error(response, 405, f"Method {method} is not allowed")
    assert sorted(response.headers["Allow"].split(",")) == allow.split(",")
    assert api.count() == 0


def test_other_base_path(make_api) -> None:
    api = make_api(versions=versions(v4={"base_path": "/productOrderingManagement/v4"}))
    assert api.create_order()["href"].startswith(f"{api.root}/productOrderingManagement/v4/productOrder/")
    assert_error(api.raw("GET", f"{BASE}/productOrder"), 404)


def test_oversize_patch_is_413(make_api) -> None:
    api = make_api(max_body_bytes=1024)
    order = api.create_order()
    response = api.http.patch(
        order["href"],
        data=b'{"description": "' + b"x" * 2000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 413)
    assert api.http.get(order["href"]).json() == order


class BrokenStore(MemoryStore):
    """Fails the way a buggy backend would, with internals in the exception text."""

    async def query(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("internals: /var/lib/mock/db.sqlite row 42")


def test_unexpected_exception_is_a_500_error_without_internals(make_api, caplog) -> None:
    api = make_api(store=BrokenStore())
    response = api.http.get(api.url("productOrder"))
    body = assert_error(response, 500)
    assert "/var/lib/mock" not in response.text
    assert "RuntimeError" not in response.text
    assert body["reason"] == "Internal Server Error"
    assert "internals: /var/lib/mock" in caplog.text  # the operator still sees the cause in the log


@pytest.mark.parametrize(
    "query",
    [
        "limit=%ZZ",
        "fields=%00",
        "=x",
        "&&&",
        "a.b.c.gt=",
        "orderDate.gt='",
        "sort=,,-",
        "sort=-",
        "orderDate=9999-12-31T23:59:59-23:59",
        "orderDate.lt=0001-01-01T00:00:00%2B23:00",
        "quantity.gt=1e999",
        "id=" + "9" * 5000,
        "x=%F0%9F%92%A5",
        "state=acknowledged&state=",
    ],
)
def test_odd_queries_never_500(api: Api, query: str) -> None:
    api.create_order(quantity=3)
    response = api.raw("GET", f"{BASE}/productOrder?{query}")
    assert response.status in {200, 400}, response.body
    if response.status == 400:
        assert_error(response, 400)


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json; charset",
        "application/json;;",
        'application/json; charset="utf-8"',
        "json",
        ";",
        "*/*",
    ],
)
def test_odd_content_types_never_500(api: Api, content_type: str) -> None:
    body = b'{"productOrderItem": [{"id": "1", "action": "add"}]}'
    response = api.raw("POST", f"{BASE}/productOrder", body, {"Content-Type": content_type})
    assert response.status in {201, 415}, response.body
    if response.status == 415:
        assert_error(response, 415)
