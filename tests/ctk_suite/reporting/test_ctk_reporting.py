"""Report writers (summary.json, JUnit XML, terminal table) and the redaction of secrets in attachments."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import allure
import pytest

from ctk_suite.core.redaction import MASK, SecretRegistry
from ctk_suite.engine.results import LevelOutcome
from ctk_suite.http.exchange import Exchange
from ctk_suite.kits.official.scenario import Scenario
from ctk_suite.reporting.allure_report import (
    MAX_ATTACHED_CHARS,
    attach_exchange,
    request_text,
    response_text,
    shown_body,
    write_environment,
)
from ctk_suite.reporting.junit import write_junit
from ctk_suite.reporting.run_report import RunReport
from ctk_suite.reporting.summary import write_summary
from ctk_suite.reporting.table import render_table
from tests.support.ctk_helpers import closed_port_url, report_of, run_ctk
from tests.support.fakes.v4 import serving


@pytest.fixture(scope="module")
def failing_run(scenario: Scenario) -> RunReport:
    """A run where only "Status code is 201" fails."""
    with serving("create_status_200") as (url, _):
        return report_of(run_ctk(scenario, url))


def test_summary_json_format(failing_run: RunReport, tmp_path: Path) -> None:
    summary = json.loads(
        write_summary(failing_run, tmp_path / "out" / "summary.json").read_text(encoding="utf-8")
    )
    # Version 1 keys first, unchanged; the later ones only add (docs/summary-format.md).
    assert list(summary) == [
        "format",
        "ctkVersion",
        "baseUrl",
        "startedAt",
        "durationMs",
        "requests",
        "totals",
        "profile",
        "levels",
        "extendedRequests",
        "cleanup",
        "warnings",
        "toolkitVersion",
        "verdict",
        "verdictMode",
        "kits",
        "setupRequests",
        "officialTotals",
    ]
    assert (summary["verdict"], summary["verdictMode"]) == ("fail", "strict")
    assert summary["kits"] == [
        {
            "id": "ctk-4.0.0", "name": "CTK", "version": "4.0.0", "label": "CTK 4.0.0", "verdict": "fail",
            "passed": 62, "total": 63, "officialPassed": 62, "officialTotal": 63, "notRun": 0,
            "applicable": 63,
        "notApplicable": 0,
        }
    ]  # fmt: skip
    assert summary["format"] == "tmf622-ctk-summary/1"
    assert summary["ctkVersion"] == "4.0.0"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", summary["startedAt"])
    assert isinstance(summary["durationMs"], float)
    assert summary["totals"] == {"requests": 9, "assertions": 63, "failedAssertions": 1}
    post = summary["requests"][0]
    assert list(post) == [
        "scenario",
        "name",
        "method",
        "url",
        "status",
        "timeMs",
        "sizeBytes",
        "error",
        "assertions",
        "level",
        "attempts",
        "truncated",
        "kit",
        "setup",
        "officialScriptError",
        "reproduce",
    ]
    assert summary["officialTotals"] == {
        "assertions": 63,
        "failedAssertions": 1,
        "skippedAssertions": 0,
        "scriptErrors": 0,
    }
    assert (post["level"], post["attempts"], post["truncated"]) == ("ctk", 1, False)
    assert (post["scenario"], post["name"], post["method"], post["status"], post["error"]) == (
        "N1",
        "/ProductOrder",
        "POST",
        200,
        None,
    )
    assert post["url"] == summary["baseUrl"] + "productOrder"
    assert post["sizeBytes"] > 0
    assert post["assertions"][0] == {
        "name": "Status code is 201",
        "passed": False,
        "reason": "status: expected HTTP 201, seen HTTP 200",
        "key": "Status code is 201",
        "rule": None,
        "verdict": "failed",
        "officialVerdict": "failed",
        "kind": "status",
    }
    assert post["assertions"][1] == {
        "name": "Instance has all mandatory attributes",
        "passed": True,
        "reason": None,
        "key": "Instance has all mandatory attributes",
        "rule": None,
        "verdict": "passed",
        "officialVerdict": "passed",
        "kind": None,
    }
    by_id = summary["requests"][2]["assertions"]
    identity = next(a for a in by_id if a["name"].startswith("id is "))
    assert identity["key"] == "id is {{IDPO01}}"  # stable across runs, for baselines
    assert summary["levels"]["ctk"]["verdict"] == "fail"
    assert (summary["cleanup"], summary["warnings"]) == (None, [])


def test_junit_one_testcase_per_assertion_grouped_per_request(failing_run: RunReport, tmp_path: Path) -> None:
    root = ET.parse(write_junit(failing_run, tmp_path / "junit.xml")).getroot()
    assert (root.tag, root.get("failures")) == ("testsuites", "1")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites][:2] == ["N1 /ProductOrder [POST]", "N1 /ProductOrder [GET]"]
    # A request without assertions (N2 ?fields=) gets one "request answered" case: no suite is empty.
    assert [int(str(s.get("tests"))) for s in suites] == [10, 13, 13, 1, 1, 13, 1, 13, 1]
    assert root.get("tests") == "66"
    failures = root.findall(".//testcase/failure")
    assert len(failures) == 1
    assert (failures[0].get("message"), failures[0].get("type")) == (
        "status: expected HTTP 201, seen HTTP 200",
        "status",
    )
    first = suites[0].findall("testcase")[0]
    assert (first.get("classname"), first.get("name")) == (
        "ctk-4_0_0.N1",
        "/ProductOrder [POST]: Status code is 201",
    )
    pairs = [(c.get("classname"), c.get("name")) for c in root.iter("testcase")]
    assert len(pairs) == len(set(pairs)) == 66  # Jenkins and GitLab keep every case apart
    properties = {e.get("name"): e.get("value") for e in suites[0].iter("property")}
    assert (properties["level"], properties["attempts"]) == ("ctk", "1")
    assert properties["url"].startswith("POST http://127.0.0.1:")


def test_table_shows_requests_totals_and_failures(failing_run: RunReport) -> None:
    lines = render_table(failing_run)
    text = "\n".join(lines)
    assert "CTK 4.0.0: 9 requests, 63 assertions, 1 failed" in lines
    assert lines[-2] == "tmf622-ctk: CTK 4.0.0 62/63: FAIL"
    assert re.search(r"│ N1 /ProductOrder \[POST\] +│ +200 │ +\d+ms │ +[\d.]+k?B │ +10 │ +1 │", text)
    assert re.search(r"│ assertions +│ +63 │ +1 │", text)
    assert re.search(r"│ requests +│ +9 │ +0 │", text)
    assert "total run duration: " in text
    assert re.search(r"total data received: \d+\.\d\dkB \(approx\)", text)
    assert re.search(r"average response time: \d+ms \[min: \d+ms, max: \d+ms\]", text)
    assert "      - Status code is 201: status: expected HTTP 201, seen HTTP 200" in lines


def test_table_rows_line_up(failing_run: RunReport) -> None:
    boxed = [line for line in render_table(failing_run) if line[:1] in "┌│├└"]
    widths = {len(line) for line in boxed[:13]}  # the per-request table
    assert len(widths) == 1


def test_attachments_are_redacted() -> None:
    exchange = Exchange(
        "POST",
        "http://u:p@h/productOrder",
        {"Authorization": "Bearer top-secret", "Content-Type": "application/json"},
        b'{"a": 1}',
        201,
        {"Set-Cookie": "session=abc", "Content-Type": "application/json"},
        b'{"id": "1"}',
        3.0,
    )
    request = request_text(exchange)
    response = response_text(exchange)
    assert "top-secret" not in request
    assert ":p@" not in request
    assert request.splitlines()[:3] == [
        f"POST http://u:{MASK}@h/productOrder",
        f"Authorization: {MASK}",
        "Content-Type: application/json",
    ]
    assert "session=abc" not in response
    assert f"Set-Cookie: {MASK}" in response
    assert shown_body(exchange.text, None) == '{\n  "id": "1"\n}'  # bodies are attached apart, pretty


def test_attachments_mask_registered_secrets_in_bodies_and_urls() -> None:
    secret = "s3cr3t-v4lue-xyz"
    exchange = Exchange(
        "POST",
        f"http://h/productOrder?note={secret}",
        {"X-Custom": secret},
        f'{{"comment": "{secret}"}}'.encode(),
        400,
        {"Content-Type": "application/json"},
        f'{{"reason": "bad key {secret}", "access_token": "other"}}'.encode(),
    )
    registry = SecretRegistry([secret])
    written = request_text(exchange, registry) + response_text(exchange, registry)
    written += shown_body(exchange.request_body.decode(), registry) + shown_body(exchange.text, registry)
    assert secret not in written
    assert '"access_token": "***"' in written
    assert written.count(MASK) == 5


def test_a_body_attached_again_after_a_secret_is_registered_is_masked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Attachments of one exchange are reused from check to check: never past a change of the secrets
    (a token fetched mid-run)."""
    attached: list[tuple[str, str]] = []
    monkeypatch.setattr(allure, "attach", lambda body, name, attachment_type: attached.append((name, body)))
    token = "t0ken-fetched-mid-run"
    exchange = Exchange("GET", "http://h/p", {}, None, 200, {}, f'{{"note": "{token}"}}'.encode())
    registry = SecretRegistry()
    attach_exchange(exchange, "", registry)
    attach_exchange(exchange, "", registry)
    registry.add(token)
    attach_exchange(exchange, "", registry)
    bodies = [body for name, body in attached if name == "response body"]
    assert [token in body for body in bodies] == [True, True, False]
    assert f'"note": "{MASK}"' in bodies[2]


