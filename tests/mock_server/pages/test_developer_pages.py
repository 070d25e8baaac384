"""Issue 20: the landing page, the API explorer, /health per version and the access log."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from aiohttp.test_utils import make_mocked_request

from mock_server.journal.access_log import REQUEST_ID_HEADER, AccessLog
from mock_server.journal.entries import Masking
from mock_server.pages.landing import wants_html
from tests.support.mock.mock_helpers import TIMEOUT_S, Api
from tests.support.mock.switches import versions

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
V5 = "/tmf-api/productOrderingManagement/v5"


def test_landing_page_is_html_for_a_browser_and_json_for_a_tool(api: Api) -> None:
    page = api.http.get(f"{api.root}/", headers={"Accept": BROWSER}, timeout=TIMEOUT_S)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    for text in ("TMF622", "4.0.0", "5.0.0", "/docs", "/_mock/reset", "/_mock/requests", "/health", api.base):
        assert text in page.text
    only_html = api.http.get(f"{api.root}/", headers={"Accept": "text/html"}, timeout=TIMEOUT_S)
    assert (only_html.status_code, only_html.text) == (200, page.text)  # no 406 for a page
    data = api.http.get(f"{api.root}/", headers={"Accept": "application/json"}, timeout=TIMEOUT_S).json()
    assert [(a["name"], a["baseUrl"]) for a in data["apis"]] == [("v4", api.base), ("v5", f"{api.root}{V5}")]
    assert data["links"]["openapi"] == f"{api.root}/openapi.json"
    assert {"POST", "GET", "DELETE"} == {control["method"] for control in data["controls"]}


def test_accept_decides_the_landing_page_form() -> None:
    assert wants_html(BROWSER)
    assert not wants_html("application/json")
    assert not wants_html("")
    assert not wants_html("text/html;q=0.5, application/json")


def test_docs_page_offers_both_versions_from_local_assets(api: Api) -> None:
    page = api.http.get(f"{api.root}/docs?version=v5", headers={"Accept": BROWSER}, timeout=TIMEOUT_S)
    assert page.status_code == 200
    assert "/tmf-api/productOrderingManagement/v4/openapi.json" in page.text
    assert '"primary": "v5: ' in page.text
    assert "https://" not in page.text  # nothing from a CDN
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        asset = api.http.get(f"{api.root}/docs/assets/{name}", timeout=TIMEOUT_S)
        assert asset.status_code == 200
        assert len(asset.content) > 10_000
    assert api.http.get(f"{api.root}/docs/assets/..%2Fsetup.py", timeout=TIMEOUT_S).status_code == 404


def test_health_counts_each_version(make_api: ApiFactory) -> None:
    api = make_api()
    api.create_order()
    v5_order = {
        "@type": "ProductOrder",
        "productOrderItem": [{"id": "1", "action": "add", "@type": "ProductOrderItem"}],
    }
    assert api.http.post(f"{api.root}{V5}/productOrder", json=v5_order, timeout=TIMEOUT_S).status_code == 201
    health = api.http.get(f"{api.root}/health", timeout=TIMEOUT_S).json()
    assert health["versions"] == {
        "v4": {"productOrder": 1, "cancelProductOrder": 0},
        "v5": {"productOrder": 1, "cancelProductOrder": 0},
    }
    assert health["orders"] == 1


def test_health_leaves_out_a_version_that_is_not_served(make_api: ApiFactory) -> None:
    api = make_api(versions=versions(v4={"served": False}))
    health: dict[str, Any] = api.http.get(f"{api.root}/health", timeout=TIMEOUT_S).json()
    assert set(health["versions"]) == {"v5"}


@pytest.mark.parametrize(
    ("switches", "listed"),
    [
        ({}, ["/_mock/deliveries", "/_mock/v5/deliveries"]),
        ({"versions": versions(v5={"served": False})}, ["/_mock/deliveries"]),
        ({"versions": versions(v4={"served": False})}, ["/_mock/v5/deliveries"]),
    ],
    ids=["both", "v4-only", "v5-only"],
)
def test_landing_page_lists_the_delivery_log_of_each_served_version_only(
    make_api: ApiFactory, switches: dict[str, bool], listed: list[str]
) -> None:
    api = make_api(**switches)
    data = api.http.get(f"{api.root}/", headers={"Accept": "application/json"}, timeout=TIMEOUT_S).json()
    shown = [c["url"].removeprefix(api.root) for c in data["controls"] if c["url"].endswith("/deliveries")]
    assert shown == listed
    for path in shown:  # each one listed answers
        assert api.http.get(f"{api.root}{path}", timeout=TIMEOUT_S).status_code == 200


def test_access_log_writes_one_masked_line_per_request(
    make_api: ApiFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    api = make_api(access_log=True)
    answer = api.http.get(
        api.url("productOrder/nope"),
        headers={"Authorization": "Bearer s3cret", REQUEST_ID_HEADER: "client-42"},
        timeout=TIMEOUT_S,
    )
    assert answer.headers[REQUEST_ID_HEADER] == "client-42"
    lines = [line for line in capsys.readouterr().err.splitlines() if "rid=client-42" in line]
    assert len(lines) == 1
    shown = re.sub(r"\d+\.\dms", "Nms", lines[0].split(" ", 1)[1])
    path = f"{api.base.removeprefix(api.root)}/productOrder/nope"
    assert shown == f"GET {path} 404 Nms rid=client-42 Authorization=Bearer ***"
    assert "s3cret" not in lines[0]


def test_access_log_line_format() -> None:
    log = AccessLog(Masking("X-API-Key"), lambda _: None)
    request = make_mocked_request(
        "GET", "/x?a=1", headers={"Authorization": "Bearer s3cret", "X-API-Key": "k"}
    )
    line = log.line(request, 200, 0.0123, "rid1")
    assert line.split(" ", 1)[1] == "GET /x?a=1 200 12.3ms rid=rid1 Authorization=Bearer *** X-API-Key=***"


def test_access_log_masks_the_mocks_own_tokens_as_the_journal_does() -> None:
    """The query (however encoded), the path and an unlisted header lose the mock's own tokens."""
    log = AccessLog(Masking("X-API-Key", ("tok%en+1", None)), lambda _: None)
    request = make_mocked_request(
        "GET", "/x/tok%25en%2B1?access_token=tok%25en%2B1&b=2", headers={"X-Debug": "tok%en+1"}
    )
    line = log.line(request, 200, 0.0, "rid1")
    assert "tok%en+1" not in line
    assert "tok%25en" not in line
    assert line.split(" ", 1)[1] == "GET /x/***?access_token=***&b=2 200 0.0ms rid=rid1 X-Debug=***"
