"""Suite phase: wall time of `tmf622-ctk` versus the official collection under Newman, same mock, same run."""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import procs, servers

REPO = Path(__file__).resolve().parent.parent
COLLECTION = "TMF622-ProductOrdering-v4.0.0.testkit.json"
ENVIRONMENT = "TMFENV-V4.0.0.postman_environment.json"
NEWMAN_CANDIDATES = (".tools/node_modules/.bin/newman", "node_modules/.bin/newman")
SUITE_TIMEOUT_S = 300
#: The packages `tmf622-ctk` imports from this checkout (an editable install).
PROJECT_PACKAGES = ("ctk_suite", "schemas", "scenarios")


def ctk_dir() -> Path:
    return Path(os.environ.get("TMF622_CTK_DIR", str(REPO.parent / "shared" / "reference" / "ctk-4.0.0")))


def newman_path() -> Path | None:
    return next((REPO / c for c in NEWMAN_CANDIDATES if (REPO / c).exists()), None)


def ctk_path() -> Path:
    """The suite's console script, installed next to the interpreter running the harness."""
    return Path(sys.executable).with_name("tmf622-ctk")


def missing() -> str | None:
    """Why the suite phase cannot run, or None."""
    checks = [
        (servers.mock_missing() is None, "mock_server is not runnable"),
        (ctk_path().exists(), f"{ctk_path()} is not installed"),
        (newman_path() is not None, f"newman not found in {' or '.join(NEWMAN_CANDIDATES)}"),
        ((ctk_dir() / COLLECTION).exists(), f"official collection not found in {ctk_dir()} (TMF622_CTK_DIR)"),
    ]
    return next((why for ok, why in checks if not ok), None)


def _timed(argv: list[str]) -> tuple[float, int, str]:
    """Wall time from launch to exit (start-up included: that is what a user waits for), on the
    load generator's core, like a client would run beside the server."""
    started = time.perf_counter()
    done = subprocess.run(
        procs.pinned(argv, procs.LOADGEN_CORE),
        cwd=REPO,
        capture_output=True,
        timeout=SUITE_TIMEOUT_S,
        check=False,
    )
    tail = (done.stdout + done.stderr).decode(errors="replace").strip()[-600:]
    return time.perf_counter() - started, done.returncode, tail


def _commands(base_url: str, reports: Path) -> dict[str, list[str]]:
    """The user-facing CTK run (with its Allure HTML report), the same without HTML, and Newman.

    The target is judged on the run without HTML (`ratioNoHtml`): it writes summary.json, junit.xml and
    the Allure results, more than Newman's CLI report; rendering HTML (`allure generate`, a node
    process) is a second tool's work, which Newman's run does not do either.
    """
    ctk = [str(ctk_path()), "--base-url", base_url + "/", "--reports-dir", str(reports)]
    newman = [
        str(newman_path()), "run", str(ctk_dir() / COLLECTION), "-e", str(ctk_dir() / ENVIRONMENT),
        "--env-var", f"Product_Ordering={base_url}/", "--reporters", "cli",
    ]  # fmt: skip
    return {"ctk": ctk, "ctkNoHtml": [*ctk, "--no-allure-html"], "newman": newman}


def byte_compile() -> None:
    """Compile the project's modules as `pip install` does for an installed tool: with
    PYTHONDONTWRITEBYTECODE set (some CI images set it), every run would compile them all again."""
    for package in PROJECT_PACKAGES:
        compileall.compile_dir(REPO / package, quiet=1)


def _time_all(
    commands: dict[str, list[str]], repeats: int, warmup: bool
) -> tuple[dict[str, list[float]], dict[str, str]]:
    """Wall times per command over `repeats` alternating rounds, after one untimed warm-up round (disk
    cache, first-run work) if `warmup`, and the first failing output of each."""
    byte_compile()
    for argv in commands.values() if warmup else ():
        _timed(argv)
    times: dict[str, list[float]] = {tool: [] for tool in commands}
    failures: dict[str, str] = {}
    for _ in range(repeats):
        for tool, argv in commands.items():
            seconds, code, output = _timed(argv)
            times[tool].append(round(seconds, 3))
            if code:
                failures.setdefault(tool, f"exit {code}: {output}")
    return times, failures


def run(repeats: int, workdir: Path, warmup: bool = True) -> dict[str, Any]:
    """Median wall time of each command over `repeats` alternating runs against one fresh mock."""
    why = missing()
    if why:
        return {"absent": why}
    with servers.mock(workdir) as mock, tempfile.TemporaryDirectory(dir=workdir) as reports:
        times, failures = _time_all(_commands(mock.base_url, Path(reports)), repeats, warmup)
    if failures:
        return {"error": f"suite runs failed against the mock: {failures}", "runs": times}
    medians = {tool: statistics.median(values) for tool, values in times.items()}
    return {
        "ctkSeconds": round(medians["ctk"], 3),
        "ctkNoHtmlSeconds": round(medians["ctkNoHtml"], 3),
        "newmanSeconds": round(medians["newman"], 3),
        "ratio": round(medians["ctk"] / medians["newman"], 3),
        "ratioNoHtml": round(medians["ctkNoHtml"] / medians["newman"], 3),
        "runs": times,
    }
