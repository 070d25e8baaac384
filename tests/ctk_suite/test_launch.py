"""`tmf622-ctk` starts the embedded mock before its own imports, and only when no target is named."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ctk_suite.engine import mock_process
from ctk_suite.launch import embedded_mock_likely
from ctk_suite.reporting.progress import start_line


@pytest.mark.parametrize(
    ("argv", "environ", "likely"),
    [
        ([], {}, True),
        (["--level", "all", "--", "--base-url", "x"], {}, True),  # after `--`: pytest's, not a target
        (["--base-url", "http://h/"], {}, False),
        (["--ctk-base-url=http://h/"], {}, False),
        (["--profile", "p.yaml"], {}, False),
        (["--help"], {}, False),
        ([], {"TMF622_CTK_BASE_URL": "http://h/"}, False),
        ([], {"TMF622_CTK_PROFILE": "p.yaml"}, False),
        ([], {"TMF622_CTK_PROFILE": ""}, True),  # an empty variable counts as unset
    ],
)
def test_the_early_mock_only_when_no_target_is_named(
    argv: list[str], environ: dict[str, str], likely: bool
) -> None:
    assert embedded_mock_likely(argv, environ) is likely


def test_the_early_mock_is_adopted_by_the_run() -> None:
    mock_process.spawn_early()
    (process, _, _), *_ = mock_process._early
    mock = mock_process.EmbeddedMock()
    try:
        assert mock.start().startswith("http://127.0.0.1:")
        assert mock._process is process
        assert not mock_process._early
    finally:
        mock.stop()


def test_an_unadopted_early_mock_is_stopped_at_exit() -> None:
    probe = "from ctk_suite.engine import mock_process as m\nm.spawn_early()\nprint(m._early[0][0].pid)\n"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=30, check=True
    )
    assert not Path(f"/proc/{int(done.stdout)}").exists()  # killed and reaped by the exit handler


def test_the_run_reports_its_start() -> None:
    assert (
        start_line(0.414, 0.62)
        == "tmf622-ctk: first answer 0.62 s after the start (embedded mock ready in 0.41 s)"
    )
    assert start_line(None, 0.62) == "tmf622-ctk: first answer 0.62 s after the start"
    assert start_line(None, None) is None
    assert (mock_process.seconds_since_start() or 0.0) > 0.0


def test_the_embedded_mock_says_how_long_it_took() -> None:
    mock = mock_process.EmbeddedMock()
    try:
        mock.start()
        assert mock.ready_s is not None
        assert 0.0 < mock.ready_s < mock_process.READY_TIMEOUT_S
    finally:
        mock.stop()
