"""One Node process running a script's jobs against many fresh servers at once: starting Node (and
Newman, or the Cypress stand-in) is most of one run's time."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[3]
#: Starts a fresh server; yields (its API root ending in '/', anything).
Serve = Callable[[], AbstractContextManager[tuple[str, Any]]]


def run_node_jobs(
    script: Path,
    argument: str,
    servers: Mapping[str, Serve],
    job_for: Callable[[str], dict[str, Any]],
    *,
    out: Path,
    timeout_s: float,
) -> dict[str, tuple[str, Any]]:
    """Name -> (the API root its job ran against, the JSON the job exported): `node script argument
    JOBS`, JOBS a JSON list of `job_for(root)` each with an "export" path, every server up meanwhile."""
    with contextlib.ExitStack() as stack:
        roots = {name: stack.enter_context(serve())[0] for name, serve in servers.items()}
        jobs = [{**job_for(root), "export": str(out / f"{i}.json")} for i, root in enumerate(roots.values())]
        run = subprocess.run(
            [shutil.which("node") or "node", str(script), argument, json.dumps(jobs)],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
            cwd=REPO_ROOT,
        )
    assert run.returncode == 0, run.stderr[-3000:]
    return {
        name: (roots[name], json.loads(Path(job["export"]).read_text("utf-8")))
        for name, job in zip(roots, jobs, strict=True)
    }
