"""Walk a schema document."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def iter_refs(node: Any) -> Iterator[str]:
    """Every `$ref` value anywhere inside a schema document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from iter_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from iter_refs(value)
