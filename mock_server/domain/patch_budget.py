"""How big and how deep a patched resource may get, enforced while a JSON Patch is applied.

A PATCH result is bounded like a request body: a few `copy` operations can double a resource each
time (a 1.2 KB patch once built a 120 MB order), so each RFC 6902 operation is weighed before it is
applied. The budget keeps upper bounds of the document's encoded size and nesting depth; an
operation that would push a bound past its limit is refused (413 for size, 400 for nesting) unless
a fresh measurement of the document shows room. Measurements cost a pass over the document, so
only a few are allowed per patch: the work stays proportional to the limit, never to the patch.

An API version may let one operation stand for many (TMF630 JSON Patch Query selects array elements
by value): its `Expand` turns each operation into plain ones against the document as patched so
far, paying its search with a `Work` allowance. Every plain operation is weighed like any other, and
the whole patch may search at most `MAX_EXPANSION_WORK` nodes and fan out into at most
`MAX_FANNED_OPERATIONS` more operations than it has: past either it is refused (400) at once, so a
small body can neither stall the event loop nor grow without bound.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import jsonpatch
import jsonpointer

from mock_server.domain.errors import DomainError, InvalidInput, TooLarge
from mock_server.http.bodies import MAX_DEPTH, nesting_depth
from mock_server.http.responses import dump_json

#: What a stored resource may carry beyond a request body's size: the server's own fields
#: (id, href, orderDate, state, completionDate, ...). A PATCH result may be this much larger too.
SERVER_FIELDS_BYTES = 4096
#: Fresh measurements of the whole document one patch may ask for (each is a pass over it).
MEASUREMENTS = 4
#: Nodes one patch's expansion may look at (1,000 element-selecting operations on a 2,000-item
#: order would be 2 million: seconds of a blocked loop; this is a few milliseconds).
MAX_EXPANSION_WORK = 100_000
#: Operations one patch's expansion may add beyond one per operation of the body.
MAX_FANNED_OPERATIONS = 1_000


class Work:
    """What one patch's expansion may still do; `spend` refuses (400) past the allowance."""

    def __init__(self, nodes: int = MAX_EXPANSION_WORK) -> None:
        self.nodes = nodes

    def spend(self, nodes: int) -> None:
        self.nodes -= nodes
        if self.nodes < 0:
            raise InvalidInput(f"The patch selects through more than {MAX_EXPANSION_WORK} nodes; split it")


Operation = dict[str, Any]
#: Plain RFC 6902 operations for one operation of the body, against the document as patched so far.
Expand = Callable[[Any, Operation, Work], Iterable[Operation]]


def resource_limit(max_body_bytes: int) -> int:
    """The largest encoded resource the server keeps: a body's worth plus the server's fields."""
    return max_body_bytes + SERVER_FIELDS_BYTES


#: Why a refusal made on the running estimates alone is not a finding: the patch ran out of looks.
_UNMEASURED = f"the patch needs more than {MEASUREMENTS} measurements of it to tell; split the patch"


def too_large(limit: int, *, measured: bool) -> DomainError:
    if measured:
        return TooLarge(f"The patched resource would exceed {limit} bytes (max_body_bytes + server fields)")
    return TooLarge(f"The patched resource could exceed {limit} bytes: {_UNMEASURED}")


def too_deep(*, measured: bool) -> DomainError:
    if measured:
        return InvalidInput(f"The patched resource would nest deeper than {MAX_DEPTH} levels")
    return InvalidInput(f"The patched resource could nest deeper than {MAX_DEPTH} levels: {_UNMEASURED}")


def depth_bound(value: Any, encoded: bytes) -> int:
    """`value`'s depth, from a cheap count of its brackets when that is small enough to decide."""
    brackets = encoded.count(b"[") + encoded.count(b"{")
    return brackets + 1 if brackets < MAX_DEPTH else nesting_depth(value)


def _parts(pointer: Any) -> int:
    """How many levels below the root a JSON Pointer points (its own errors are the caller's 400)."""
    return len(jsonpointer.JsonPointer(pointer).parts)


