"""The pytest11 entry point never breaks a pytest run, even when the suite cannot import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_a_broken_plugin_says_why_in_one_line_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "test_other.py").write_text("def test_other():\n    assert 1 + 1 == 2\n", encoding="utf-8")
    # ctk_suite.plugin.hooks cannot import (a dependency is missing): simulated by a module that raises.
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(
        "import sys\nsys.modules['ctk_suite.plugin.hooks'] = None  # import of it raises ImportError\n",
        encoding="utf-8",
    )
    done = (
        subprocess.run(  # a fresh interpreter: pytest loads the installed entry point as a user's run would
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_other.py"],
            cwd=tmp_path,
            env={"PYTHONPATH": str(blocker), "PATH": ""},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
    lines = [line for line in done.stderr.splitlines() if line.startswith("tmf622-ctk:")]
    assert len(lines) == 1
    assert lines[0].startswith(
        "tmf622-ctk: pytest plugin not loaded (ModuleNotFoundError: import of ctk_suite.plugin.hooks"
    )
