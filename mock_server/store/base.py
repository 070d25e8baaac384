"""The `Store` protocol every backend implements, and the catalogue of collections and their indexes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol

from mock_server.store.query import Query

#: A collection's name: one an API version plug-in declares (each its own).
Collection = str
Path = tuple[str, ...]
Resource = dict[str, Any]
#: A read-modify-write step: the new resource from the current one, or None to leave it as it is.
Change = Callable[[Resource], "Resource | None"]


class DuplicateIdError(ValueError):
    """`add` of an id the collection already holds."""


class WriteConflict(RuntimeError):
    """`replace(..., expected=)` found the resource changed since it was read (another request wrote)."""


#: Reads and re-applications `rewrite` tries before giving up (each conflict means another write won).
CONFLICT_RETRIES = 50


class Event(NamedTuple):
    """An event a write announces about the resource it stores (for `delete`: the one it removes);
    `domain.events` decides which. `field_path` as `EventSink.publish` takes it."""

    type: str
    field_path: tuple[str, ...] = ()


#: The events a change from `before` to `after` announces (`rewrite` asks once it knows both).
Announce = Callable[[Resource, Resource], Sequence[Event]]


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
    """Resources by collection and id; every call is a coroutine.

    Resources go in as plain JSON dicts (the store keeps its own copies) and come out as `Stored`
    rows, read as a dict the caller owns or as JSON bytes. `query` returns one `Page` of a parsed
    list request (`Query.fields` is the caller's business); the default order (empty `sort`) is
    newest first by creation; filtering must agree with `query.matches`, which a backend may use
    as is.

    Each write is durable when it returns (SQLite: committed and synced, with the concurrent
    writes of its group commit). `bulk()` groups many writes (seeding, bulk loads) into one
    all-or-nothing transaction with a single sync; its body makes only this store's calls.

    Memory never suspends inside a call (its work is in-process and short): between a handler's
    read and its write, with no other await in between, nothing else runs, so its read-modify-write
    is atomic and `replace(..., expected=)` cannot be stale (it ignores it). SQLite suspends on each
    write until its commit, PostgreSQL on each round trip, so other requests (of this process or of
    another replica) may write in between: their `replace(..., expected=<the Stored read>)` is a
    compare-and-swap that raises `WriteConflict` when the resource changed. Read-modify-write goes
    through `rewrite`, which retries on conflict, so it is right on every store.

    `events` of a write: what it announces about the resource it writes (`Event`). A store that
    several processes share (PostgreSQL) keeps them in its outbox in the write's own transaction,
    so an acknowledged change always has its events and a failed one has none; the others do not
    keep them. Either way the caller then publishes them to the app's `EventSink`.
    """

    async def add(self, collection: Collection, resource: Resource, events: Sequence[Event] = ()) -> None: ...

    async def get(self, collection: Collection, resource_id: str) -> Stored | None: ...

    async def replace(
        self,
        collection: Collection,
        resource: Resource,
        expected: Stored | None = None,
        events: Sequence[Event] = (),
    ) -> bool: ...

    async def delete(
        self, collection: Collection, resource_id: str, events: Sequence[Event] = ()
    ) -> bool: ...

    async def query(self, collection: Collection, query: Query) -> Page: ...

    async def reset(self) -> None: ...

    def bulk(self) -> AbstractAsyncContextManager[None]: ...


async def read(store: Store, collection: Collection, resource_id: str) -> Resource | None:
    """The resource as a dict the caller owns, or None."""
    found = await store.get(collection, resource_id)
    return None if found is None else found.resource()


class Rewritten(NamedTuple):
    """What `rewrite` did: the resource before and after, and the events the write announced."""

    before: Resource
    after: Resource
    events: Sequence[Event]


def _silent(before: Resource, after: Resource) -> Sequence[Event]:
    del before, after
    return ()


async def rewrite(
    store: Store,
    collection: Collection,
    current: Callable[[], Awaitable[Stored | None]],
    change: Change,
    announce: Announce = _silent,
) -> Rewritten | None:
    """Read with `current`, write `change(resource)` with the events `announce` gives for it; None
    when `current` or `change` gives None. Re-reads and re-applies `change` when another request
    wrote in between, so concurrent changes (through one replica or several) are all applied, none
    lost. `change` is synchronous: on memory nothing runs between the read and the write."""
    for _ in range(CONFLICT_RETRIES):
        found = await current()
        if found is None:
            return None
        after = change(found.resource())
        if after is None:
            return None
        before = found.resource()
        events = announce(before, after)
        try:
            if not await store.replace(collection, after, expected=found, events=events):
                return None
        except WriteConflict:
            continue
        return Rewritten(before, after, events)
    raise WriteConflict(f"{collection}: {CONFLICT_RETRIES} concurrent writes in a row won over this one")


class Indexed(NamedTuple):
    """The paths a collection indexes: by equality (`hashed`), and also in order (`ordered`)."""

    hashed: tuple[Path, ...]
    ordered: tuple[Path, ...] = ()

    @property
    def paths(self) -> tuple[Path, ...]:
        return self.hashed + self.ordered


#: Every collection a store keeps, with its indexes: `create_app` gives each store every registered
#: plug-in's (`app.full_catalogue`).
Catalogue = Mapping[Collection, Indexed]
#: A store made without a catalogue (tests of the store alone): every collection is undeclared.
NO_CATALOGUE: Catalogue = MappingProxyType({})
#: A collection no catalogue declares: found by id only.
UNDECLARED = Indexed((("id",),))
