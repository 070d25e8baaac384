"""The four PATCH media types of the v5 OAS (`ProductOrder_MVO` request body) applied to a resource.

- `application/merge-patch+json` (RFC 7386) and `application/json` (the OAS example sends the same
  partial resource): body checked against `ProductOrder_MVO`, `@type` included;
- `application/json-patch+json` (RFC 6902): body checked against `JsonPatchOperations`;
- `application/json-patch-query+json`: the same operations with query paths (see `patch_query`),
  each resolved against the resource as patched by the operations before it.

Operations run one by one on a private copy (all or nothing), within bounds: `copy` and a query
that fans an `add` out to many elements could otherwise grow a resource without limit from a small
body (30 copies of itself is 2^30 times its size), and nested adds could make it too deep to
validate or write back. A patch past either bound is a 400 and changes nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import jsonpatch
import jsonpointer

from mock_server.domain.patching import apply_patch
from mock_server.http.bodies import JSON, JSON_PATCH, MAX_DEPTH, MERGE_PATCH, json_type, nesting_depth
from mock_server.http.errors import bad_request
from mock_server.http.responses import dump_json
from mock_server.v5.patch_query import plain_operations
from mock_server.v5.resources import OPERATIONS_SCHEMA, PATCH_SCHEMA
from mock_server.v5.validation import require_valid

JSON_PATCH_QUERY = "application/json-patch-query+json"
PATCH_MEDIA_TYPES = (MERGE_PATCH, JSON, JSON_PATCH, JSON_PATCH_QUERY)
#: JSON bytes one PATCH may add to a resource (`add`/`replace` values, `copy` sources, fan-out).
MAX_GROWTH_BYTES = 1024 * 1024

Resource = dict[str, Any]
Operation = dict[str, Any]
Expand = Callable[[Any, Operation], list[Operation]]
#: What a malformed or inapplicable RFC 6902 operation can raise inside jsonpatch.
_PATCH_ERRORS = (
    jsonpatch.JsonPatchException,
    jsonpointer.JsonPointerException,
    LookupError,
    TypeError,
    ValueError,
    AttributeError,
)


def patched(document: Resource, media_type: str, body: Any) -> Resource:
    """The patched copy of `document` (left untouched), or a 400 ApiError."""
    if media_type in (MERGE_PATCH, JSON):
        require_valid(PATCH_SCHEMA, body)
        return apply_patch(document, MERGE_PATCH, body, MAX_GROWTH_BYTES)
    require_valid(OPERATIONS_SCHEMA, body)
    expand: Expand = plain_operations if media_type == JSON_PATCH_QUERY else _as_is
    result = _apply_all(document, body, expand)
    if not isinstance(result, dict):
        raise bad_request(f"$: the patched resource must stay a JSON object, got {json_type(result)}")
    if nesting_depth(result) > MAX_DEPTH:
        raise bad_request(f"$: the patched resource would nest deeper than {MAX_DEPTH} levels")
    return result


def _as_is(_document: Any, operation: Operation) -> list[Operation]:
    return [operation]


def _apply_all(document: Resource, operations: list[Operation], expand: Expand) -> Any:
    result: Any = copy.deepcopy(document)
    budget = MAX_GROWTH_BYTES
    for operation in operations:
        for plain in expand(result, operation):
            budget -= _growth(result, plain)
            if budget < 0:
                raise bad_request(f"the patch would add more than {MAX_GROWTH_BYTES} bytes to the resource")
            result = _apply_one(result, plain)
    return result


def _growth(document: Any, operation: Operation) -> int:
    """JSON bytes the operation brings in: its value, or for `copy` the copied part."""
    if operation["op"] in {"add", "replace"}:
        return len(dump_json(operation.get("value")))
    if operation["op"] == "copy":
        try:
            return len(dump_json(jsonpointer.resolve_pointer(document, str(operation.get("from", "")), None)))
        except _PATCH_ERRORS:
            return 0  # an invalid `from` fails when applied
    return 0


def _apply_one(document: Any, operation: Operation) -> Any:
    """In place on the private copy; a fanned-out `value` is copied so no two places share it."""
    if "value" in operation:
        operation = {**operation, "value": copy.deepcopy(operation["value"])}
    try:
        return jsonpatch.JsonPatch([operation]).apply(document, in_place=True)
    except _PATCH_ERRORS as exc:
        raise bad_request(f"JSON Patch cannot be applied: {str(exc)[:300]}") from None
