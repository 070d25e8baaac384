"""The pytest plugin end to end (pytester): collection, exit codes, reports, Allure output, options."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ctk_suite.engine.mock_process import EmbeddedMock, MockStartError
from ctk_suite.engine.state import MOCK_START_FAILED, TARGET_UNUSABLE
from ctk_suite.reporting.allure_report import KIND_LABEL, allure2_categories, categories
from tests.support.ctk_helpers import closed_port_url, read_summary
from tests.support.fakes.v4 import serving

TITLES = [
    "N1 /ProductOrder [POST]",
    "N1 /ProductOrder [GET]",
    "N1 /ProductOrder/{{IDPO01}} [GET]",
    "N2 /ProductOrder?fields=href [GET]",
    "N2 /ProductOrder?fields=id [GET]",
    "N2 /ProductOrder?id={{IDPO01}} [GET]",
    "N2 /ProductOrder?fields=orderDate [GET]",
    "N2 /ProductOrder?orderDate={{ORDERDATEPO01}} [GET]",
    "E1 /ProductOrder/404ID [GET]",
]


def allure_results(folder: Path) -> dict[str, dict[str, Any]]:
    """The *-result.json files of `folder`, by test name."""
    results = [json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*-result.json")]
    return {r["name"]: r for r in results}


def labels(result: dict[str, Any]) -> dict[str, str]:
    return {label["name"]: label["value"] for label in result["labels"]}


def test_one_item_per_request_in_order(pytester: pytest.Pytester, ctk_file: Path) -> None:
    result = pytester.runpytest(ctk_file.name, "--collect-only", "-q")
    assert result.ret == 0
    assert [line.split("::", 1)[1] for line in result.outlines if "::" in line] == TITLES


def test_the_project_run_does_not_run_the_ctk(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_other="def test_other():\n    assert 1 + 1 == 2\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert "TMF622 CTK" not in result.stdout.str()
    assert not (pytester.path / "reports").exists()


def test_conforming_server_exit_0_with_reports(pytester: pytest.Pytester, ctk_file: Path) -> None:
    with serving() as (url, _):
        result = pytester.runpytest(ctk_file.name, "--ctk-base-url", url)
    assert result.ret == 0
    result.assert_outcomes(passed=9)
    result.stdout.fnmatch_lines(
        [
            "*TMF622 CTK*",
            "*│ assertions * 63 │ * 0 │",
            "CTK 4.0.0: 9 requests, 63 assertions, 0 failed",
            "tmf622-ctk: CTK 4.0.0 63/63: PASS",
        ]
    )
    summary = read_summary(pytester.path / "reports")
    assert summary["totals"] == {"requests": 9, "assertions": 63, "failedAssertions": 0}
    assert summary["baseUrl"] == url


def test_allure_results_have_names_labels_and_steps(pytester: pytest.Pytester, ctk_file: Path) -> None:
    with serving("create_status_200") as (url, _):
        pytester.runpytest(ctk_file.name, "--ctk-base-url", url)
    folder = pytester.path / "reports" / "allure-results"  # the default when a scenario file is run
    results = allure_results(folder)
    assert sorted(results) == sorted(TITLES)
    post = results["N1 /ProductOrder [POST]"]
    assert post["status"] == "failed"
    assert {
        k: labels(post)[k] for k in ("parentSuite", "suite", "feature", "level", "scenario", "specRule")
    } == {
        "parentSuite": "CTK-Product_Ordering-4.0.0",
        "suite": "N1",
        "feature": "N1",
        "level": "ctk",
        "scenario": "N1",
        "specRule": "CTK 4.0.0 N1",
    }
    steps = {s["name"]: s["status"] for s in post["steps"]}
    assert len(steps) == 10
    assert steps["Status code is 201"] == "failed"
    assert [k for k, v in steps.items() if v == "failed"] == ["Status code is 201"]
    assert {a["name"] for a in post["attachments"]} == {
        "request",
        "request body",
        "response",
        "response body",
        "reproduce (curl)",  # a failed request's curl line
    }
    bodies = {a["name"]: a["type"] for a in post["attachments"]}
    assert bodies["response body"] == "application/json"
    assert labels(post)[KIND_LABEL] == "status"
    assert labels(results["E1 /ProductOrder/404ID [GET]"])["suite"] == "E1"
    assert labels(results["N2 /ProductOrder?fields=id [GET]"])["suite"] == "N2"
    environment = (folder / "environment.properties").read_text(encoding="utf-8")
    assert "ctkVersion=4.0.0\n" in environment
    assert f"baseUrl={url}\n" in environment
    for line in (
        "profile=no profile (--ctk-base-url)",
        "levels=ctk",
        "auth=none",
        "tlsVerify=true",
        "cleanup=true",
    ):
        assert f"{line}\n" in environment
    categories = json.loads((folder / "categories.json").read_text(encoding="utf-8"))
    message = post["statusDetails"]["message"]
    assert message.startswith("[status] 1 of 10 assertions failed")  # no Python class name (issue 19.5)
    assert next(c["name"] for c in categories if _matches(c, message)) == "Wrong status code"


def _matches(category: dict[str, Any], message: str) -> bool:
    return re.fullmatch(category.get("messageRegex", ".*"), message, re.DOTALL) is not None


@pytest.mark.parametrize(
    ("kind", "category"),
    [
        ("transport", "Transport"),
        ("auth", "Authentication"),
        ("precondition-not-met", "Not run"),
        ("body", "Response body is not JSON"),
        ("status", "Wrong status code"),
        ("schema", "Schema"),
        ("assertion", "Assertion"),
        ("internal", "Suite errors"),
    ],
)  # fmt: skip
def test_categories_come_from_the_failure_kind(kind: str, category: str) -> None:
    """Allure 3 rules match the kind label; Allure 2's categories.json the `[kind]` a message starts with."""
    rule = next(c for c in categories() if c["matchers"]["labels"][KIND_LABEL] == kind)
    assert rule["name"].startswith(category)
    message = f"[{kind}] 1 of 13 assertions failed (GET u -> HTTP 200)"
    assert next(c["name"] for c in allure2_categories() if _matches(c, message)).startswith(category)


