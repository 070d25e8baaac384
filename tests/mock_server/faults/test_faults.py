"""Fault injection: the rules file, the X-Mock-Fault header, and each fault over real HTTP."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests
import yaml

from mock_server.faults.injector import FaultInjector
from mock_server.faults.plan import Fault, FaultSpecError, RoutePattern, load_plan, parse_header, parse_plan
from tests.support.mock.mock_helpers import TIMEOUT_S, Api, assert_error

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

pytestmark = pytest.mark.store_independent

EXAMPLE = Path(__file__).resolve().parents[3] / "scenarios" / "mock" / "faults.example.yaml"
ORDER = {"productOrderItem": [{"id": "1", "action": "add"}]}
BASE = "/tmf-api/productOrderingManagement/v4"


def faults_file(tmp_path: Path, *rules: dict[str, Any], seed: int | None = None) -> str:
    path = tmp_path / "faults.yaml"
    path.write_text(yaml.safe_dump({"seed": seed, "rules": list(rules)}), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("pattern", "method", "path", "hit"),
    [
        ("POST /productOrder", "POST", "/productOrder", True),
        ("POST /productOrder", "GET", "/productOrder", False),
        ("POST /productOrder", "POST", "/productOrder/1", False),
        ("GET /productOrder/*", "GET", "/productOrder/42", True),
        ("GET /productOrder/*", "GET", "/productOrder", False),
        ("get /productOrder/*", "GET", "/productOrder/42", True),
        ("/productOrder", "DELETE", "/productOrder", True),
        ("* /hub/**", "POST", "/hub", True),
        ("* /hub/**", "GET", "/hub/a", True),
        ("/**", "GET", "/anything/at/all", True),
        ("/cancel*", "POST", "/cancelProductOrder", True),
        ("/cancel*", "POST", "/productOrder", False),
    ],
)
def test_route_patterns(pattern: str, method: str, path: str, hit: bool) -> None:
    assert RoutePattern.parse(pattern).matches(method, path) is hit


@pytest.mark.parametrize(
    ("header", "fault"),
    [
        ("status=503", Fault(status=503)),
        ("latency=200", Fault(latency_ms=(200, 200))),
        ("latency=100-300; status=429", Fault(latency_ms=(100, 300), status=429)),
        ("drop", Fault(drop=True)),
        ("malformed", Fault(malformed="truncated")),
        ("Malformed=non-json, latency=5", Fault(latency_ms=(5, 5), malformed="non-json")),
    ],
)
def test_header_syntax(header: str, fault: Fault) -> None:
    assert parse_header(header) == fault


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        ("status=200", "status '200' is not an HTTP error status"),
        ("status=599", "status '599' is not an HTTP error status"),
        ("latency=soon", "latency 'soon' is not milliseconds"),
        ("latency=500-100", "must be 0 <= low <= high <= 60000 ms"),
        ("latency=60001", "must be 0 <= low <= high <= 60000 ms"),
        ("explode", "unknown fault 'explode'"),
        ("drop=yes", "unknown fault 'drop=yes'"),
        ("drop, status=503", "choose one of status, drop and malformed"),
        ("", "no fault given"),
        ("malformed=xml", "malformed 'xml' is not one of: truncated, non-json"),
    ],
)
def test_bad_headers_say_the_syntax(header: str, fragment: str) -> None:
    with pytest.raises(FaultSpecError) as raised:
        parse_header(header)
    assert fragment in str(raised.value)
    assert "status=NNN, latency=MS or MS-MS, drop, malformed" in str(raised.value)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (
            {"rules": [{"route": "GET /x", "stauts": 503}]},
            "rules[0]: unknown key 'stauts'; use route, probability",
        ),
        ({"rule": []}, "top level: unknown key 'rule'; use seed, rules"),
        ({"rules": [{"status": 503}]}, "rules[0]: needs a mapping with a 'route'"),
        ({"rules": [{"route": "GET", "status": 503}]}, "route 'GET' is not 'METHOD /path' or '/path'"),
        ({"rules": [{"route": "/a/**/b", "drop": True}]}, "'**' may only be the last segment"),
        (
            {"rules": [{"route": "/a", "status": 503, "probability": 2}]},
            "probability 2 is not a number from 0 to 1",
        ),
        (
            {"rules": [{"route": "/a", "status": 503, "drop": True}]},
            "choose one of status, drop and malformed",
        ),
        ({"rules": [{"route": "/a", "drop": "yes"}]}, "drop 'yes' must be true or false"),
        ({"rules": [{"route": "/a"}]}, "rules[0]: no fault given"),
        ({"seed": "x", "rules": []}, "seed 'x' must be a whole number"),
        ({"rules": {"route": "/a"}}, "rules must be a list"),
        (["route"], "must be a mapping with 'rules'"),
    ],
)
def test_bad_rules_name_the_rule_and_the_fix(data: Any, fragment: str) -> None:
    with pytest.raises(FaultSpecError) as raised:
        parse_plan(data)
    assert fragment in str(raised.value)


def test_the_example_file_parses() -> None:
    plan = load_plan(str(EXAMPLE))
    assert plan.seed == 622
    assert [rule.fault.describe() for rule in plan.rules] == [
        "status=503",
        "latency=100-400",
        "drop",
        "malformed=truncated",
    ]
    assert [rule.probability for rule in plan.rules] == [0.2, 1.0, 0.1, 0.05]


def test_load_plan_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(FaultSpecError, match=r"faults file '.*none.yaml': cannot read it"):
        load_plan(str(tmp_path / "none.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(FaultSpecError, match="not valid YAML"):
        load_plan(str(bad))


def draws(seed: int, count: int = 200) -> list[bool]:
    plan = parse_plan(
        {"seed": seed, "rules": [{"route": "GET /productOrder", "probability": 0.5, "status": 503}]}
    )
    injector = FaultInjector(plan, BASE)
    return [injector.choose("GET", f"{BASE}/productOrder", None) is not None for _ in range(count)]


def test_a_seed_makes_the_fault_sequence_reproducible() -> None:
    first = draws(seed=7)
    assert first == draws(seed=7)
    assert first != draws(seed=8)
    assert 60 < sum(first) < 140  # about half of 200, far from all or none


def test_later_rules_apply_when_earlier_ones_do_not_fire() -> None:
    plan = parse_plan(
        {
            "rules": [
                {"route": "/productOrder", "probability": 0, "status": 500},
                {"route": "/**", "drop": True},
            ]
        }
    )
    chosen = FaultInjector(plan, BASE).choose("POST", f"{BASE}/productOrder", None)
    assert chosen is not None
    assert chosen == (Fault(drop=True), "rule 2 (/**)")


def post_order(api: Api, headers: dict[str, str] | None = None) -> requests.Response:
    return api.http.post(api.url("productOrder"), json=ORDER, headers=headers, timeout=TIMEOUT_S)


def test_forced_status_from_the_file_is_a_tmf_error_and_stores_nothing(
    make_api: ApiFactory, tmp_path: Path
) -> None:
    api = make_api(faults_file=faults_file(tmp_path, {"route": "POST /productOrder", "status": 503}))
    body = assert_error(post_order(api), 503, "Fault injected by the mock (rule 1 (POST /productOrder))")
    assert body["reason"] == "Service Unavailable"
    assert api.count() == 0
    listed = api.http.get(api.url("productOrder"), timeout=TIMEOUT_S)
    assert listed.status_code == 200  # other routes are untouched


def test_dropped_connection_has_no_answer_and_stores_nothing(make_api: ApiFactory) -> None:
    api = make_api(faults_enabled=True)
    with pytest.raises(requests.ConnectionError):
        post_order(api, {"X-Mock-Fault": "drop"})
    assert api.count() == 0
    assert post_order(api).status_code == 201  # the server itself carries on


def test_truncated_body_after_the_order_was_created(make_api: ApiFactory) -> None:
    api = make_api(faults_enabled=True)
    response = post_order(api, {"X-Mock-Fault": "malformed"})
    assert response.status_code == 201
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    assert api.count() == 1  # processed: a retry would create a second order
    assert response.headers["Location"].startswith(api.url("productOrder/"))


def test_non_json_body_with_200_even_for_an_error(make_api: ApiFactory) -> None:
    api = make_api(faults_enabled=True)
    response = api.http.get(
        api.url("productOrder/unknown"), headers={"X-Mock-Fault": "malformed=non-json"}, timeout=TIMEOUT_S
    )
    assert response.status_code == 200
    assert response.content.startswith(b"<html>")
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"


def test_latency_delays_the_normal_answer(make_api: ApiFactory, tmp_path: Path) -> None:
    api = make_api(faults_file=faults_file(tmp_path, {"route": "GET /productOrder/*", "latency_ms": 300}))
    order = api.create_order()
    started = time.monotonic()
    response = api.http.get(api.url(f"productOrder/{order['id']}"), timeout=TIMEOUT_S)
    assert time.monotonic() - started >= 0.3
    assert response.json() == order
    started = time.monotonic()
    api.http.get(api.url("productOrder/x"), headers={"X-Mock-Fault": "latency=150-160"}, timeout=TIMEOUT_S)
    assert time.monotonic() - started >= 0.15


def test_header_is_ignored_while_faults_are_off(api: Api) -> None:
    assert post_order(api, {"X-Mock-Fault": "status=503"}).status_code == 201
    assert post_order(api, {"X-Mock-Fault": "nonsense"}).status_code == 201


def test_header_wins_over_the_rules(make_api: ApiFactory, tmp_path: Path) -> None:
    api = make_api(faults_file=faults_file(tmp_path, {"route": "POST /productOrder", "status": 503}))
    assert_error(post_order(api, {"X-Mock-Fault": "status=429"}), 429, "(header X-Mock-Fault): status=429")


def test_bad_header_is_a_400_naming_the_syntax(make_api: ApiFactory) -> None:
    api = make_api(faults_enabled=True)
    assert_error(post_order(api, {"X-Mock-Fault": "status=abc"}), 400, "X-Mock-Fault", "use status=NNN")
    assert api.count() == 0


def test_control_endpoints_are_never_faulted(make_api: ApiFactory, tmp_path: Path) -> None:
    api = make_api(faults_file=faults_file(tmp_path, {"route": "/**", "status": 503}))
    assert_error(post_order(api), 503)
    drop = {"X-Mock-Fault": "drop"}
    reset = api.http.post(f"{api.root}/_mock/reset", json={}, headers=drop, timeout=TIMEOUT_S)
    assert reset.status_code == 204
    unknown = api.http.get(f"{api.root}/_mock/nothing", timeout=TIMEOUT_S)
    assert_error(unknown, 404)


def test_rules_match_root_paths_and_paths_under_the_base(make_api: ApiFactory, tmp_path: Path) -> None:
    api = make_api(faults_file=faults_file(tmp_path, {"route": "GET /health", "status": 500}))
    assert_error(api.http.get(f"{api.root}/health", timeout=TIMEOUT_S), 500)
    assert_error(api.http.get(api.url("health"), timeout=TIMEOUT_S), 500)
    assert api.http.get(api.url("productOrder"), timeout=TIMEOUT_S).status_code == 200
