"""v5 seed data: the `v5` section of the seed files, stored at start and after each reset.

``v5: {productOrder: [...], cancelProductOrder: [...]}`` beside the v4 keys of a seed file (see
domain/seed.py). Each entry is a v5 resource as the server would return it; missing server-owned
fields are filled in as a POST fills them: `id`, `href` (under the v5 base path), `@type`,
`creationDate` (the clock), and for orders `state` (its `requestedInitialState`, by default
acknowledged), `relatedParty` ([]) and, once completed, `completionDate`. The completed entry must
be a valid v5 `ProductOrder` / `CancelProductOrder` whose root `@type` is that name, else the mock
does not start (SeedError naming the file and the path).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from mock_server.domain.clock import Clock, IdSource, timestamp
from mock_server.domain.errors import InvalidInput
from mock_server.domain.seed import Seed, SeedEntry, SeedError, read_document
from mock_server.http.validation import first_error
from mock_server.versions.tmf622_v5.orders import check_type
from mock_server.versions.tmf622_v5.resources import CANCEL_PRODUCT_ORDER, PRODUCT_ORDER, SCHEMA_VERSION, Kind
from mock_server.versions.tmf622_v5.states import OrderState, TaskState

Resource = dict[str, Any]
#: The key of a seed file's mapping that holds TMF622 v5 resources (`{v5: {productOrder: [...]}}`).
SECTION = "v5"
KINDS = {kind.segment: kind for kind in (PRODUCT_ORDER, CANCEL_PRODUCT_ORDER)}
_PLACEHOLDER_MOMENT = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class V5Entry:
    kind: Kind
    body: Resource
    where: str  # `orders.yaml: $.v5.productOrder[0]`


def complete(kind: Kind, body: Resource, new_id: IdSource, clock: Clock, root: str) -> Resource:
    """The stored resource: the entry plus the server-owned fields it leaves out."""
    resource_id = body["id"] if "id" in body else new_id()
    resource: Resource = {"id": resource_id, "href": f"{root}/{kind.segment}/{resource_id}", **body}
    resource.setdefault("@type", kind.type_name)
    if "creationDate" not in resource:
        resource["creationDate"] = timestamp(clock())
    if kind is CANCEL_PRODUCT_ORDER:
        resource.setdefault("state", TaskState.ACKNOWLEDGED.value)
        return resource
    resource.setdefault("requestedInitialState", OrderState.ACKNOWLEDGED.value)
    resource.setdefault("state", resource["requestedInitialState"])
    resource.setdefault("relatedParty", [])
    if resource["state"] == OrderState.COMPLETED:
        resource.setdefault("completionDate", resource["creationDate"])
    return resource


def load_v5_seed(paths: Sequence[str]) -> Seed:
    """The `v5` sections of every file, checked; SeedError at the first problem."""
    entries = tuple(entry for path in paths for entry in _entries(path, read_document(path)))
    seen: set[tuple[str, Any]] = set()
    for entry in entries:
        key = (entry.kind.collection, entry.body.get("id"))
        if key[1] is not None and key in seen:
            raise SeedError(f"{entry.where}.id: {str(key[1])[:100]!r} is given twice")
        seen.add(key)
        _check(entry)
    # hrefs under the public URL only, relative without one, as before the core stored v5 seeds
    completed = (SeedEntry(e.kind.collection, e.body, e.where, partial(complete, e.kind)) for e in entries)
    return Seed(tuple(completed), absolute=False)


def _entries(path: str, document: Any) -> Iterator[V5Entry]:
    section = document.get(SECTION) if isinstance(document, dict) else None
    if section is None:
        return
    if not isinstance(section, dict) or not set(section) <= set(KINDS):
        raise SeedError(
            f"{path}: $.{SECTION}: expected a mapping with productOrder and/or cancelProductOrder"
        )
    for name, items in section.items():
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise SeedError(f"{path}: $.{SECTION}.{name}: expected a list of {name} objects")
        for index, item in enumerate(items):
            where = f"{path}: $.{SECTION}.{name}[{index}]"
            _require_json(item, where)
            yield V5Entry(KINDS[name], item, where)


def _require_json(item: Resource, where: str) -> None:
    """YAML can hold what JSON cannot (non-string keys, sets, .nan, deep nesting): refused here."""
    try:
        json.dumps(item, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise SeedError(f"{where}: not a JSON object ({str(exc)[:100]})") from None


def _check(entry: V5Entry) -> None:
    """Completed with placeholders, the entry must be a valid v5 resource of its own `@type`."""
    placeholder = complete(entry.kind, entry.body, lambda: "seed", lambda: _PLACEHOLDER_MOMENT, "")
    try:
        check_type(entry.kind, placeholder)
    except InvalidInput as exc:
        raise SeedError(f"{entry.where}{exc.message.removeprefix('$')}") from None
    error = first_error(entry.kind.schema, placeholder, SCHEMA_VERSION)
    if error is not None:
        raise SeedError(f"{entry.where}{error.removeprefix('$')}")
