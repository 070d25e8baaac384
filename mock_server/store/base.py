"""The `Store` protocol every backend implements, the two collections, and what each one indexes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, Protocol

from mock_server.store.query import Query

#: The v5 resources are kept apart from the v4 ones: same names in the URL, other collections.
Collection = Literal["productOrder", "cancelProductOrder", "productOrderV5", "cancelProductOrderV5"]
COLLECTIONS: tuple[Collection, ...] = (
    "productOrder",
    "cancelProductOrder",
    "productOrderV5",
    "cancelProductOrderV5",
)
Resource = dict[str, Any]
#: A read-modify-write step: the new resource from the current one, or None to leave it as it is.
Change = Callable[[Resource], "Resource | None"]


class DuplicateIdError(ValueError):
    """`add` of an id the collection already holds."""


class WriteConflict(RuntimeError):
    """`replace(..., expected=)` found the resource changed since it was read (another replica wrote)."""


#: Reads and re-applications `rewrite` tries before giving up (each conflict means another write won).
CONFLICT_RETRIES = 50


class Codec(NamedTuple):
    """How a backend's stored form reads back: as a dict the caller owns, or as response-ready JSON."""

    resource: Callable[[Any], Resource]
    json: Callable[[Any], bytes]


@dataclass(frozen=True, slots=True)
class Stored:
    """One resource as the backend keeps it, decoded only into the form the caller asks for."""

    raw: Any
    codec: Codec
    #: The row's version where the backend keeps one (PostgreSQL), for `replace(..., expected=)`.
    version: int | None = None

    def resource(self) -> Resource:
        """A fresh dict the caller owns."""
        return self.codec.resource(self.raw)

    def json(self) -> bytes:
        """Compact UTF-8 JSON, for a response that needs no change to it (no dict is built)."""
        return self.codec.json(self.raw)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list query, and `total`: every match after filtering, before paging."""

    rows: list[Any]
    total: int
    codec: Codec

    def resources(self) -> list[Resource]:
        return [self.codec.resource(row) for row in self.rows]

    def json_rows(self) -> list[bytes]:
        return [self.codec.json(row) for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)


class Store(Protocol):
    """Resources by collection and id. Synchronous on purpose: each call is short, so a handler
    never awaits in the middle of a read-modify-write.

    Resources go in as plain JSON dicts (the store keeps its own copies) and come out as `Stored`
    rows, read as a dict the caller owns or as JSON bytes. `query` returns one `Page` of a parsed
    list request (`Query.fields` is the caller's business); the default order (empty `sort`) is
    newest first by creation; filtering must agree with `query.matches`, which a backend may use
    as is.

    Each write is durable when it returns (SQLite: committed and synced). `bulk()` groups many
    writes (seeding, bulk loads) into one all-or-nothing transaction with a single sync.

    `replace(..., expected=<the Stored read>)` is a compare-and-swap where several processes share
    the data (PostgreSQL): it raises `WriteConflict` if another one wrote in between. A backend
    with one writer process (memory, SQLite) cannot see that between two synchronous calls and
    ignores `expected`. Read-modify-write goes through `rewrite`, which retries on conflict.
    """

    def add(self, collection: Collection, resource: Resource) -> None: ...

    def get(self, collection: Collection, resource_id: str) -> Stored | None: ...

    def replace(self, collection: Collection, resource: Resource, expected: Stored | None = None) -> bool: ...

    def delete(self, collection: Collection, resource_id: str) -> bool: ...

    def query(self, collection: Collection, query: Query) -> Page: ...

    def reset(self) -> None: ...

    def bulk(self) -> AbstractContextManager[None]: ...


def read(store: Store, collection: Collection, resource_id: str) -> Resource | None:
    """The resource as a dict the caller owns, or None."""
    found = store.get(collection, resource_id)
    return None if found is None else found.resource()


def rewrite(
    store: Store, collection: Collection, current: Callable[[], Stored | None], change: Change
) -> tuple[Resource, Resource] | None:
    """Read with `current`, write `change(resource)`; (before, after), or None when `current` or
    `change` gives None. Re-reads and re-applies `change` when another process wrote in between,
    so concurrent changes through different replicas are all applied, none lost."""
    for _ in range(CONFLICT_RETRIES):
        found = current()
        if found is None:
            return None
        after = change(found.resource())
        if after is None:
            return None
        try:
            if not store.replace(collection, after, expected=found):
                return None
        except WriteConflict:
            continue
        return found.resource(), after
    raise WriteConflict(f"{collection}: {CONFLICT_RETRIES} concurrent writes in a row won over this one")


#: Which paths each collection indexes (TMF622 lookups the CTK and clients use most).
HASH_INDEXED: Mapping[Collection, tuple[tuple[str, ...], ...]] = {
    "productOrder": (("id",), ("state",), ("relatedParty", "id"), ("externalId",)),
    "cancelProductOrder": (("id",), ("state",), ("productOrder", "id")),
    "productOrderV5": (("id",), ("state",), ("relatedParty", "partyOrPartyRole", "id"), ("externalId", "id")),
    "cancelProductOrderV5": (("id",), ("state",), ("productOrder", "id")),
}
SORTED_INDEXED: Mapping[Collection, tuple[tuple[str, ...], ...]] = {
    "productOrder": (("orderDate",),),
    "cancelProductOrder": (("requestedCancellationDate",),),
    "productOrderV5": (("creationDate",),),
    "cancelProductOrderV5": (("creationDate",),),
}
