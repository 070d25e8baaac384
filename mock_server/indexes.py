"""Secondary indexes of the in-memory store: they answer a filter without scanning every resource.

Both index kinds key scalars with `query.value_key` and match with the same rules as
`query.matches`, so an indexed answer is exactly the predicate's answer.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right, insort
from collections.abc import Mapping
from typing import Any

from mock_server.query import Condition, Key, leaf_values, value_key


def keys_at(resource: Mapping[str, Any], path: tuple[str, ...]) -> set[Key]:
    """The keys of every scalar at `path` (several when the path crosses an array)."""
    keys = (value_key(leaf) for leaf in leaf_values(resource, path))
    return {key for key in keys if key is not None}


class HashIndex:
    """Equality index: key -> ids. Answers `eq` conditions (`?state=a,b`, `?relatedParty.id=x`)."""

    def __init__(self, path: tuple[str, ...]) -> None:
        self.path = path
        self._ids: dict[Key, set[str]] = {}

    def add(self, resource_id: str, resource: Mapping[str, Any]) -> None:
        for key in keys_at(resource, self.path):
            self._ids.setdefault(key, set()).add(resource_id)

    def remove(self, resource_id: str, resource: Mapping[str, Any]) -> None:
        for key in keys_at(resource, self.path):
            ids = self._ids.get(key, set())
            ids.discard(resource_id)
            if not ids:
                self._ids.pop(key, None)

    def lookup(self, condition: Condition) -> set[str] | None:
        """Ids satisfying `condition`, or None when this index cannot answer it."""
        if condition.op != "eq":
            return None
        return set().union(*(self._ids.get(key, ()) for key in condition.keys))

    def clear(self) -> None:
        self._ids.clear()


class SortedIndex:
    """Ordered index on (kind, value): answers eq/gt/gte/lt/lte by bisection (`?orderDate.gte=`)."""

    def __init__(self, path: tuple[str, ...]) -> None:
        self.path = path
        self._entries: list[tuple[str, Any, int, str]] = []

    def add(self, resource_id: str, seq: int, resource: Mapping[str, Any]) -> None:
        for kind, value in keys_at(resource, self.path):
            insort(self._entries, (kind, value, seq, resource_id))

    def remove(self, resource_id: str, seq: int, resource: Mapping[str, Any]) -> None:
        for kind, value in keys_at(resource, self.path):
            entry = (kind, value, seq, resource_id)
            position = bisect_left(self._entries, entry)
            if position < len(self._entries) and self._entries[position] == entry:
                del self._entries[position]

    def lookup(self, condition: Condition) -> set[str]:
        ids: set[str] = set()
        for key in condition.keys:
            low, high = self._bounds(condition.op, key)
            ids.update(entry[3] for entry in self._entries[low:high])
        return ids

    def _bounds(self, op: str, key: Key) -> tuple[int, int]:
        """Slice of entries satisfying `op key`, within entries of the same kind only."""
        kind, value = key
        first = bisect_left(self._entries, (kind,))
        end = bisect_left(self._entries, (kind + "\0",))
        below = bisect_left(self._entries, (kind, value))
        above = bisect_right(self._entries, (kind, value, math.inf))
        return {
            "eq": (below, above),
            "gt": (above, end),
            "gte": (below, end),
            "lt": (first, below),
            "lte": (first, above),
        }[op]

    def clear(self) -> None:
        self._entries.clear()
