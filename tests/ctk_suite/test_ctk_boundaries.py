"""Architecture rules of ctk_suite, read from its source: no mock_server import, one Allure module."""

from __future__ import annotations

import ast
from pathlib import Path

import ctk_suite

PACKAGE = Path(ctk_suite.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    return {name.split(".")[0] for name in names}


def modules() -> dict[str, set[str]]:
    return {str(p.relative_to(PACKAGE)): imported_modules(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_ctk_suite_never_imports_the_mock() -> None:
    assert [name for name, imports in modules().items() if "mock_server" in imports] == []


def test_only_one_module_imports_allure() -> None:
    assert [name for name, imports in modules().items() if {"allure", "allure_commons"} & imports] == [
        "reporting/allure_report.py"
    ]
