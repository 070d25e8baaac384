"""What the shared operations need to know about one kind of resource a version serves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mock_server.domain.state_machine import Machine
from mock_server.store.base import Collection

#: A version's rule after a PATCH (before, after, now): refuse it (domain error) or complete `after` in place.
OnUpdate = Callable[[dict[str, Any], dict[str, Any], str], None]
#: Resource ids are opaque strings; anything longer is simply not one of ours.
MAX_ID_LENGTH = 256


@dataclass(frozen=True, slots=True)
class ResourceKind:
    """One resource kind of a version: the core's list, retrieve, patch and delete are bound to it."""

    collection: Collection  # also the URL segment and the event name prefix
    type_name: str  # default `@type`
    schema: str  # a stored resource (checked after PATCH)
    create_schema: str  # POST body
    read_only: tuple[str, ...]  # server-owned, refused in PATCH
    machine: Machine  # governs `state`
    on_update: OnUpdate | None = None  # the version's own rules on a PATCH result
