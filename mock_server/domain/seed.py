"""Seed data: orders and cancel tasks read from YAML or JSON files, stored at start and after each reset.

A seed file holds either a list of productOrder objects, or a mapping
``{productOrder: [...], cancelProductOrder: [...]}`` (either key may be left out; an API version
plug-in reads its own key, `plugin_sections`, the same way). `.json` files
are read as JSON, any other name as YAML (timestamps stay strings: no YAML date conversion).

Each entry is a resource as the server would return it. Server-owned fields may be given or left
out; when absent the server fills them in as on POST: `id` (a new id, a counter id in
deterministic mode), `href` (`<root><base path>/<collection>/<id>`, absolute: the root is
the one `access.hosts.start_root` gives, as for created orders), `state` (acknowledged),
`@type`, and for orders `orderDate` (the clock), `relatedParty` ([]) and `completionDate` for a
completed order (TMF622B). The completed entry must then be a valid `ProductOrder` /
`CancelProductOrder` (our schemas); any problem is reported as ``<file>: $.productOrder[2].state:
...`` before the server listens.

Seeds go into an empty store only: a SQLite file that already holds resources (a restart) keeps
them as they are. `POST /_mock/reset` empties the store and applies the seed again.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

import tmf622_schemas
from mock_server.domain.clock import Clock, IdSource, timestamp
from mock_server.domain.resources import (
    CANCEL_PRODUCT_ORDER,
    MAX_ID_LENGTH,
    PRODUCT_ORDER,
    ResourceKind,
)
from mock_server.domain.state_machine import OrderState, TaskState
from mock_server.http.validation import describe
from mock_server.store.base import Collection, Resource, Store
from mock_server.store.query import Query

KINDS = {kind.collection: kind for kind in (PRODUCT_ORDER, CANCEL_PRODUCT_ORDER)}
INITIAL_STATE = {
    "productOrder": OrderState.ACKNOWLEDGED.value,
    "cancelProductOrder": TaskState.ACKNOWLEDGED.value,
}
#: Deeper documents are refused (the API refuses them too, see bodies.MAX_DEPTH).
MAX_DEPTH = 64
_PLACEHOLDER_MOMENT = datetime(1970, 1, 1, tzinfo=UTC)
#: What a GET path segment can carry (aiohttp matches `{id}` as `[^/]+`), without control characters.
_ID = re.compile(rf"^[^/\x00-\x1f\x7f\ud800-\udfff]{{1,{MAX_ID_LENGTH}}}$")


class SeedError(ValueError):
    """A seed file is unreadable or holds an invalid entry; the message names the file and the path."""


class _Loader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: `orderDate: 2026-01-01T00:00:00Z` stays a string."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class SeedEntry:
    """One resource of a seed file, as written there."""

    kind: ResourceKind
    body: dict[str, Any]
    where: str  # `orders.yaml: $.productOrder[2]`


@dataclass(frozen=True, slots=True)
class Seed:
    """Every entry of the seed files, in file order; applied as a whole."""

    entries: tuple[SeedEntry, ...] = ()

    async def apply(self, store: Store, new_id: IdSource, clock: Clock, root: str) -> None:
        """Add every entry, completed with server-owned fields; `root` is `<public URL><base path>`."""
        given = {entry.body["id"] for entry in self.entries if "id" in entry.body}

        def fresh_id() -> str:  # never an id a later entry of the seed brings itself
            while (candidate := new_id()) in given:
                pass
            return candidate

        async with store.bulk():
            for entry in self.entries:
                await store.add(
                    entry.kind.collection, complete(entry.kind, entry.body, fresh_id, clock, root)
                )


def complete(
    kind: ResourceKind,
    body: dict[str, Any],
    new_id: IdSource,
    clock: Clock,
    root: str,
) -> Resource:
    """The stored resource: the entry plus the server-owned fields it leaves out (as POST fills them)."""
    resource_id = body["id"] if "id" in body else new_id()
    resource: Resource = {"id": resource_id, "href": f"{root}/{kind.collection}/{resource_id}", **body}
    resource.setdefault("state", INITIAL_STATE[kind.collection])
    resource.setdefault("@type", kind.type_name)
    if kind is PRODUCT_ORDER:
        if "orderDate" not in resource:
            resource["orderDate"] = timestamp(clock())
        resource.setdefault("relatedParty", [])
        if resource["state"] == OrderState.COMPLETED and "completionDate" not in resource:
            resource["completionDate"] = resource["orderDate"]  # TMF622B: filled once completed
    return resource


async def is_empty(store: Store, collections: Iterable[Collection]) -> bool:
    for collection in collections:
        if (await store.query(collection, Query(limit=0))).total:
            return False
    return True


def load_seed(paths: Sequence[str], plugin_sections: frozenset[str] = frozenset()) -> Seed:
    """Read and check every file (the keys plug-ins read are theirs); `SeedError` at the first problem."""
    entries = tuple(entry for path in paths for entry in _entries(path, _read(path), plugin_sections))
    _check_ids(entries)
    for entry in entries:
        _check_entry(entry)
    return Seed(entries)


def read_document(path: str) -> Any:
    """A seed file's content (JSON or YAML, timestamps kept as strings); SeedError if unreadable."""
    return _read(path)


