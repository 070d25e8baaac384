"""`tmf622-ctk` exit codes a CI job reads, for the cases the rest of the suite let a mutant through.

Written for `make mutate` (mutation/README.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ctk_suite.cli import main


def test_a_pytest_usage_error_after_the_separator_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pytest says 4 for its usage errors; the CLI's contract is 2 for every usage error."""
    argv = ["--reports-dir", str(tmp_path), "--no-allure-html", "--", "--no-such-pytest-option"]
    assert main(argv) == 2
    assert "--no-such-pytest-option" in capsys.readouterr().err
