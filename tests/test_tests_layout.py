"""Rules of the test tree: a test module is run, never imported; what tests share is in tests/support."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).parent


def _imported(tree: ast.AST, package: tuple[str, ...]) -> Iterator[tuple[int, str, str]]:
    """(line, module, name) of each import (name "": `import module`), relative ones resolved in `package`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name, "") for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            yield from ((node.lineno, module, alias.name) for alias in node.names)


def imports_of_test_modules(root: Path = TESTS) -> list[str]:
    """`path:line module` of each import of a `test_*` module of the tree under `root` (a test function
    shared from tests/support, such as a store contract, is no test module)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        package = (root.name, *path.relative_to(root).parent.parts)
        for line, module, name in _imported(ast.parse(path.read_text(encoding="utf-8")), package):
            parts = module.split(".")
            if parts[0] != root.name:
                continue
            if name and (root.parent.joinpath(*parts, f"{name}.py")).is_file():
                parts.append(name)  # `from tests.x import test_y`: the module test_y
            if any(part.startswith("test_") for part in parts[1:]):
                found.append(f"{path.relative_to(root.parent)}:{line} {'.'.join(parts)}")
    return found


def test_no_test_module_imports_another() -> None:
    """A helper two test modules need lives in tests/support (pytest may import a test module twice,
    under two names, and a test imported elsewhere runs its module's collection side effects)."""
    assert imports_of_test_modules() == []


def test_the_rule_sees_each_form_of_import(tmp_path: Path) -> None:
    root = tmp_path / "tests"
    (root / "hardening").mkdir(parents=True)
    (root / "hardening" / "test_a.py").write_text(
        "from tests.hardening.test_b import helper\n"
        "import tests.e2e.test_c\n"
        "from .test_d import other\n"
        "from tests.hardening import test_e\n"
        "from tests.support.fd_limit import fine\n"
        "from tests.support.contract import test_shared_contract\n",
        encoding="utf-8",
    )
    (root / "hardening" / "test_e.py").write_text("", encoding="utf-8")
    assert imports_of_test_modules(root) == [
        "tests/hardening/test_a.py:1 tests.hardening.test_b",
        "tests/hardening/test_a.py:2 tests.e2e.test_c",
        "tests/hardening/test_a.py:3 tests.hardening.test_d",
        "tests/hardening/test_a.py:4 tests.hardening.test_e",
    ]
