"""`tmf622-ctk` run as a user runs it: the installed script, else `python -m ctk_suite.cli`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

RUN_TIMEOUT_S = 180


def tmf622_ctk(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("tmf622-ctk")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "ctk_suite.cli"]
    return subprocess.run(
        [*command, *args], cwd=cwd, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
    )
