"""The `pytest11` entry point: the suite's plugin, or one line saying why it is not there.

pytest loads every installed plugin in every run, the user's unrelated ones included: a plugin that
cannot import (a broken install, a missing dependency) must not stop them. Then the kit files are
simply not collected, and the line says why.
"""

from __future__ import annotations

import sys

#: The `tmf622_mock` fixture and `Tmf622Mock`, a plugin of their own: they need nothing the suite's
#: plugin imports, so a project's tests keep them even when that plugin cannot load.
pytest_plugins = ["ctk_suite.plugin.mock_fixture"]

try:
    from ctk_suite.plugin.hooks import (
        pytest_addoption,
        pytest_collect_file,
        pytest_collection_finish,
        pytest_collection_modifyitems,
        pytest_configure,
        pytest_sessionfinish,
        pytest_sessionstart,
        pytest_terminal_summary,
    )
except Exception as exc:  # any import failure: report it and stay out of the way
    why = f"{type(exc).__name__}: {exc}"
    sys.stderr.write(f"tmf622-ctk: pytest plugin not loaded ({why}); kit files are not collected\n")
__all__ = [
    "pytest_addoption",
    "pytest_collect_file",
    "pytest_collection_finish",
    "pytest_collection_modifyitems",
    "pytest_configure",
    "pytest_sessionfinish",
    "pytest_sessionstart",
    "pytest_terminal_summary",
]
