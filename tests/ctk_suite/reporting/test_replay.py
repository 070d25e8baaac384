"""A failure can be replayed by hand: `reproduce` (a masked curl line) in summary.json and Allure, `--har`."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ctk_suite.core.redaction import SecretRegistry
from ctk_suite.http.client import Exchange
from ctk_suite.reporting.replay import curl_command
from tests.support.mock_process import running_mock

BIN = Path(sys.executable).parent
TOKEN = "replay-token-0123456789"


def test_the_curl_line_is_quoted_and_masks_every_secret() -> None:
    registry = SecretRegistry([TOKEN])
    exchange = Exchange(
        "POST",
        f"https://user:pw@api.example.com/v4/productOrder?access_token={TOKEN}&q=it's",
        MappingProxyType(
            {"Authorization": f"Bearer {TOKEN}", "X-API-Key": "k-1", "Content-Length": "9", "Accept": "*/*"}
        ),
        json.dumps({"note": [{"text": f"see {TOKEN}"}], "password": "p-1"}).encode(),
    )
    line = curl_command(exchange, registry)
    assert TOKEN not in line
    assert "k-1" not in line
    assert "p-1" not in line
    assert shlex.split(line) == [
        "curl", "-i", "-X", "POST",
        "https://user:***@api.example.com/v4/productOrder?access_token=***&q=it's",
        "-H", "Authorization: ***", "-H", "X-API-Key: ***", "-H", "Accept: */*",
        "--data-raw", '{"note": [{"text": "see ***"}], "password": "***"}',
    ]  # fmt: skip


def _attachments(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from node.get("attachments", [])
    for step in node.get("steps", []):
        yield from _attachments(step)


def test_a_failed_request_carries_its_curl_line_in_summary_allure_and_the_har(tmp_path: Path) -> None:
    faults = tmp_path / "faults.yaml"
    faults.write_text("rules:\n  - route: GET /productOrder/*\n    status: 500\n", encoding="utf-8")
    with running_mock("--faults", str(faults)) as url:
        argv = [
            str(BIN / "tmf622-ctk"),
            "--base-url",
            url + "/",
            "--header",
            f"Authorization: Bearer {TOKEN}",
        ]
        argv += ["--har", "run.har", "--reports-dir", "r", "--no-allure-html", "--no-cleanup"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("TMF622_")}
        done = subprocess.run(
            argv, cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env, check=False
        )
        assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]
        summary = json.loads((tmp_path / "r" / "summary.json").read_text(encoding="utf-8"))
        failed = [r for r in summary["requests"] if any(a["verdict"] == "failed" for a in r["assertions"])]
        assert failed
        assert all(r["reproduce"] is None for r in summary["requests"] if r not in failed)
        line = failed[0]["reproduce"]
        assert line.startswith("curl -i -X GET ")
        assert "'Authorization: ***'" in line
        # The line, run by a shell with the masked credential filled in, meets the same answer.
        replayed = subprocess.run(  # the report's own line
            ["sh", "-c", line.replace("Authorization: ***", f"Authorization: Bearer {TOKEN}") + " -s"],
            capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
        assert replayed.stdout.split()[1] == str(failed[0]["status"]) == "500"
    results = tmp_path / "r" / "allure-results"
    shown = [
        (results / a["source"]).read_text(encoding="utf-8")
        for path in results.glob("*-result.json")
        for a in _attachments(json.loads(path.read_text(encoding="utf-8")))
        if a["name"] == "reproduce (curl)"
    ]
    assert {r["reproduce"] for r in failed} <= set(shown)
    har = json.loads((tmp_path / "run.har").read_text(encoding="utf-8"))
    entries = har["log"]["entries"]
    assert (har["log"]["version"], har["log"]["creator"]["name"]) == ("1.2", "tmf622-ctk")
    assert len(entries) >= len(summary["requests"])
    assert {e["response"]["status"] for e in entries} >= {201, 200, 500}
    every = {(h["name"], h["value"]) for e in entries for h in e["request"]["headers"]}
    assert ("Authorization", "***") in every
    for written in (tmp_path / "run.har", tmp_path / "r" / "summary.json", *results.iterdir()):
        assert TOKEN not in written.read_text(encoding="utf-8", errors="replace")
