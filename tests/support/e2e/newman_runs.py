"""Run both CTK runners as their users do (Newman on a collection, our tmf622-ctk) and read their reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests.support.e2e.node_batch import REPO_ROOT, Serve, run_node_jobs

NEWMAN_CANDIDATES = (
    REPO_ROOT / "node_modules" / ".bin" / "newman",
    REPO_ROOT / ".tools" / "node_modules" / ".bin" / "newman",
)
CTK_SCRIPT = Path(sys.executable).with_name("tmf622-ctk")
RUN_TIMEOUT_S = 180
BATCH = REPO_ROOT / "tests" / "support" / "e2e" / "newman_batch.js"
BATCH_TIMEOUT_S = 240


@dataclass(frozen=True)
class Variant:
    collection: str
    ctk_args: tuple[str, ...]


# The original collection (commit 6db683a) quotes the orderDate filter value; our CTK mimics it on request.
VARIANTS = {
    "testkit": Variant("TMF622-ProductOrdering-v4.0.0.testkit.json", ()),
    "original-6db683a": Variant(
        "TMF622-ProductOrdering-v4.0.0.testkit.original-6db683a.json", ("--orderdate-quote", "single")
    ),
}


def newman_binary(unavailable: Callable[[str], NoReturn]) -> Path:
    """The project's pinned Newman (installed by scripts/bootstrap.sh)."""
    for candidate in NEWMAN_CANDIDATES:
        if candidate.is_file():
            return candidate
    unavailable(f"newman is not installed ({NEWMAN_CANDIDATES[0]}): run scripts/bootstrap.sh")


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    # Our CTK reads TMF622_CTK_* (headers, quoting, ...): a developer's settings must not change the run.
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMF622_CTK_") or k == "TMF622_CTK_DIR"}
    return subprocess.run(
        command, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False, env=env
    )


def _read_report(path: Path, command: list[str], run: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The runners' exit codes only say "some assertion failed": the report they wrote is what counts."""
    if not path.is_file():
        pytest.fail(f"{command[0]} wrote no {path.name} (exit {run.returncode}):\n{run.stdout}\n{run.stderr}")
    report: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return report


def run_newman(newman: Path, collection: Path, api_root: str, out_dir: Path) -> dict[str, Any]:
    """Run a collection; the API root (ending in '/') goes in through the variable its URLs start with."""
    export = out_dir / "newman.json"
    command = [str(newman), "run", str(collection), "--env-var", f"Product_Ordering={api_root}"]
    command += ["--reporters", "json", "--reporter-json-export", str(export), "--timeout-request", "10000"]
    return _read_report(export, command, _run(command))


def run_newman_batch(
    collection: Path, servers: Mapping[str, Serve], out: Path
) -> dict[str, tuple[str, dict[str, Any]]]:
    """Name -> (the API root Newman ran against, its JSON report): a collection run against each of
    `servers`, all in one Node process (newman_batch.js)."""
    return run_node_jobs(
        BATCH, str(collection), servers, lambda root: {"root": root}, out=out, timeout_s=BATCH_TIMEOUT_S
    )


def run_our_ctk(api_root: str, reports_dir: Path, extra_args: tuple[str, ...]) -> dict[str, Any]:
    """Run tmf622-ctk against a live endpoint and return its summary.json."""
    command = [str(CTK_SCRIPT), "--base-url", api_root, "--reports-dir", str(reports_dir)]
    command += ["--no-allure-html", *extra_args]
    return _read_report(reports_dir / "summary.json", command, _run(command))
