"""The `Store` protocol every backend implements, the two collections, and what each one indexes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Literal, Protocol

from mock_server.store.query import Condition, SortKey

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
    `query.matches`, which a backend may use as is. `get_json` and `query_json` give the same
    resources as UTF-8 JSON bytes, for a response that needs no change to them (no dict built).

    Each write is durable when it returns (SQLite: committed and synced). `bulk()` groups many
    writes (seeding, bulk loads) into one all-or-nothing transaction with a single sync.
    """

    def add(self, collection: Collection, resource: Resource) -> None: ...

    def get(self, collection: Collection, resource_id: str) -> Resource | None: ...

    def get_json(self, collection: Collection, resource_id: str) -> bytes | None: ...

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

    def query_json(
        self,
        collection: Collection,
        conditions: Sequence[Condition],
        sort: Sequence[SortKey],
        offset: int,
        limit: int,
    ) -> tuple[list[bytes], int]: ...

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
