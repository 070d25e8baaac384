"""`tmf622-ctk --level all` against the embedded mock: CTK level unchanged, all extended checks pass."""

from __future__ import annotations

import json
import socket
import xml.etree.ElementTree as ET
from pathlib import Path

from ctk_suite.core.levels import Level
from ctk_suite.kits.extended.catalogue import load_catalogue
from tests.support.e2e.cli_runs import tmf622_ctk

CATALOGUE = load_catalogue()
EVENT_CHECKS = {
    "TMF622-v4-HUB-201",
    "TMF622-v4-EVENT-CREATE",
    "TMF622-v4-EVENT-CHANGE",
    "TMF622-v4-HUB-DELETE",
}


def summary_of(reports: Path) -> dict:
    return json.loads((reports / "summary.json").read_text(encoding="utf-8"))


def test_all_levels_pass_and_the_ctk_level_stays_the_official_one(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    done = tmf622_ctk("--reports-dir", str(reports), "--level", "all", "--no-allure-html", cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert "CTK 4.0.0: 9 requests, 63 assertions, 0 failed" in lines
    assert "level CTK 4.0.0: pass (63/63)" in lines
    mandatory, optional = (
        len(CATALOGUE.at_level(level)) for level in (Level.EXTENDED_MANDATORY, Level.EXTENDED_OPTIONAL)
    )
    assert f"level extended mandatory 4.0.0: pass ({mandatory}/{mandatory})" in lines
    assert f"level extended optional 4.0.0: pass ({optional}/{optional})" in lines

    summary = summary_of(reports)
    assert summary["totals"] == {"requests": 9, "assertions": 63, "failedAssertions": 0}
    assert [r["scenario"] for r in summary["requests"]] == ["N1"] * 3 + ["N2"] * 5 + ["E1"]
    checks = {r["scenario"]: r["assertions"][0] for r in summary["extendedRequests"]}
    assert set(checks) == {rule.id for rule in CATALOGUE.rules}
    assert all(a["passed"] for a in checks.values())
    assert set(checks) >= EVENT_CHECKS  # notifications really went through the hub to the listener
    assert summary["cleanup"]["failed"] == []
    # The cancel request of TMF622-v4-CANCEL-201 is counted too (TMF622 v4 has no DELETE for it).
    cancels = len(summary["cleanup"]["cancelRequests"])
    assert cancels >= 1
    assert summary["cleanup"]["created"] == len(summary["cleanup"]["deleted"]) + cancels
    assert any(f"{cancels} cancel request(s) kept" in line for line in lines)

    junit = ET.parse(reports / "junit.xml").getroot()
    assert len(junit.findall(".//testcase")) == 63 + 3 + len(CATALOGUE.rules)  # 3: N2 ?fields= answered
    assert junit.findall(".//failure") == []


def test_events_go_to_the_callback_url_given(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a free port for the listener, named in both options
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    reports = tmp_path / "reports"
    done = tmf622_ctk(
        "--reports-dir", str(reports), "--level", "extended", "--no-allure-html", "--",
        "--ctk-listener-bind", f"127.0.0.1:{port}",
        "--ctk-callback-url", f"http://127.0.0.1:{port}/behind/a/proxy",
        "-k", "HUB or EVENT",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    checks = {r["scenario"] for r in summary_of(reports)["extendedRequests"]}
    assert checks == EVENT_CHECKS