@dataclass
class Budget:
    """Upper bounds of one document's encoded size and depth (at most MAX_DEPTH, so encoding the
    document is always safe), and the size limit."""

    max_bytes: int
    size: int
    depth: int
    measurements: int = MEASUREMENTS

    @classmethod
    def of(cls, document: Any, max_bytes: int) -> Budget:
        """Every stored resource nests at most MAX_DEPTH levels (bodies, seeds and patches are held
        to it), so that bound is used until a change needs the real figure."""
        encoded = dump_json(document)
        brackets = encoded.count(b"[") + encoded.count(b"{")
        return cls(max_bytes, len(encoded), min(brackets + 1, MAX_DEPTH))

    def allow(self, document: Any, extra_bytes: int, *, placed: int = 0, lift: int = 0) -> None:
        """Record a change adding up to `extra_bytes`, placing a value `placed` levels deep or
        moving a subtree `lift` levels further down; or refuse it."""
        if self.size + extra_bytes > self.max_bytes and self._measurement():
            self.size = len(dump_json(document))
        if self.size + extra_bytes > self.max_bytes:
            raise too_large(self.max_bytes, measured=self.measurements >= 0)
        if placed > MAX_DEPTH:  # exact past the limit: `weigh` measures such a value
            raise too_deep(measured=True)
        if self.depth + lift > MAX_DEPTH and self._measurement():
            self.depth = nesting_depth(document)
        if self.depth + lift > MAX_DEPTH:
            raise too_deep(measured=self.measurements >= 0)
        self.size += extra_bytes
        self.depth = max(self.depth + lift, placed)

    def _measurement(self) -> bool:
        """Whether a fresh measurement (a pass over the document) is still allowed; spends one. Once
        one was refused, `measurements` stays negative: a refusal then says it is an estimate."""
        self.measurements -= 1
        return self.measurements >= 0


def weigh(budget: Budget, document: Any, operation: dict[str, Any]) -> None:
    """Refuse `operation` if its result could break the budget; removals and tests never grow it.

    `add`/`replace` bring a value from the body; `copy` duplicates a subtree (its size is what
    it adds); `move` only renames. Each may add a member name (at most its path) with its quotes,
    colon and comma. A subtree taken from `from` goes as many levels down as `path` is deeper.
    """
    name, path = operation.get("op"), operation.get("path")
    member = len(str(path)) + 4
    if name in {"add", "replace"} and "value" in operation:
        encoded = dump_json(operation["value"])
        placed = _parts(path) + depth_bound(operation["value"], encoded)
        if placed > MAX_DEPTH:  # the bracket count over-counts a wide value: measure it before refusing
            placed = _parts(path) + nesting_depth(operation["value"])
        budget.allow(document, member + len(encoded), placed=placed)
    elif name in {"copy", "move"}:
        source = operation["from"]  # jsonpatch has checked that copy and move name one
        added = len(dump_json(jsonpointer.resolve_pointer(document, source))) if name == "copy" else 0
        budget.allow(document, member + added, lift=max(_parts(path) - _parts(source), 0))


def _as_is(_document: Any, operation: Operation, _work: Work) -> Iterable[Operation]:
    return (operation,)


def apply_json_patch(
    document: dict[str, Any], operations: list[Any], max_bytes: int, expand: Expand = _as_is
) -> Any:
    """RFC 6902 on a copy of `document`, each operation (as `expand` gives it) checked by
    jsonpatch, then weighed, then applied; jsonpatch's errors, and jsonpointer's, are the caller's
    to turn into a 400.
    """
    result: Any = copy.deepcopy(document)
    budget, work = Budget.of(result, max_bytes), Work()
    fanned = 0
    for operation in operations:
        for number, plain in enumerate(expand(result, operation, work)):
            fanned += number > 0
            if fanned > MAX_FANNED_OPERATIONS:
                raise InvalidInput(
                    f"The patch fans out into more than {MAX_FANNED_OPERATIONS} extra operations"
                )
            step = jsonpatch.JsonPatch([plain])
            weigh(budget, result, step.patch[0])
            result = step.apply(result, in_place=True)
    return result


def bounded_json(resource: dict[str, Any], max_bytes: int) -> bytes:
    """The resource as the JSON the store keeps and the response carries, or 413 past `max_bytes`.

    Run before anything is written: nothing after the write then needs to encode (or can fail on)
    it. Nesting needs no check here: stored resources and bodies nest at most MAX_DEPTH levels, a
    merge patch result no deeper than either, and a JSON Patch is held to it operation by operation.
    """
    encoded = dump_json(resource)
    if len(encoded) > max_bytes:
        raise too_large(max_bytes, measured=True)
    return encoded
