"""Seed data: resources read from YAML or JSON files, stored at start and after each reset.

Each version reads its own section of the files (`ApiVersion.load_seed`) into `SeedEntry`s; the
core reads the files (`read_document`: `.json` as JSON, any other name as YAML, timestamps kept as
strings), refuses what JSON cannot hold (`check_json`) and stores every entry, completed with the
server-owned fields its version fills in as on POST (`Seed.apply`). Seeds go into an empty store
only: a SQLite file that already holds resources (a restart) keeps them as they are.
`POST /_mock/reset` empties the store and applies the seed again.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mock_server.domain.clock import Clock, IdSource
from mock_server.store.base import Collection, Resource, Store
from mock_server.store.query import Query

#: Deeper documents are refused (the API refuses them too, see bodies.MAX_DEPTH).
MAX_DEPTH = 64
#: A version's rule: the stored resource from a seed entry (`body`, a new id, the clock, the root
#: its hrefs go under), with the server-owned fields the entry leaves out filled in.
Complete = Callable[[dict[str, Any], IdSource, Clock, str], Resource]


class SeedError(ValueError):
    """A seed file is unreadable or holds an invalid entry; the message names the file and the path."""


class _Loader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: `2026-01-01T00:00:00Z` stays a string."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class SeedEntry:
    """One resource of a seed file, as written there, and how its version completes it."""

    collection: Collection
    body: dict[str, Any]
    where: str  # `orders.yaml: $.<key>[2]`
    complete: Complete


@dataclass(frozen=True, slots=True)
class Seed:
    """One version's entries of every seed file, in file order; applied as a whole."""

    entries: tuple[SeedEntry, ...] = ()
    #: True: hrefs under the root a request would see (`access.hosts.start_root`); False: under the
    #: public URL only (relative without one).
    absolute: bool = True

    async def apply(self, store: Store, new_id: IdSource, clock: Clock, root: str) -> None:
        """Add every entry, completed with server-owned fields; `root` is `<root><base path>`."""
        given = {entry.body["id"] for entry in self.entries if "id" in entry.body}

        def fresh_id() -> str:  # never an id a later entry of the seed brings itself
            while (candidate := new_id()) in given:
                pass
            return candidate

        async with store.bulk():
            for entry in self.entries:
                await store.add(entry.collection, entry.complete(entry.body, fresh_id, clock, root))


async def is_empty(store: Store, collections: Iterable[Collection]) -> bool:
    for collection in collections:
        if (await store.query(collection, Query(limit=0))).total:
            return False
    return True


def read_document(path: str) -> Any:
    """A seed file's content (JSON or YAML, timestamps kept as strings); SeedError if unreadable."""
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


def check_json(value: Any, where: str) -> None:
    """YAML can express what JSON cannot (non-string keys, sets, binary, .nan, deep nesting): refused."""
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
