"""`tmf622-ctk` exit codes a CI job reads, for the cases the rest of the suite let a mutant through.

Written for `make mutate` (mutation/README.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ctk_helpers import closed_port_url

from ctk_suite.cli import main

# Under `make mutate` the copy's scenarios/ folder is importable as `scenarios`, already imported when the
# nested pytest run starts; pytest warns it cannot rewrite it (the kits need no rewriting: --assert=plain).
pytestmark = pytest.mark.filterwarnings("ignore:Module already imported so cannot be rewritten")


def test_a_pytest_usage_error_after_the_separator_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pytest says 4 for its usage errors; the CLI's contract is 2 for every usage error."""
    argv = ["--reports-dir", str(tmp_path), "--no-allure-html", "--", "--no-such-pytest-option"]
    assert main(argv) == 2
    assert "--no-such-pytest-option" in capsys.readouterr().err


def test_an_unreachable_target_exits_4_and_leaves_the_environment_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """4 is the suite's own code (pytest would say 4 for a usage error): the CLI keeps the suite's."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "kept")
    argv = ["--base-url", closed_port_url(), "--reports-dir", str(tmp_path), "--no-allure-html", "--", "-q"]
    assert main(argv) == 4
    assert os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] == "kept"
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    assert main(["--reports-dir", str(tmp_path), "--", "--no-such-pytest-option"]) == 2
    assert "PYTEST_DISABLE_PLUGIN_AUTOLOAD" not in os.environ
