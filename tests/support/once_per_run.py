"""A costly fixture value computed once per test run, not once per xdist worker.

A module-scoped fixture is set up by every worker that runs one of the module's tests, and again
each time worksteal hands it more of them after another module's: the Newman and Cypress batches
(20-30 s of Node each) ran six times in one `make test`. The first worker to ask computes the value
and writes it as JSON to the run's shared temporary folder; the others wait on a file lock and read it.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder every worker of this run shares: the parent of a worker's own base folder."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str, compute: Callable[[], Any]) -> Any:
    """`compute()`'s JSON value (tuples come back as lists), computed by the first worker that asks
    for `name`. A `compute` that raises writes nothing: the next worker to ask tries again."""
    folder = run_folder(tmp_path_factory)
    result = folder / f"once-{name}.json"
    with (folder / f"once-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if result.exists():
            return json.loads(result.read_text("utf-8"))
        value = compute()
        staged = result.with_suffix(".partial")
        staged.write_text(json.dumps(value), "utf-8")
        staged.replace(result)
        return json.loads(result.read_text("utf-8"))
