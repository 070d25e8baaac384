"""`MemoryStore`: the `Store` protocol in memory, frozen resources plus secondary indexes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from functools import partial
from itertools import count, islice

from mock_server.store.base import (
    NO_CATALOGUE,
    UNDECLARED,
    Catalogue,
    Codec,
    Collection,
    DuplicateIdError,
    Event,
    Indexed,
    Page,
    Resource,
    Stored,
)
from mock_server.store.codec import Frozen, as_json, frozen, thawed
from mock_server.store.indexes import Candidates, HashIndex, SortedIndex, keys_at
from mock_server.store.query import Condition, Key, Query, SortKey, matches_all, sort_resources


class _AllRows:
    """The matches of no condition: every row, newest first."""

    def __init__(self, rows: dict[int, Frozen]) -> None:
        self._rows = rows

    def bound(self) -> int:
        return len(self._rows)

    def exact(self) -> int:
        return len(self._rows)

    def newest_first(self, skip: int = 0) -> Iterator[int]:
        return islice(reversed(self._rows), skip, None)

    def __contains__(self, seq: int) -> bool:
        return seq in self._rows


class _Table:
    """One collection: frozen resources by creation number (in creation order), ids, and indexes."""

    def __init__(self, indexed: Indexed) -> None:
        self.rows: dict[int, Frozen] = {}
        self.seqs: dict[str, int] = {}
        self.indexes: dict[tuple[str, ...], HashIndex | SortedIndex] = {
            path: HashIndex(path) for path in indexed.hashed
        }
        for path in indexed.ordered:
            self.indexes[path] = SortedIndex(path, partial(self.keys_of, path))

    def keys_of(self, path: tuple[str, ...], seq: int) -> set[Key]:
        return keys_at(thawed(self.rows[seq]), path)

    def insert(self, seq: int, resource: Resource) -> None:
        """`reindex` of a new resource: no old keys to read (an insert is a third of a POST's store work)."""
        for path, index in self.indexes.items():
            index.update(seq, _NO_KEYS, keys_at(resource, path))

    def reindex(self, seq: int, old: Resource | None, new: Resource | None) -> None:
        for path, index in self.indexes.items():
            index.update(seq, _keys(old, path), _keys(new, path))

    def plan(self, conditions: Sequence[Condition]) -> tuple[Candidates, list[Candidates], list[Condition]]:
        """The smallest indexed match set (walked), the other ones (checked), the unindexed conditions."""
        found: list[Candidates] = []
        rest: list[Condition] = []
        for condition in conditions:
            index = self.indexes.get(condition.path)
            candidates = None if index is None else index.candidates(condition)
            if candidates is None:
                rest.append(condition)
            else:
                found.append(candidates)
        if not found:
            return _AllRows(self.rows), [], rest
        if len(found) > 1:
            found.sort(key=lambda candidates: candidates.bound())
        return found[0], found[1:], rest

    def walk(
        self, driver: Candidates, others: list[Candidates], rest: list[Condition]
    ) -> Iterator[tuple[int, Resource | None]]:
        """Every match newest first, with the resource when the predicate had to read it."""
        for seq in driver.newest_first():
            if others and not all(seq in other for other in others):
                continue
            if not rest:
                yield seq, None
                continue
            resource = thawed(self.rows[seq])
            if matches_all(resource, rest):
                yield seq, resource

    def clear(self) -> None:
        self.rows.clear()
        self.seqs.clear()
        for index in self.indexes.values():
            index.clear()


class _Tables(dict[Collection, _Table]):
    """A table per collection, made with the catalogue's indexes when first used."""

    def __init__(self, catalogue: Catalogue) -> None:
        super().__init__()
        self.catalogue = catalogue

    def __missing__(self, collection: Collection) -> _Table:
        table = self[collection] = _Table(self.catalogue.get(collection, UNDECLARED))
        return table


class MemoryStore:
    """Frozen resources plus secondary indexes: GET by id and indexed filters neither scan nor sort.

    A page of an indexed filter walks the matches from the newest and stops after the page (total:
    the bucket's size). Several indexed conditions walk the smallest match set and check the others
    (the total then costs a walk of that set); unindexed conditions run the predicate over those
    candidates; a `sort` on other attributes reads and sorts every match.

    Its coroutines never suspend (see `Store`); `events` are not kept (one process: the caller
    publishes them to its notifier).
    """

    def __init__(self, catalogue: Catalogue = NO_CATALOGUE) -> None:
        self._tables = _Tables(catalogue)
        self._counter = count()

    async def add(self, collection: Collection, resource: Resource, events: Sequence[Event] = ()) -> None:
        del events
        table, resource_id = self._tables[collection], resource["id"]
        if resource_id in table.seqs:
            raise DuplicateIdError(f"{collection} {resource_id!r} already exists")
        seq = next(self._counter)
        table.rows[seq] = frozen(resource)
        table.seqs[resource_id] = seq
        table.insert(seq, resource)

    async def get(self, collection: Collection, resource_id: str) -> Stored | None:
        found = self._stored(collection, resource_id)
        return None if found is None else Stored(found, CODEC)

    def _stored(self, collection: Collection, resource_id: str) -> Frozen | None:
        table = self._tables[collection]
        seq = table.seqs.get(resource_id)
        return None if seq is None else table.rows[seq]

    async def replace(
        self,
        collection: Collection,
        resource: Resource,
        expected: Stored | None = None,
        events: Sequence[Event] = (),
    ) -> bool:
        """Same seq: the resource keeps its place in creation order. One writer process and no
        suspension between a handler's read and write: `expected` cannot be stale here (see `Store`)."""
        del expected, events
        table = self._tables[collection]
        seq = table.seqs.get(resource["id"])
        if seq is None:
            return False
        old = thawed(table.rows[seq])
        table.rows[seq] = frozen(resource)
        table.reindex(seq, old, resource)
        return True

    async def delete(self, collection: Collection, resource_id: str, events: Sequence[Event] = ()) -> bool:
        del events
        table = self._tables[collection]
        seq = table.seqs.pop(resource_id, None)
        if seq is None:
            return False
        table.reindex(seq, thawed(table.rows.pop(seq)), None)
        return True

    async def query(self, collection: Collection, query: Query) -> Page:
        rows, total = self._page(self._tables[collection], query)
        return Page(rows, total, CODEC)

    def _page(self, table: _Table, query: Query) -> tuple[list[Frozen], int]:
        conditions, sort, offset, limit = query.conditions, query.sort, query.offset, query.limit
        driver, others, rest = table.plan(conditions)
        exact = None if others or rest else driver.exact()
        if exact is not None and not sort:  # one index answers alone: the page is a walk of `limit` steps
            return [table.rows[seq] for seq in islice(driver.newest_first(offset), limit)], exact
        found = table.walk(driver, others, rest)
        if sort:
            return _sorted_page(table, found, sort, offset, limit)
        page, total = [], 0
        for seq, _ in found:
            if offset <= total < offset + limit:
                page.append(table.rows[seq])
            total += 1
        return page, total

    async def reset(self) -> None:
        for table in self._tables.values():
            table.clear()

    @asynccontextmanager
    async def bulk(self) -> AsyncIterator[None]:
        """Nothing to group in memory (no sync to save; a failure keeps the writes made before it)."""
        yield


def _decoded(stored: Frozen) -> Resource:
    return thawed(stored)  # looked up at each call (tests count the decodes)


CODEC = Codec(_decoded, as_json)


_NO_KEYS: frozenset[Key] = frozenset()


def _keys(resource: Resource | None, path: tuple[str, ...]) -> set[Key]:
    return set() if resource is None else keys_at(resource, path)


def _sorted_page(
    table: _Table,
    found: Iterator[tuple[int, Resource | None]],
    sort: Sequence[SortKey],
    offset: int,
    limit: int,
) -> tuple[list[Frozen], int]:
    """`sort=` on attributes: every match is read and sorted (stable: ties stay newest first)."""
    matched = [(seq, thawed(table.rows[seq]) if resource is None else resource) for seq, resource in found]
    seq_of = {id(resource): seq for seq, resource in matched}
    ordered = sort_resources([resource for _, resource in matched], sort)
    return [table.rows[seq_of[id(resource)]] for resource in ordered[offset : offset + limit]], len(matched)
