"""v4 seed data: orders and cancel tasks of the seed files (the core reads and stores them: `domain.seed`).

A seed file holds either a list of productOrder objects, or a mapping
``{productOrder: [...], cancelProductOrder: [...]}`` (either key may be left out; another API
version plug-in reads its own key, `sections`, the same way).

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

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

import tmf622_schemas
from mock_server.domain.clock import Clock, IdSource, timestamp
from mock_server.domain.resources import MAX_ID_LENGTH, ResourceKind
from mock_server.domain.seed import Seed, SeedEntry, SeedError, check_json, read_document
from mock_server.http.validation import describe
from mock_server.store.base import Resource
from mock_server.versions.tmf622_common.states import OrderState, TaskState
from mock_server.versions.tmf622_v4.resources import CANCEL_PRODUCT_ORDER, PRODUCT_ORDER

KINDS = {kind.collection: kind for kind in (PRODUCT_ORDER, CANCEL_PRODUCT_ORDER)}
INITIAL_STATE = {
    "productOrder": OrderState.ACKNOWLEDGED.value,
    "cancelProductOrder": TaskState.ACKNOWLEDGED.value,
}
_PLACEHOLDER_MOMENT = datetime(1970, 1, 1, tzinfo=UTC)
#: What a GET path segment can carry (aiohttp matches `{id}` as `[^/]+`), without control characters.
_ID = re.compile(rf"^[^/\x00-\x1f\x7f\ud800-\udfff]{{1,{MAX_ID_LENGTH}}}$")


@dataclass(frozen=True, slots=True)
class V4Entry:
    """One resource of a seed file, as written there, with its kind (for the checks)."""

    kind: ResourceKind
    body: dict[str, Any]
    where: str  # `orders.yaml: $.productOrder[2]`


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


def load_seed(paths: Sequence[str], plugin_sections: frozenset[str] = frozenset()) -> Seed:
    """Read and check every file (the keys plug-ins read are theirs); `SeedError` at the first problem."""
    entries = tuple(entry for path in paths for entry in _entries(path, read_document(path), plugin_sections))
    _check_ids(entries)
    for entry in entries:
        _check_entry(entry)
    return Seed(
        tuple(SeedEntry(e.kind.collection, e.body, e.where, partial(complete, e.kind)) for e in entries)
    )


def _entries(path: str, document: Any, plugin_sections: frozenset[str]) -> Iterator[V4Entry]:
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


def _listed(path: str, kind: ResourceKind, items: list[Any], location: str) -> Iterator[V4Entry]:
    for index, item in enumerate(items):
        where = f"{location}[{index}]"
        if not isinstance(item, dict):
            raise SeedError(f"{path}: {where}: expected a {kind.collection} object")
        check_json(item, f"{path}: {where}")
        yield V4Entry(kind, item, f"{path}: {where}")


def _check_ids(entries: Iterable[V4Entry]) -> None:
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


def _check_entry(entry: V4Entry) -> None:
    """Complete with placeholders, then validate: given fields are checked, missing ones are allowed."""
    placeholder = complete(entry.kind, entry.body, lambda: "seed", lambda: _PLACEHOLDER_MOMENT, "")
    from jsonschema.exceptions import best_match  # noqa: PLC0415 - jsonschema only when a seed is given

    error = best_match(tmf622_schemas.validator_for(entry.kind.schema).iter_errors(placeholder))
    if error is not None:
        raise SeedError(f"{entry.where}{describe(error).removeprefix('$')}")