@pytest.mark.parametrize(
    ("faults", "failed"),
    [
        (["create_without_href"], 7),
        (["list_without_related_party"], 6),
        (["create_status_200"], 1),
        (["unknown_id_200"], 1),
        (["empty_filters"], 24),
        (["list_not_json"], 9),  # "Status code is 200" passes: judged before the body (issue 9)
        (["get_returns_other_order"], 3),
        (["href_changes"], 1),
    ],
)
def test_broken_servers_exit_non_zero(
    pytester: pytest.Pytester, ctk_file: Path, faults: list[str], failed: int
) -> None:
    with serving(*faults) as (url, _):
        result = pytester.runpytest(ctk_file.name, "--ctk-base-url", url)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert read_summary(pytester.path / "reports")["totals"]["failedAssertions"] == failed


def test_unreachable_server_stops_at_the_preflight_with_exit_4_and_one_line(
    pytester: pytest.Pytester, ctk_file: Path
) -> None:
    result = pytester.runpytest(ctk_file.name, "--ctk-base-url", closed_port_url(), "--ctk-timeout", "2")
    assert result.ret == TARGET_UNUSABLE
    output = result.stdout.str()
    assert output.count("target not usable: cannot reach") == 1
    assert "connection refused by 127.0.0.1:" in output
    assert "Traceback" not in output
    assert read_summary(pytester.path / "reports")["verdict"] == "error"  # CI still finds its reports


def test_failure_message_lists_failed_assertions(pytester: pytest.Pytester, ctk_file: Path) -> None:
    with serving("create_status_200") as (url, _):
        result = pytester.runpytest(ctk_file.name, "--ctk-base-url", url)
    result.stdout.fnmatch_lines(
        [
            f"[[]status] 1 of 10 assertions failed (POST {url}productOrder -> HTTP 200)",
            "  - Status code is 201: status: expected HTTP 201, seen HTTP 200",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_secrets_are_sent_but_never_written(pytester: pytest.Pytester, ctk_file: Path) -> None:
    token, key = "Bearer s3cr3t-t0ken-value", "k3y-v4lue-123"
    with serving() as (url, fake):
        result = pytester.runpytest(
            ctk_file.name,
            "--ctk-base-url",
            url,
            "--ctk-header",
            f"Authorization: {token}",
            "--ctk-header",
            f"X-API-Key: {key}",
        )
    assert result.ret == 0
    assert all(h.get("Authorization") == token and h.get("X-API-Key") == key for h in fake.headers_seen)
    written = [p.read_text(encoding="utf-8") for p in (pytester.path / "reports").rglob("*") if p.is_file()]
    assert not [text for text in [*written, result.stdout.str()] if "s3cr3t" in text or "k3y-v4lue" in text]
    assert any("Authorization: ***" in text and "X-API-Key: ***" in text for text in written)


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--ctk-timeout", "0"], "--ctk-timeout (command line): must be a number of seconds in (0, 3600]"),
        (
            ["--ctk-base-url", "ftp://example.com"],
            "--ctk-base-url (command line): must be an absolute http(s) URL",
        ),
        (["--ctk-header", "no colon"], "a header must look like 'Name: value'"),
    ],
)
def test_usage_errors(pytester: pytest.Pytester, ctk_file: Path, option: list[str], message: str) -> None:
    result = pytester.runpytest(ctk_file.name, *option)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.str()