def test_long_bodies_are_cut_in_attachments() -> None:
    body = b'{"a": "' + b"x" * 200_000 + b'"}'
    exchange = Exchange("GET", "http://h/p", {}, None, 200, {}, body, truncated=True)
    assert "(cut at the size limit)" in response_text(exchange).splitlines()[0]
    text = shown_body(exchange.text, None)
    assert len(text) < 70_000
    assert text.endswith("more characters not shown)")


def test_environment_properties(tmp_path: Path) -> None:
    write_environment(tmp_path, {"baseUrl": "http://h:1/v4/", "ctkVersion": "4.0.0", "odd key": "a\nb"})
    text = (tmp_path / "environment.properties").read_text(encoding="utf-8")
    assert text == "baseUrl=http://h:1/v4/\nctkVersion=4.0.0\nodd\\ key=a\\nb\n"
    categories = json.loads((tmp_path / "categories.json").read_text(encoding="utf-8"))
    assert all(re.compile(c.get("messageRegex", ".*")) for c in categories)
    names = [c["name"] for c in categories]
    assert names.index("Transport errors (no usable response)") < names.index("Schema violations")
    assert names.index("Schema violations") < names.index("Assertion failures")


def test_ctk_level_outcome_counts_unanswered_requests(scenario: Scenario) -> None:
    run = run_ctk(scenario, closed_port_url(), timeout_s=1.0)
    outcome = report_of(run).levels()[0]
    assert (outcome.total, outcome.failed, outcome.verdict) == (63, 63, "fail")  # 60 assertions + 3 ?fields=
    assert outcome.line() == "CTK 4.0.0: fail (0/63)"
    assert LevelOutcome("extended-optional", "extended optional", 0, 0, ran=False).line() == (
        "extended optional: not run"
    )


def test_a_cut_never_leaves_part_of_a_secret() -> None:
    secret = "Zq9-secret-token-value-77"
    text = "." * (MAX_ATTACHED_CHARS - 6) + f' "{secret}" and more' * 10
    shown = shown_body(text, SecretRegistry([secret]))
    assert secret[:5] not in shown
    assert shown.endswith("more characters not shown)")
