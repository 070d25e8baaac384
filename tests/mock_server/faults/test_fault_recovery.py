"""Faults a client must recover from: Retry-After on 429/503, and rules that fail the first N calls only."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests
import yaml

from mock_server.faults.plan import FaultSpecError, parse_plan
from tests.support.mock.mock_helpers import TIMEOUT_S, Api, assert_error

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

pytestmark = pytest.mark.store_independent

ORDER = {"productOrderItem": [{"id": "1", "action": "add"}]}


def faults_file(tmp_path: Path, *rules: dict[str, Any]) -> str:
    path = tmp_path / "faults.yaml"
    path.write_text(yaml.safe_dump({"rules": list(rules)}), encoding="utf-8")
    return str(path)


def post_order(api: Api, headers: dict[str, str] | None = None) -> Any:
    return api.http.post(api.url("productOrder"), json=ORDER, headers=headers or {}, timeout=TIMEOUT_S)


def test_injected_503_and_429_say_when_to_retry(make_api: ApiFactory, tmp_path: Path) -> None:
    rules = (
        {"route": "POST /productOrder", "status": 503},
        {"route": "GET /productOrder", "status": 429, "retry_after": 30},
        {"route": "GET /hub/*", "status": 500},
    )
    api = make_api(faults_file=faults_file(tmp_path, *rules))
    unavailable = post_order(api)
    assert_error(unavailable, 503)
    assert unavailable.headers["Retry-After"] == "1"  # the default
    throttled = api.http.get(api.url("productOrder"), timeout=TIMEOUT_S)
    assert_error(throttled, 429, "retry-after=30")
    assert throttled.headers["Retry-After"] == "30"
    failed = api.http.get(api.url("hub/x"), timeout=TIMEOUT_S)
    assert_error(failed, 500)
    assert "Retry-After" not in failed.headers


def test_the_header_sets_retry_after_too(make_api: ApiFactory) -> None:
    api = make_api(faults_enabled=True)
    response = post_order(api, {"X-Mock-Fault": "status=429, retry-after=5"})
    assert_error(response, 429)
    assert response.headers["Retry-After"] == "5"
    assert_error(post_order(api, {"X-Mock-Fault": "status=500, retry-after=5"}), 400, "429 or 503 only")
    assert_error(post_order(api, {"X-Mock-Fault": "status=503, retry-after=soon"}), 400, "whole seconds")
    assert api.count() == 0


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ({"status": 500, "retry_after": 2}, "retry_after goes with status 429 or 503 only"),
        ({"status": 503, "retry_after": -1}, "retry_after -1 is not whole seconds"),
        ({"status": 503, "retry_after": 86400}, "from 0 to 3600"),
        ({"status": 503, "times": 0}, "times 0 is not a whole number of 1 or more"),
        ({"status": 503, "times": "twice"}, "times 'twice'"),
    ],
)
def test_bad_recovery_rules_are_refused(rule: dict[str, Any], fragment: str) -> None:
    with pytest.raises(FaultSpecError) as raised:
        parse_plan({"rules": [{"route": "POST /productOrder", **rule}]})
    assert fragment in str(raised.value)


def test_a_rule_can_fail_the_first_calls_then_let_them_through(make_api: ApiFactory, tmp_path: Path) -> None:
    rule = {"route": "POST /productOrder", "status": 503, "times": 2}
    api = make_api(faults_file=faults_file(tmp_path, rule))
    statuses = [post_order(api).status_code for _ in range(4)]
    assert statuses == [503, 503, 201, 201]
    assert api.count() == 2  # the failed calls stored nothing
    assert api.http.post(f"{api.root}/_mock/reset", json={}, timeout=TIMEOUT_S).status_code == 204
    assert [post_order(api).status_code for _ in range(3)] == [503, 503, 201]  # reset re-arms the rule


def test_counted_rules_count_only_their_own_route(make_api: ApiFactory, tmp_path: Path) -> None:
    rules = (
        {"route": "GET /productOrder", "status": 503, "times": 1},
        {"route": "POST /productOrder", "drop": True, "times": 1},
    )
    api = make_api(faults_file=faults_file(tmp_path, *rules))
    assert api.http.get(api.url("productOrder"), timeout=TIMEOUT_S).status_code == 503
    assert api.http.get(api.url("productOrder"), timeout=TIMEOUT_S).status_code == 200
    with pytest.raises(requests.ConnectionError):
        post_order(api)
    assert post_order(api).status_code == 201
