"""SQL for a list query on the SQLite store: which index drives it, the page, the total.

- A condition on one value of an indexed path (`?state=acknowledged`) can drive the query: its
  `resource_key_lookup` entries are already in seq order, so `ORDER BY k.seq DESC LIMIT ? OFFSET ?`
  reads only offset + limit index entries (no sort, no temporary table) and the total comes from
  `key_count` (or, with other conditions, from counting the driver's entries that pass them). The
  driver is the condition with the fewest matches; the others are checked per entry through the
  `(seq)` index (`EXISTS ... INDEXED BY resource_key_owner`): a few rows per check, never a scan.
- Otherwise (several values, a range, no indexed condition) each indexed condition is a
  `seq IN (...)` search of the index and the page comes from `resource` in seq order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from mock_server.store.query import Condition, SortKey, matches_all, sort_resources
from mock_server.store.sqlite_schema import decoded, query_value

Params = list[Any]
Read = Callable[[str, Sequence[Any]], list[Any]]
Bodies = list[bytes | str]

_SQL_OPS = {"eq": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
#: Of several values for a range, the loosest bound is the one that decides (TMF630 `a,b` is OR).
_LOOSEST: dict[str, Callable[..., Any]] = {">": min, ">=": min, "<": max, "<=": max}
#: Indexed conditions one SQL statement checks; any further ones go to the shared predicate, which
#: reads only the rows these let through (SQLite's expression depth is 1000: an AND per parameter).
MAX_SEARCHES = 32
_KEY_SELECT = "SELECT seq FROM resource_key WHERE collection = ? AND path = ? AND kind = ? AND value {test}"
_KEY_MATCH = "(o.kind = ? AND o.value {test})"
_HOLDS = (
    "EXISTS (SELECT 1 FROM resource_key AS o INDEXED BY resource_key_owner"
    " WHERE o.seq = k.seq AND o.collection = ? AND o.path = ? AND ({keys}))"
)
_DRIVER = "k.collection = ? AND k.path = ? AND k.kind = ? AND k.value = ?"
_KEY_COUNT = "SELECT n FROM key_count WHERE collection = ? AND path = ? AND kind = ? AND value = ?"
_RESOURCE_COUNT = "SELECT n FROM resource_count WHERE collection = ?"
#: (page of (seq, body), every body newest first, count) for a driven plan, then for a `resource` one.
_DRIVEN = (
    "SELECT page.seq, r.body FROM (SELECT k.seq FROM resource_key AS k WHERE {where}"
    " ORDER BY k.seq DESC LIMIT ? OFFSET ?) AS page JOIN resource AS r ON r.seq = page.seq",
    "SELECT r.body FROM resource_key AS k JOIN resource AS r ON r.seq = k.seq"
    " WHERE {where} ORDER BY k.seq DESC",
    "SELECT count(*) FROM resource_key AS k WHERE {where}",
)
_SCANNED = (
    "SELECT seq, body FROM resource WHERE {where} ORDER BY seq DESC LIMIT ? OFFSET ?",
    "SELECT body FROM resource WHERE {where} ORDER BY seq DESC",
    "SELECT count(*) FROM resource WHERE {where}",
)


@dataclass(frozen=True)
class Search:
    """One indexed condition: its path, SQL operator, and per kind of key the values it may equal (OR).

    One SQL term per kind (at most four), whatever the number of values: `value IN (?, ...)` for
    equality, one bound for a range; SQLite limits compound SELECTs and expression depth, not list sizes.
    """

    path: str
    op: str
    groups: tuple[tuple[str, tuple[Any, ...]], ...]

    def drives(self) -> bool:
        return self.op == "=" and len(self.groups) == 1 and len(self.groups[0][1]) == 1

    def driver_key(self) -> tuple[str, Any]:
        kind, values = self.groups[0]
        return kind, values[0]

    def _test(self, values: tuple[Any, ...]) -> str:
        return f"IN ({', '.join('?' * len(values))})" if self.op == "=" else f"{self.op} ?"

    def _params(self) -> Params:
        return [part for kind, values in self.groups for part in (kind, *values)]

    def holds(self) -> tuple[str, Params]:
        """SQL true when resource `k.seq` satisfies this condition (a lookup by seq, not a scan)."""
        matches = " OR ".join(_KEY_MATCH.format(test=self._test(values)) for _, values in self.groups)
        return _HOLDS.format(keys=matches or "0"), [self.path, *self._params()]

    def member(self, collection: str) -> tuple[str, Params]:
        """`seq IN (...)`: a UNION of index searches, one per kind of key."""
        selects = [_KEY_SELECT.format(test=self._test(values)) for _, values in self.groups]
        params = [p for kind, values in self.groups for p in (collection, self.path, kind, *values)]
        return f"seq IN ({' UNION '.join(selects) or 'SELECT NULL WHERE 0'})", params


def searches(
    paths: Sequence[tuple[str, ...]], conditions: Sequence[Condition]
) -> tuple[list[Search], list[Condition]]:
    """The conditions the index answers (at most MAX_SEARCHES), and those left to the predicate."""
    found: list[Search] = []
    rest: list[Condition] = []
    for condition in conditions:
        search = _search(paths, condition) if len(found) < MAX_SEARCHES else None
        if search is None:
            rest.append(condition)
        else:
            found.append(search)
    return found, rest


def _search(paths: Sequence[tuple[str, ...]], condition: Condition) -> Search | None:
    if condition.path not in paths:
        return None
    op = _SQL_OPS[condition.op]
    by_kind: dict[str, list[Any]] = {}
    for kind, value in condition.keys:
        by_kind.setdefault(kind, []).append(value)
    groups = []
    for kind, values in sorted(by_kind.items()):  # sorted: the same SQL text for the same filter
        chosen = [_LOOSEST[op](values)] if op in _LOOSEST else sorted(values)
        bound = [query_value((kind, value)) for value in chosen]
        if any(value is None for value in bound):
            return None
        groups.append((kind, tuple(bound)))
    return Search(condition.name, op, tuple(groups))


@dataclass(frozen=True)
class Plan:
    """The SQL answering one query: a WHERE over `k` (driven) or `resource`, and a known total."""

    templates: tuple[str, str, str]
    where: str
    params: Params
    total: int | None

    def page(self, read: Read, offset: int, limit: int) -> tuple[Bodies, int]:
        rows = read(self.sql(0), [*self.params, limit, offset])
        bodies = [body for _, body in sorted(rows, key=itemgetter(0), reverse=True)]
        total = self.total if self.total is not None else read(self.sql(2), self.params)[0][0]
        return bodies, total

    def sql(self, which: int) -> str:
        """Fixed fragments of this module only; every value is a bound `?` parameter."""
        return self.templates[which].format(where=self.where)


def plan(read: Read, collection: str, found: list[Search]) -> Plan:
    """Drive from the one-value condition with the fewest matches if there is one (see the docstring)."""
    counted = [
        (_count(read, _KEY_COUNT, [collection, s.path, *s.driver_key()]), s) for s in found if s.drives()
    ]
    if counted:
        total, driver = min(counted, key=itemgetter(0))
        clauses, params = [_DRIVER], [collection, driver.path, *driver.driver_key()]
        for other in found:
            if other is not driver:
                clause, more = other.holds()
                clauses.append(clause)
                params += [collection, *more]
        return Plan(_DRIVEN, " AND ".join(clauses), params, total if len(found) == 1 else None)
    if not found:
        return Plan(_SCANNED, "collection = ?", [collection], _count(read, _RESOURCE_COUNT, [collection]))
    members = [search.member(collection) for search in found]
    where = " AND ".join(clause for clause, _ in members)
    return Plan(_SCANNED, where, [param for _, params in members for param in params], None)


def _count(read: Read, sql: str, params: Params) -> int:
    rows = read(sql, params)
    return int(rows[0][0]) if rows else 0


def filtered(
    bodies: Bodies,
    rest: Sequence[Condition],
    sort: Sequence[SortKey],
    offset: int,
    limit: int,
    *,
    decode: Callable[[Any], dict[str, Any]] = decoded,
) -> tuple[Bodies, int]:
    """The page of `bodies` (newest first) passing the predicate, sorted if asked, and the total."""
    pairs = [(body, decode(body)) for body in bodies]
    if rest:
        pairs = [(body, resource) for body, resource in pairs if matches_all(resource, rest)]
    if not sort:
        return [body for body, _ in pairs[offset : offset + limit]], len(pairs)
    body_of = {id(resource): body for body, resource in pairs}
    ordered = sort_resources([resource for _, resource in pairs], sort)
    return [body_of[id(resource)] for resource in ordered[offset : offset + limit]], len(pairs)
