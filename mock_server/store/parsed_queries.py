"""Parsed list queries kept by their raw query string: clients repeat the same few, parsing is not free.

Parsing one (reserved parameters, filter operators and values, dates, the checks against the
schema) took 15% of the CPU of a list `GET ?state=acknowledged&limit=10` (py-spy, issue 17).
A `Query` is immutable and depends only on the raw query string, the two limits and the resource's
attributes, so a kept one is exactly what parsing again would give. A refused query (400) raises and
is never kept. Bounded: at most `size` entries, the oldest dropped first, and a query string longer
than `max_chars` is parsed every time (a client cannot fill memory through it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from mock_server.store.attributes import Attributes, parse_checked_query
from mock_server.store.query import Query

Pairs = Iterable[tuple[str, str]]


class ParsedQueries:
    """`parse_checked_query`, remembered per raw query string."""

    def __init__(self, size: int = 256, max_chars: int = 1024) -> None:
        self._kept: dict[tuple[str, int, int, str], Query] = {}
        self._size = size
        self._max_chars = max_chars

    def get(
        self, raw: str, pairs: Callable[[], Pairs], default_limit: int, max_limit: int, attributes: Attributes
    ) -> Query:
        """The query `raw` means; `pairs()` (its decoded parameters) is called only when it is parsed."""
        if len(raw) > self._max_chars:
            return parse_checked_query(pairs(), default_limit, max_limit, attributes)
        key = (raw, default_limit, max_limit, attributes.resource)
        query = self._kept.get(key)
        if query is None:
            query = parse_checked_query(pairs(), default_limit, max_limit, attributes)
            if len(self._kept) >= self._size:
                del self._kept[next(iter(self._kept))]
            self._kept[key] = query
        return query
