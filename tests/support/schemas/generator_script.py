"""`scripts/generate_v5_schemas.py` imported as a module (scripts/ is not a package); the reference OAS."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "generate_v5_schemas.py"


def load_generator() -> ModuleType:
    """The generator script as a module, so tests call `generate` and `render` directly."""
    spec = importlib.util.spec_from_file_location("generate_v5_schemas", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generator = load_generator()


def reference_oas_path() -> Path:
    """Where the generator looks for TM Forum's v5 OAS by default (argument-free CLI run)."""
    path: Path = generator.oas_path(None)
    return path


def read_oas(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


__all__ = ["generator", "read_oas", "reference_oas_path"]
