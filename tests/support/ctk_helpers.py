"""Helpers shared by the CTK suite's tests: run the whole CTK, read what it reported."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

from ctk_suite.http.client import HttpClient
from ctk_suite.kits.official.run import CtkRun, RunSettings
from ctk_suite.kits.official.scenario import Scenario
from ctk_suite.reporting.run_report import RunReport


def run_ctk(
    scenario: Scenario,
    url: str,
    quote: str = "none",
    headers: dict[str, str] | None = None,
    timeout_s: float = 5.0,
) -> CtkRun:
    """Run every request of `scenario` against `url` directly (no pytest session)."""
    run = CtkRun(scenario, RunSettings(url, headers or {}, quote), HttpClient.plain(timeout_s, timeout_s))
    try:
        for spec in scenario.requests:
            run.execute(spec)
    finally:
        run.client.close()
    return run


def report_of(run: CtkRun) -> RunReport:
    """The report the writers read, for a run made by `run_ctk`."""
    return RunReport.of_results(run.results, run.settings.base_url)


def failed_names(run: CtkRun) -> dict[str, set[str]]:
    """Failed assertion names per request title (requests with no failure left out)."""
    return {r.title: {a.name for a in r.failed} for r in run.results if r.failed}


def read_summary(folder: Path) -> dict[str, Any]:
    """The summary.json written in `folder`."""
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def closed_port_url() -> str:
    """A loopback URL where nothing listens (the port was bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/tmf-api/productOrderingManagement/v4/"


#: The nine official instance assertions, verbatim, in the collection's order.
INSTANCE_ASSERTIONS = (
    "Instance has all mandatory attributes",
    "Response has productOrderItem attribute",
    "Response has href attribute",
    "Response has id attribute",
    "Response has orderDate attribute",
    "Response has relatedParty attribute",
    "Body includes value held on href",
    "Body includes value held on id",
    "Body includes value held on orderDate",
)
