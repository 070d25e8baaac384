"""`tmf622-ctk`'s entry point: starts the embedded mock before the CTK's imports, then runs `cli.main`."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from ctk_suite.engine import mock_process

#: Flags and variables that name a target (or print and exit): the embedded mock is not started early.
_NOT_EMBEDDED_FLAGS = (
    "--base-url",
    "--ctk-base-url",
    "--profile",
    "--ctk-profile",
    "-h",
    "--help",
    "--version",
)
_NOT_EMBEDDED_ENV = ("TMF622_CTK_BASE_URL", "TMF622_CTK_PROFILE")


def embedded_mock_likely(argv: Sequence[str], environ: Mapping[str, str]) -> bool:
    """Whether this run will start the embedded mock: no target named on the command line or in the
    environment. A wrong guess costs a mock started and stopped (never a different run)."""
    ours = argv[: list(argv).index("--")] if "--" in argv else argv
    named = any(arg.split("=", 1)[0] in _NOT_EMBEDDED_FLAGS for arg in ours)
    return not named and not any(environ.get(name) for name in _NOT_EMBEDDED_ENV)


def main() -> int:
    """The mock's start (about half a second) overlaps the imports of pytest, Allure and the suite."""
    if embedded_mock_likely(sys.argv[1:], os.environ):
        mock_process.spawn_early()
    from ctk_suite.cli import main as run  # noqa: PLC0415 - after the mock's spawn, on purpose

    return run()
