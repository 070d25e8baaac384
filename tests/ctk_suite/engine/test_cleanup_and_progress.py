"""Cleanup of the orders a run created, and the progress line printed per request."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
import requests
import responses

from ctk_suite.engine.cleanup import CreatedOrders, clean_up
from ctk_suite.http.client import HttpClient
from ctk_suite.http.exchange import Exchange
from tests.support.ctk_helpers import read_summary
from tests.support.fakes.v4 import serving

API = "http://h/tmf-api/productOrderingManagement/v4/"


def exchange(method: str, path: str, status: int, body: bytes = b"") -> Exchange:
    return Exchange(method, API + path, MappingProxyType({}), None, status, kept=body)


def test_created_orders_follow_posts_and_deletes() -> None:
    orders = CreatedOrders(API)
    orders(exchange("POST", "productOrder", 201, b'{"id": "a"}'))
    orders(exchange("POST", "productOrder", 201, b'{"id": "b/1"}'))
    orders(exchange("POST", "productOrder", 400, b'{"id": "refused"}'))
    orders(exchange("POST", "productOrder", 201, b"<html>not json</html>"))
    orders(exchange("POST", "hub", 201, b'{"id": "a-subscription"}'))
    orders(exchange("GET", "productOrder", 200, b'{"id": "listed"}'))
    orders(exchange("DELETE", "productOrder/b%2F1", 204))  # a check deleted it already
    assert orders.ids == ("a",)


@responses.activate
def test_a_server_without_delete_is_asked_once() -> None:
    responses.delete(API + "productOrder/a", status=405)
    orders = CreatedOrders(API)
    for order_id in ("a", "b"):
        orders(exchange("POST", "productOrder", 201, f'{{"id": "{order_id}"}}'.encode()))
    report = clean_up(HttpClient.plain(1, 1), orders, enabled=True)
    assert report.deleted == ()
    assert [(f.id, f.reason) for f in report.failed] == [
        ("a", "DELETE not supported by the server (HTTP 405)"),
        ("b", "DELETE not supported by the server (HTTP 405)"),
    ]
    assert len(responses.calls) == 1


@responses.activate
def test_each_order_gets_its_own_verdict() -> None:
    responses.delete(API + "productOrder/a", status=204)
    responses.delete(API + "productOrder/b", status=404)  # already gone: nothing left behind
    responses.delete(API + "productOrder/c", status=500, json={"reason": "locked"})
    responses.delete(API + "productOrder/d", body=requests.ConnectionError("[Errno 111] refused"))
    orders = CreatedOrders(API)
    for order_id in "abcd":
        orders(exchange("POST", "productOrder", 201, f'{{"id": "{order_id}"}}'.encode()))
    report = clean_up(HttpClient.plain(1, 1), orders, enabled=True)
    assert report.deleted == ("a", "b")
    assert report.as_json()["failed"] == [
        {"id": "c", "reason": 'HTTP 500: {"reason": "locked"}'},
        {"id": "d", "reason": "transport error: connection refused by h (nothing listens there)"},
    ]


def test_switched_off_cleanup_keeps_and_lists() -> None:
    orders = CreatedOrders(API)
    orders(exchange("POST", "productOrder", 201, b'{"id": "a"}'))
    report = clean_up(HttpClient.plain(1, 1), orders, enabled=False)
    assert report.as_json() == {
        "enabled": False, "deleted": [], "failed": [], "kept": ["a"], "cancelRequests": [], "created": 1
    }  # fmt: skip


def test_the_mock_deletes_what_the_run_created(
    pytester: pytest.Pytester, ctk_file: Path, mock_server_url: str
) -> None:
    result = pytester.runpytest(ctk_file.name, "--ctk-base-url", mock_server_url)
    assert result.ret == 0
    summary = read_summary(pytester.path / "reports")
    by_id = summary["requests"][2]["url"]  # GET /productOrder/{IDPO01}: 200 during the run
    assert requests.get(by_id, timeout=5).status_code == 404  # gone after it
    assert summary["cleanup"]["deleted"] == [by_id.rpartition("/")[2]]
    assert summary["totals"] == {"requests": 9, "assertions": 63, "failedAssertions": 0}  # verdicts untouched
    result.stdout.fnmatch_lines(["cleanup: 1 resource(s) created, 1 deleted, 0 left on the server"])


def test_no_cleanup_leaves_the_order(pytester: pytest.Pytester, ctk_file: Path, mock_server_url: str) -> None:
    result = pytester.runpytest(ctk_file.name, "--ctk-base-url", mock_server_url, "--ctk-no-cleanup")
    assert result.ret == 0
    summary = read_summary(pytester.path / "reports")
    assert requests.get(summary["requests"][2]["url"], timeout=5).status_code == 200
    assert summary["cleanup"]["enabled"] is False
    assert len(summary["cleanup"]["kept"]) == 1
    result.stdout.fnmatch_lines(["cleanup: 1 resource(s) created (cleanup off), left on the server: *"])


def test_a_server_without_delete_is_reported_not_failed(pytester: pytest.Pytester, ctk_file: Path) -> None:
    with serving() as (url, _):  # the fake implements no DELETE: aiohttp answers 405
        result = pytester.runpytest(ctk_file.name, "--ctk-base-url", url)
    assert result.ret == 0  # cleanup is housekeeping, not a conformance verdict
    result.stdout.fnmatch_lines(
        [
            "cleanup: 1 resource(s) created, 0 deleted, 1 left on the server",
            "  not deleted: order-2: DELETE not supported by the server (HTTP 405)",
        ]
    )
    assert read_summary(pytester.path / "reports")["cleanup"]["failed"] == [
        {"id": "order-2", "reason": "DELETE not supported by the server (HTTP 405)"}
    ]


def test_one_progress_line_per_request(pytester: pytest.Pytester, ctk_file: Path) -> None:
    with serving("create_status_200") as (url, _):
        result = pytester.runpytest(ctk_file.name, "--ctk-base-url", url)
    progress = [line for line in result.outlines if line.startswith("[") and line[1:2].isdigit()]
    assert len(progress) == 9
    result.stdout.re_match_lines(
        [
            r"\[1/9\] POST /productOrder 200 \d+ ms - 1 of 10 assertions failed$",
            r"\[2/9\] GET /productOrder 200 \d+ ms$",
            r"\[3/9\] GET /productOrder/order-2 200 \d+ ms$",
            r"\[9/9\] GET /productOrder/f42b01d2-dba6-4442-a0fa-34e59639fd15 404 \d+ ms$",
        ]
    )
    assert not [line for line in result.outlines if line.startswith("ctk-4.0.0.yaml .")]  # no dots between


def test_quiet_runs_print_no_progress_lines(pytester: pytest.Pytester, ctk_file: Path) -> None:
    with serving() as (url, _):
        result = pytester.runpytest(ctk_file.name, "--ctk-base-url", url, "-q")
    assert result.ret == 0
    assert not [line for line in result.outlines if line.startswith("[1/9]")]


def test_the_cleanup_carries_the_header_every_request_carried(
    pytester: pytest.Pytester, ctk_file: Path, start_mock_server: Any
) -> None:
    """A token given with `--ctk-header` authorises the DELETEs too: the mock requires it of every call."""
    with start_mock_server(secrets={"TMF622_MOCK_API_KEY": "s3cret-key"}) as url:
        assert requests.get(f"{url}/productOrder", timeout=5).status_code == 401  # the key is required
        result = pytester.runpytest(
            ctk_file.name, "--ctk-base-url", url, "--ctk-header", "X-API-Key: s3cret-key"
        )
        summary = read_summary(pytester.path / "reports")
        by_id = summary["requests"][2]["url"]
        assert requests.get(by_id, headers={"X-API-Key": "s3cret-key"}, timeout=5).status_code == 404
    assert result.ret == 0
    assert summary["cleanup"]["deleted"] == [by_id.rpartition("/")[2]]
    assert summary["cleanup"]["failed"] == []
    result.stdout.fnmatch_lines(["cleanup: 1 resource(s) created, 1 deleted, 0 left on the server"])
