"""How the stores keep a resource: immutable JSON bytes (orjson), read back as a fresh dict.

Bytes instead of live dicts: a read is one `orjson.loads` (about 1-2 µs for an order, against
`copy.deepcopy`'s tens), the caller still owns what it gets, a stored order takes less memory, and
bytes are not tracked by the garbage collector (a million stored dicts made its full collections,
and so the p99 latency, grow with the store).

orjson cannot keep every value Python's `json` accepts: integers beyond 64 bits and lone surrogates
(from a `\\ud800` escape) raise, NaN and infinities become null. Such a resource is kept as a private
deep copy instead (`frozen` checks the round trip), exactly as before this codec existed.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import orjson

Resource = dict[str, Any]
#: JSON bytes, or (rarely) a private deep copy of a resource orjson cannot round-trip.
Frozen = bytes | Resource


def encoded(resource: Resource) -> bytes | None:
    """`resource` as orjson bytes, or None when they would not read back as an equal resource."""
    try:
        data = orjson.dumps(resource)
    except orjson.JSONEncodeError:
        return None
    if orjson.loads(data) != resource:
        return None
    return bytes(memoryview(data))  # orjson's bytes keep a 4 KiB buffer: a copy holds only the JSON


def frozen(resource: Resource) -> Frozen:
    """What a store keeps of `resource`: later changes to the caller's dict do not reach it."""
    data = encoded(resource)
    return copy.deepcopy(resource) if data is None else data


def thawed(stored: Frozen) -> Resource:
    """A fresh dict the caller owns."""
    if isinstance(stored, bytes):
        resource: Resource = orjson.loads(stored)
        return resource
    return copy.deepcopy(stored)


def as_json(stored: Frozen) -> bytes:
    """The resource as compact UTF-8 JSON, ready for a response body (no dict in between)."""
    if isinstance(stored, bytes):
        return stored
    return json.dumps(stored, separators=(",", ":")).encode("ascii")  # ASCII escapes: lone surrogates too
