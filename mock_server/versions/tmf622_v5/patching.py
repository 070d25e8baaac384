"""The four PATCH media types of the v5 OAS (`ProductOrder_MVO` request body) applied to a resource.

- `application/merge-patch+json` (RFC 7386) and `application/json` (the OAS example sends the same
  partial resource): body checked against `ProductOrder_MVO`, `@type` included;
- `application/json-patch+json` (RFC 6902): body checked against `JsonPatchOperations`;
- `application/json-patch-query+json`: the same operations with query paths (see `patch_query`),
  each resolved against the resource as patched by the operations before it.

Operations run one by one on a private copy (all or nothing) within the core's PATCH budget
(`domain.patch_budget`), as v4's do: each operation is weighed before it is applied, so a result
past the resource size limit is a 413 and one nesting too deep a 400 (never a RecursionError), and
a query's fan-out and search are bounded (400 at once, the loop never stalls).
"""

from __future__ import annotations

from typing import Any

from mock_server.domain.errors import InvalidInput
from mock_server.domain.patch_budget import Operation, Work, apply_json_patch
from mock_server.domain.patching import PATCH_ERRORS, apply_patch
from mock_server.http.bodies import JSON, JSON_PATCH, MERGE_PATCH, json_type
from mock_server.http.validation import require_valid
from mock_server.versions.tmf622_v5.patch_query import plain_operations
from mock_server.versions.tmf622_v5.resources import OPERATIONS_SCHEMA, PATCH_SCHEMA, SCHEMA_VERSION

JSON_PATCH_QUERY = "application/json-patch-query+json"
PATCH_MEDIA_TYPES = (MERGE_PATCH, JSON, JSON_PATCH, JSON_PATCH_QUERY)

Resource = dict[str, Any]


def patched(document: Resource, media_type: str, body: Any, max_bytes: int) -> Resource:
    """The patched copy of `document` (left untouched), or a domain error (InvalidInput, TooLarge)."""
    if media_type in (MERGE_PATCH, JSON):
        require_valid(PATCH_SCHEMA, body, SCHEMA_VERSION)
        return apply_patch(document, MERGE_PATCH, body, max_bytes)
    require_valid(OPERATIONS_SCHEMA, body, SCHEMA_VERSION)
    try:
        if media_type == JSON_PATCH_QUERY:
            result = apply_json_patch(document, body, max_bytes, _query)
        else:
            result = apply_json_patch(document, body, max_bytes)
    except PATCH_ERRORS as exc:
        raise InvalidInput(f"JSON Patch cannot be applied: {str(exc)[:300]}") from None
    if not isinstance(result, dict):
        raise InvalidInput(f"$: the patched resource must stay a JSON object, got {json_type(result)}")
    return result


def _query(document: Any, operation: Operation, work: Work) -> list[Operation]:
    return plain_operations(document, operation, work)