def test_mock_that_cannot_start_is_a_clear_error(
    pytester: pytest.Pytester, ctk_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: EmbeddedMock) -> str:
        raise MockStartError("the embedded mock exited with code 1; stderr: boom")

    monkeypatch.setattr(EmbeddedMock, "start", refuse)
    result = pytester.runpytest(ctk_file.name)
    assert result.ret == MOCK_START_FAILED
    result.stdout.fnmatch_lines(
        ["*tmf622-ctk: cannot start the embedded mock: the embedded mock exited with code 1*"]
    )


PROFILE = """\
name: acme
target: {base_url: "http://127.0.0.1:9", api_path: /nowhere}
headers: {X-Tenant: acme}
order_date_quoting: single
timeouts: {connect: 2, read: 2}
payload:
  productOrderItem: [{id: "7", action: add, productOffering: {id: PO-FIBRE-1000}}]
  relatedParty: [{id: CUST-42, "@referredType": Individual}]
"""


def test_profile_drives_the_run_and_the_command_line_overrides_it(
    pytester: pytest.Pytester, ctk_file: Path
) -> None:
    (pytester.path / "acme.yaml").write_text(PROFILE, encoding="utf-8")
    with serving() as (url, fake):  # the profile's own target is dead: --ctk-base-url wins
        result = pytester.runpytest(
            ctk_file.name,
            "--ctk-profile",
            "acme.yaml",
            "--ctk-base-url",
            url,
            "--ctk-orderdate-quote",
            "none",
        )
    assert result.ret == 0
    assert fake.bodies_seen == [
        {
            "productOrderItem": [{"id": "7", "action": "add", "productOffering": {"id": "PO-FIBRE-1000"}}],
            "relatedParty": [{"id": "CUST-42", "@referredType": "Individual"}],
        }
    ]
    assert all(headers.get("X-Tenant") == "acme" for headers in fake.headers_seen)
    assert any("?orderDate=2026" in line for line in fake.requests)  # none from the CLI, not single
    assert read_summary(pytester.path / "reports")["profile"] == "acme"


def test_profile_from_the_environment(pytester: pytest.Pytester, ctk_file: Path, monkeypatch) -> None:
    (pytester.path / "acme.yaml").write_text(PROFILE, encoding="utf-8")
    monkeypatch.setenv("TMF622_CTK_PROFILE", str(pytester.path / "acme.yaml"))
    with serving() as (url, fake):
        result = pytester.runpytest(ctk_file.name, "--ctk-base-url", url)
    assert result.ret == 0
    assert any("?orderDate=%272026" in line or "?orderDate='2026" in line for line in fake.requests)


def test_invalid_payload_stops_the_run_before_anything_is_sent(
    pytester: pytest.Pytester, ctk_file: Path
) -> None:
    (pytester.path / "order.json").write_text('{"productOrderItem": [{"id": "1", "action": "grab"}]}')
    with serving() as (url, fake):
        result = pytester.runpytest(ctk_file.name, "--ctk-base-url", url, "--ctk-payload", "order.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    error = result.stderr.str()
    assert "payload_file" in error
    assert "$.productOrderItem[0].action: 'grab' is not one of" in error
    assert "(schema ProductOrder_Create)" in error
    assert fake.requests == []
    assert not (pytester.path / "reports").exists()


def test_a_profile_error_is_one_line_and_stops_the_run(pytester: pytest.Pytester, ctk_file: Path) -> None:
    (pytester.path / "bad.yaml").write_text(
        "target: {embedded_mock: true}\n"
        "auth: {type: bearer, token_env: NOPE_X}\n"
        "payload: {productOrderItem: []}\n"
    )
    result = pytester.runpytest(ctk_file.name, "--ctk-profile", "bad.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "bad.yaml: auth.token_env: environment variable NOPE_X is not set" in result.stderr.str()
