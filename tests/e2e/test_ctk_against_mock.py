"""`tmf622-ctk` as a user runs it, against the embedded mock (a real subprocess on loopback)."""

from __future__ import annotations

import json
import socket
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from ctk_suite.reporting.allure_html import find_allure
from tests.support.e2e.cli_runs import tmf622_ctk


def titles(quote: str) -> list[str]:
    return [
        "N1 /ProductOrder [POST]",
        "N1 /ProductOrder [GET]",
        "N1 /ProductOrder/{{IDPO01}} [GET]",
        "N2 /ProductOrder?fields=href [GET]",
        "N2 /ProductOrder?fields=id [GET]",
        "N2 /ProductOrder?id={{IDPO01}} [GET]",
        "N2 /ProductOrder?fields=orderDate [GET]",
        f"N2 /ProductOrder?orderDate={quote}{{{{ORDERDATEPO01}}}}{quote} [GET]",
        "E1 /ProductOrder/404ID [GET]",
    ]


def allure_results(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*-result.json")]


def check_reports(reports: Path, quote: str) -> None:
    summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"] == {"requests": 9, "assertions": 63, "failedAssertions": 0}
    assert summary["baseUrl"].startswith("http://127.0.0.1:")
    assert summary["baseUrl"].endswith("/tmf-api/productOrderingManagement/v4/")
    assert [r["status"] for r in summary["requests"]] == [201, 200, 200, 200, 200, 200, 200, 200, 404]

    results = allure_results(reports / "allure-results")
    assert sorted(r["name"] for r in results) == sorted(titles(quote))
    assert {r["status"] for r in results} == {"passed"}
    assert sum(len(r.get("steps", [])) for r in results) == 63
    suites = {r["name"]: {lb["name"]: lb["value"] for lb in r["labels"]}["suite"] for r in results}
    assert suites == {t: t.split()[0] for t in titles(quote)}
    environment = (reports / "allure-results" / "environment.properties").read_text(encoding="utf-8")
    assert "ctkVersion=4.0.0" in environment
    assert f"baseUrl={summary['baseUrl']}" in environment

    junit = ET.parse(reports / "junit.xml").getroot()
    assert len(junit.findall(".//testcase")) == 63 + 3  # + "request answered" of the three ?fields= requests
    assert junit.findall(".//failure") == []


def test_ctk_passes_against_the_embedded_mock(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    done = tmf622_ctk("--reports-dir", str(reports), cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "tmf622-ctk: CTK 4.0.0 63/63: PASS" in done.stdout.splitlines()
    check_reports(reports, quote="")
    html = [line for line in done.stdout.splitlines() if "Allure report" in line or "no HTML report" in line]
    assert len(html) == 1
    if find_allure(tmp_path) is None:
        assert html[0].startswith("tmf622-ctk: no HTML report (")
    else:  # one self-contained file, so it opens from file:// without a web server
        assert html[0] == f"tmf622-ctk: Allure report: {reports / 'allure-report' / 'index.html'}"
        assert (reports / "allure-report" / "index.html").stat().st_size > 10_000
        assert not (reports / "allure-report" / "data").exists()


def test_ctk_passes_with_single_quoted_orderdate(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    done = tmf622_ctk(
        "--reports-dir", str(reports), "--orderdate-quote", "single", "--no-allure-html", cwd=tmp_path
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    check_reports(reports, quote="'")
    assert not (reports / "allure-report").exists()


def test_ctk_reports_a_dead_server_with_exit_4_and_one_line(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/tmf-api/"
    reports = tmp_path / "reports"
    done = tmf622_ctk("--reports-dir", str(reports), "--base-url", dead, "--no-allure-html", cwd=tmp_path)
    assert done.returncode == 4
    assert done.stdout.count("target not usable: cannot reach") == 1
    assert "Traceback" not in done.stdout + done.stderr


PROFILE = """\
name: mock-with-my-order
target: {embedded_mock: true}
headers: {X-Correlation-Id: ctk-e2e}
payload_file: order.json
levels: [ctk, extended-mandatory, extended-optional]
"""
ORDER = {
    "productOrderItem": [{"id": "1", "action": "add", "productOffering": {"id": "PO-1", "name": "Fibre"}}],
    "relatedParty": [{"id": "456-dd-df45", "@referredType": "Individual"}],
}


def test_profile_with_every_level_passes_and_cleans_up(tmp_path: Path) -> None:
    (tmp_path / "order.json").write_text(json.dumps(ORDER), encoding="utf-8")
    (tmp_path / "mock.yaml").write_text(PROFILE, encoding="utf-8")
    reports = tmp_path / "reports"
    done = tmf622_ctk(
        "--profile", "mock.yaml", "--reports-dir", str(reports), "--no-allure-html", cwd=tmp_path
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    assert summary["profile"] == "mock-with-my-order"
    assert summary["totals"] == {
        "requests": 9,
        "assertions": 63,
        "failedAssertions": 0,
    }  # the CTK level alone
    assert {level: entry["verdict"] for level, entry in summary["levels"].items()} == {
        "ctk": "pass",
        "extended-mandatory": "pass",
        "extended-optional": "pass",
    }
    assert summary["extendedRequests"]
    assert summary["cleanup"]["failed"] == []
    assert summary["cleanup"]["deleted"]
    assert "level CTK 4.0.0: pass (63/63)" in done.stdout.splitlines()
    assert "[1/" in done.stdout


def test_invalid_payload_exits_2_with_its_json_path_before_anything_runs(tmp_path: Path) -> None:
    (tmp_path / "order.json").write_text('{"productOrderItem": "one"}', encoding="utf-8")
    done = tmf622_ctk("--payload", "order.json", "--reports-dir", str(tmp_path / "r"), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "$.productOrderItem: 'one' is not of type 'array'" in done.stderr
    # nothing ran: only the reports of a stopped run (issue 19.2), no Allure results
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["junit.xml", "summary.json"]
    assert json.loads((tmp_path / "r" / "summary.json").read_text(encoding="utf-8"))["verdict"] == "error"
