"""Where resources live: the `Store` protocol every backend implements, and `MemoryStore`."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from itertools import count, islice
from typing import Any, Literal, Protocol

from mock_server.indexes import HashIndex, SortedIndex
from mock_server.query import Condition, SortKey, matches_all, sort_resources

Collection = Literal["productOrder", "cancelProductOrder"]
COLLECTIONS: tuple[Collection, ...] = ("productOrder", "cancelProductOrder")
Resource = dict[str, Any]


class DuplicateIdError(ValueError):
    """`add` of an id the collection already holds."""


class Store(Protocol):
    """Resources by collection and id. Synchronous on purpose: each call is short, so a handler
    never awaits in the middle of a read-modify-write.

    Resources go in and come out as plain JSON dicts the caller owns (the store keeps its own
    copies). `query` returns (page, total) where total counts every match after filtering and
    the default order (empty `sort`) is newest first by creation; filtering must agree with
    `query.matches`, which a backend may use as is.

    Each write is durable when it returns (SQLite: committed and synced). `bulk()` groups many
    writes (seeding, bulk loads) into one all-or-nothing transaction with a single sync.
    """

    def add(self, collection: Collection, resource: Resource) -> None: ...

    def get(self, collection: Collection, resource_id: str) -> Resource | None: ...

    def replace(self, collection: Collection, resource: Resource) -> bool: ...

    def delete(self, collection: Collection, resource_id: str) -> bool: ...

    def query(
        self,
        collection: Collection,
        conditions: Sequence[Condition],
        sort: Sequence[SortKey],
        offset: int,
        limit: int,
    ) -> tuple[list[Resource], int]: ...

    def reset(self) -> None: ...

    def bulk(self) -> AbstractContextManager[None]: ...


#: Which paths each collection indexes (TMF622 lookups the CTK and clients use most).
HASH_INDEXED: Mapping[Collection, tuple[tuple[str, ...], ...]] = {
    "productOrder": (("id",), ("state",), ("relatedParty", "id"), ("externalId",)),
    "cancelProductOrder": (("id",), ("state",), ("productOrder", "id")),
}
SORTED_INDEXED: Mapping[Collection, tuple[tuple[str, ...], ...]] = {
    "productOrder": (("orderDate",),),
    "cancelProductOrder": (("requestedCancellationDate",),),
}


@dataclass
class _Table:
    """One collection: documents in creation order, their creation numbers, and indexes."""

    hashed: dict[tuple[str, ...], HashIndex]
    ordered: dict[tuple[str, ...], SortedIndex]
    by_id: dict[str, Resource] = field(default_factory=dict)
    seq: dict[str, int] = field(default_factory=dict)

    def index(self, resource_id: str, resource: Resource) -> None:
        for hashed in self.hashed.values():
            hashed.add(resource_id, resource)
        for ordered in self.ordered.values():
            ordered.add(resource_id, self.seq[resource_id], resource)

    def unindex(self, resource_id: str, resource: Resource) -> None:
        for hashed in self.hashed.values():
            hashed.remove(resource_id, resource)
        for ordered in self.ordered.values():
            ordered.remove(resource_id, self.seq[resource_id], resource)

    def candidates(self, conditions: Sequence[Condition]) -> tuple[set[str] | None, list[Condition]]:
        """Ids the indexes allow (None: no index applies) and the conditions left to check."""
        allowed: set[str] | None = None
        rest = []
        for condition in conditions:
            ids = self._lookup(condition)
            if ids is None:
                rest.append(condition)
            else:
                allowed = ids if allowed is None else allowed & ids
        return allowed, rest

    def _lookup(self, condition: Condition) -> set[str] | None:
        if condition.path in self.ordered:
            return self.ordered[condition.path].lookup(condition)
        if condition.path in self.hashed:
            return self.hashed[condition.path].lookup(condition)
        return None

    def clear(self) -> None:
        self.by_id.clear()
        self.seq.clear()
        for hashed in self.hashed.values():
            hashed.clear()
        for ordered in self.ordered.values():
            ordered.clear()


def _new_table(collection: Collection) -> _Table:
    return _Table(
        hashed={path: HashIndex(path) for path in HASH_INDEXED[collection]},
        ordered={path: SortedIndex(path) for path in SORTED_INDEXED[collection]},
    )


class MemoryStore:
    """Dicts by id plus secondary indexes: GET by id and indexed filters never scan."""

    def __init__(self) -> None:
        self._tables = {collection: _new_table(collection) for collection in COLLECTIONS}
        self._counter = count()

    def add(self, collection: Collection, resource: Resource) -> None:
        table, resource_id = self._tables[collection], resource["id"]
        if resource_id in table.by_id:
            raise DuplicateIdError(f"{collection} {resource_id!r} already exists")
        table.by_id[resource_id] = copy.deepcopy(resource)
        table.seq[resource_id] = next(self._counter)
        table.index(resource_id, table.by_id[resource_id])

    def get(self, collection: Collection, resource_id: str) -> Resource | None:
        found = self._tables[collection].by_id.get(resource_id)
        return None if found is None else copy.deepcopy(found)

    def replace(self, collection: Collection, resource: Resource) -> bool:
        table, resource_id = self._tables[collection], resource["id"]
        old = table.by_id.get(resource_id)
        if old is None:
            return False
        table.unindex(resource_id, old)
        table.by_id[resource_id] = copy.deepcopy(resource)  # same key: creation order is kept
        table.index(resource_id, table.by_id[resource_id])
        return True

    def delete(self, collection: Collection, resource_id: str) -> bool:
        table = self._tables[collection]
        old = table.by_id.get(resource_id)
        if old is None:
            return False
        table.unindex(resource_id, old)
        del table.by_id[resource_id], table.seq[resource_id]
        return True

    def query(
        self,
        collection: Collection,
        conditions: Sequence[Condition],
        sort: Sequence[SortKey],
        offset: int,
        limit: int,
    ) -> tuple[list[Resource], int]:
        table = self._tables[collection]
        allowed, rest = table.candidates(conditions)
        if allowed is None and not rest and not sort:
            page_ids = islice(reversed(table.by_id), offset, offset + limit)
            return [copy.deepcopy(table.by_id[i]) for i in page_ids], len(table.by_id)
        ids = reversed(table.by_id) if allowed is None else sorted(allowed, key=table.seq.__getitem__)[::-1]
        found = [table.by_id[i] for i in ids]
        if rest:
            found = [resource for resource in found if matches_all(resource, rest)]
        if sort:
            found = sort_resources(found, sort)
        return [copy.deepcopy(resource) for resource in found[offset : offset + limit]], len(found)

    def reset(self) -> None:
        for table in self._tables.values():
            table.clear()

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Nothing to group in memory (no sync to save; a failure keeps the writes made before it)."""
        yield
