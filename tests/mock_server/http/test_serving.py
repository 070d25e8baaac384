"""How `python -m mock_server` serves: on uvloop, with the start-up heap frozen out of the collector."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator

import pytest

from mock_server import __main__ as entry


@pytest.fixture
def restored_gc() -> Iterator[None]:
    """tune_gc changes process-wide state: undo it for the rest of the test session."""
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("restored_gc")
def test_tune_gc_freezes_the_start_up_heap_and_raises_thresholds() -> None:
    gc.unfreeze()
    entry.tune_gc()
    assert gc.get_freeze_count() > 10_000  # this test process's modules, at least
    assert gc.get_threshold() == entry.GC_THRESHOLDS
    young, _, oldest = entry.GC_THRESHOLDS
    assert young > 700
    assert oldest > 10  # CPython's defaults


@pytest.mark.skipif(sys.platform == "win32", reason="uvloop is not built for Windows")
def test_the_server_runs_on_uvloop() -> None:
    import uvloop  # a dependency everywhere but Windows

    assert entry.run_loop is uvloop.run