def _read(path: str) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedError(f"{path}: cannot read the seed file: {exc}") from None
    try:
        if path.lower().endswith(".json"):
            return json.loads(text, parse_constant=_no_constant)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass: no object tags)
    except (ValueError, yaml.YAMLError) as exc:
        raise SeedError(
            f"{path}: not valid {'JSON' if path.lower().endswith('.json') else 'YAML'}: {exc}"
        ) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _entries(path: str, document: Any, plugin_sections: frozenset[str]) -> Iterator[SeedEntry]:
    """`[order, ...]` or `{productOrder: [...], cancelProductOrder: [...]}`, each entry checked to be JSON."""
    if document is None:
        return
    if isinstance(document, list):
        yield from _listed(path, PRODUCT_ORDER, document, "$")
        return
    if not isinstance(document, dict):
        raise SeedError(f"{path}: $: expected a list of productOrder or a mapping of collections")
    for name, items in document.items():
        if name in plugin_sections:  # read by that API version's plug-in
            continue
        if name not in KINDS:
            raise SeedError(f"{path}: $: unknown key {name!r}; use productOrder and/or cancelProductOrder")
        if not isinstance(items, list):
            raise SeedError(f"{path}: $.{name}: expected a list of {name} objects")
        yield from _listed(path, KINDS[name], items, f"$.{name}")


def _listed(path: str, kind: ResourceKind, items: list[Any], location: str) -> Iterator[SeedEntry]:
    for index, item in enumerate(items):
        where = f"{location}[{index}]"
        if not isinstance(item, dict):
            raise SeedError(f"{path}: {where}: expected a {kind.collection} object")
        _check_json(item, f"{path}: {where}")
        yield SeedEntry(kind, item, f"{path}: {where}")


def _check_json(value: Any, where: str) -> None:
    """YAML can express what JSON cannot (non-string keys, sets, binary, .nan): refuse it here."""
    stack: list[tuple[Any, str, int]] = [(value, where, 1)]
    while stack:
        node, location, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise SeedError(f"{location}: nests deeper than {MAX_DEPTH} levels")
        if isinstance(node, dict):
            for key, child in node.items():
                if not isinstance(key, str):
                    raise SeedError(f"{location}: key {key!r} is not a string")
                stack.append((child, f"{location}.{key}", depth + 1))
        elif isinstance(node, list):
            stack.extend((child, f"{location}[{i}]", depth + 1) for i, child in enumerate(node))
        elif isinstance(node, float) and not math.isfinite(node):
            raise SeedError(f"{location}: {node} is not a JSON number")
        elif node is not None and not isinstance(node, str | int | float | bool):
            raise SeedError(f"{location}: a {type(node).__name__} is not a JSON value")


def _check_ids(entries: Iterable[SeedEntry]) -> None:
    """Given ids must be reachable at `<collection>/<id>` and unique within their collection."""
    seen: dict[tuple[str, str], str] = {}
    for entry in entries:
        if "id" not in entry.body or not isinstance(entry.body["id"], str):
            continue  # a missing id is filled in; a non-string one fails the schema check
        if not _ID.match(entry.body["id"]):
            raise SeedError(
                f"{entry.where}.id: {entry.body['id'][:100]!r} must be 1 to {MAX_ID_LENGTH} "
                "characters without '/' or control characters"
            )
        key = (entry.kind.collection, entry.body["id"])
        if key in seen:
            raise SeedError(f"{entry.where}.id: {key[1]!r} is already the id of {seen[key]}")
        seen[key] = entry.where


def _check_entry(entry: SeedEntry) -> None:
    """Complete with placeholders, then validate: given fields are checked, missing ones are allowed."""
    placeholder = complete(entry.kind, entry.body, lambda: "seed", lambda: _PLACEHOLDER_MOMENT, "")
    from jsonschema.exceptions import best_match  # noqa: PLC0415 - jsonschema only when a seed is given

    error = best_match(tmf622_schemas.validator_for(entry.kind.schema).iter_errors(placeholder))
    if error is not None:
        raise SeedError(f"{entry.where}{describe(error).removeprefix('$')}")
