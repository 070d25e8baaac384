"""`tmf622-ctk --api-version 5.0.0 --level all` against the embedded mock, which serves v5 beside v4."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.e2e.cli_runs import tmf622_ctk


def test_the_v5_kits_pass_against_the_embedded_mock_as_far_as_they_judge(tmp_path: Path) -> None:
    """Nothing fails; the extended mandatory level judges less than half of its checks on the mock's orders
    (most parts of a v5 order are absent: not run), so the run is `incomplete` and exits 1 (issue 19.4)."""
    reports = tmp_path / "reports"
    args = ["--api-version", "5.0.0", "--level", "all", "--reports-dir", str(reports), "--no-allure-html"]
    done = tmf622_ctk(*args, cwd=tmp_path)
    assert done.returncode == 1, done.stdout[-4000:] + done.stderr[-2000:]
    assert "level extended mandatory 5.0.0: incomplete (" in done.stdout
    assert done.stdout.rstrip().splitlines()[-3].endswith(": INCOMPLETE")
    assert "not judged (skipped, with the reason)" in done.stdout
    summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    assert summary["baseUrl"].endswith("/tmf-api/productOrderingManagement/v5/")
    kits = {kit["id"]: kit for kit in summary["kits"]}
    ctk = kits["ctk-5.0.0"]
    # 14 requests, 41 official assertions all passing; ours judge 38 of them and pass them all (the three
    # ?completionDate= ones have nothing to judge on a new order: not run).
    assert len(summary["requests"]) == 14
    assert (ctk["officialPassed"], ctk["officialTotal"], ctk["passed"], ctk["total"]) == (41, 41, 38, 38)
    extended = kits["extended-5.0.0"]
    assert extended["verdict"] == "incomplete"
    assert extended["passed"] == extended["total"] > 60
    assert extended["passed"] * 2 < extended["applicable"]
    assert summary["levels"]["ctk"]["verdict"] == "pass"
    assert summary["verdict"] == "incomplete"
