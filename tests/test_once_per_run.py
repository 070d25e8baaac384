"""tests/support/once_per_run.py: a costly fixture value is computed once per run, whichever worker asks."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.support.once_per_run import once_per_run, run_folder


def counted(calls: Path, value: Any, pause_s: float = 0.0) -> Any:
    """`value`, after noting the call in `calls` (and waiting `pause_s`, so another asker meets the lock)."""
    with calls.open("a") as log:
        log.write("computed\n")
    time.sleep(pause_s)
    return value


def test_the_second_asker_reads_the_first_ones_value(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    name, calls = f"t-{uuid.uuid4().hex}", tmp_path / "calls"
    first = once_per_run(tmp_path_factory, name, lambda: counted(calls, {"root": ("http://a/", 1)}))
    again = once_per_run(tmp_path_factory, name, lambda: counted(calls, "another value"))
    assert first == again == {"root": ["http://a/", 1]}  # JSON's: the same for every worker
    assert calls.read_text().count("computed") == 1


def test_a_failed_computation_leaves_nothing_and_the_next_asker_computes(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    name, calls = f"t-{uuid.uuid4().hex}", tmp_path / "calls"

    def broken() -> Any:
        counted(calls, None)
        raise RuntimeError("node died")

    with pytest.raises(RuntimeError, match="node died"):
        once_per_run(tmp_path_factory, name, broken)
    assert once_per_run(tmp_path_factory, name, lambda: counted(calls, [1, 2])) == [1, 2]
    assert calls.read_text().count("computed") == 2


class Folder:
    """What `once_per_run` needs of pytest's TempPathFactory, for a process of its own."""

    def __init__(self, base: Path) -> None:
        self.base = base

    def getbasetemp(self) -> Path:
        return self.base


def test_workers_asking_at_once_wait_for_one_computation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers of one run (their base folders side by side) ask at once: one computes, one waits.
    Threads stand for the worker processes: each opens the lock file itself, and `flock` excludes
    open files, not processes."""
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    bases = [tmp_path / f"popen-gw{n}" for n in (0, 1)]
    for base in bases:
        base.mkdir()
    assert run_folder(Folder(bases[1])) == tmp_path  # type: ignore[arg-type]
    calls = tmp_path / "calls"

    def ask(base: Path) -> Any:
        return once_per_run(Folder(base), "batch", lambda: counted(calls, {"asked": True}, 0.5))  # type: ignore[arg-type]

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(ask, bases, timeout=20))
    assert answers == [{"asked": True}] * 2
    assert calls.read_text().count("computed") == 1
