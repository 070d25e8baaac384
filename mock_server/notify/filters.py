"""Match the `query` of a hub subscription (TMF630 filter syntax) against event envelopes.

Supported, after TMF630 "Filtering" as applied to `/hub` subscriptions:
- ``name=value``: equality, where `name` is a dotted path into the envelope
  (``eventType``, ``event.<resource>.state``); a list on the way matches if any element does;
- ``name=a,b``: a comma means OR between values;
- ``a=x&b=y``: an ampersand means AND between criteria;
- an empty (or absent) query matches every event.
Operators such as ``state.gt=`` are not supported: the path would simply not exist, so nothing matches.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl


class QueryError(ValueError):
    """The subscription query cannot be parsed; the hub answers 400."""


@dataclass(frozen=True)
class Criterion:
    """One ``path=v1,v2`` term: the value at `path` must be one of `accepted`."""

    path: tuple[str, ...]
    accepted: frozenset[str]

    def matches(self, envelope: Mapping[str, Any]) -> bool:
        return any(_as_text(leaf) in self.accepted for leaf in _values_at(envelope, self.path))


@dataclass(frozen=True)
class EventFilter:
    """All criteria must hold (AND); no criteria matches everything."""

    criteria: tuple[Criterion, ...] = ()

    @classmethod
    def parse(cls, query: str | None) -> EventFilter:
        """Compile `query` once, at subscription time; raises `QueryError` if malformed."""
        text = (query or "").strip().removeprefix("?")
        if not text:
            return cls()
        try:
            pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True)
        except ValueError as exc:
            raise QueryError(f"query is not a list of name=value pairs joined by '&': {query!r}") from exc
        return cls(tuple(_criterion(name, value) for name, value in pairs))

    def matches(self, envelope: Mapping[str, Any]) -> bool:
        return all(criterion.matches(envelope) for criterion in self.criteria)


def _criterion(name: str, value: str) -> Criterion:
    path = tuple(part.strip() for part in name.strip().split("."))
    if not all(path):
        raise QueryError(f"empty attribute name in query term {name!r}")
    accepted = frozenset(v.strip() for v in value.split(",") if v.strip())
    if not accepted:
        raise QueryError(f"no value given for {name.strip()!r}")
    return Criterion(path, accepted)


def _values_at(node: Any, path: tuple[str, ...]) -> Iterator[Any]:
    """Every value reached by `path`; lists fan out, so ``item.state`` checks each item."""
    if isinstance(node, list):
        for item in node:
            yield from _values_at(item, path)
    elif not path:
        yield node
    elif isinstance(node, Mapping) and path[0] in node:
        yield from _values_at(node[path[0]], path[1:])


def _as_text(value: Any) -> str | None:
    """JSON scalars as they are written in a query string; objects never match."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None
