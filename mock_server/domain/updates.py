"""The rules every PATCH passes before anything is stored: read-only fields, schema, state table."""

from __future__ import annotations

from typing import Any, Protocol

from mock_server.domain.errors import Conflict, InvalidInput
from mock_server.domain.patching import apply_patch
from mock_server.domain.resources import ResourceKind
from mock_server.domain.state_machine import Machine
from mock_server.http.validation import require_valid

Resource = dict[str, Any]


def check_read_only(kind: ResourceKind, before: Resource, after: Resource) -> None:
    """Server-owned fields (swagger `*_Update` omits them) may be echoed unchanged, never changed."""
    for name in kind.read_only:
        if before.get(name) != after.get(name):
            raise InvalidInput(f"$.{name}: {name} is set by the server and cannot be patched")


class Governed(Protocol):
    """A kind of resource whose `state` a transition table governs (any API version's kinds alike)."""

    @property
    def machine(self) -> Machine: ...


def check_state(kind: Governed, before: Resource, after: Resource) -> None:
    """A `state` change outside the transition table is a conflict with the current state (409)."""
    old, new = before.get("state"), after.get("state")
    if old is not None and new is None:
        raise InvalidInput("$.state: state is required and cannot be removed")
    if isinstance(old, str) and isinstance(new, str):
        refusal = kind.machine.refusal(old, new)
        if refusal is not None:
            raise Conflict(refusal)


def updated(
    kind: ResourceKind, before: Resource, media_type: str, body: Any, *, now: str, max_bytes: int
) -> Resource:
    """The resource after the patch, or a domain error (`domain.errors`) with nothing changed."""
    after = apply_patch(before, media_type, body, max_bytes)
    check_read_only(kind, before, after)
    require_valid(kind.schema, after)
    check_state(kind, before, after)
    if kind.on_update is not None:
        kind.on_update(before, after, now)
    return after
