"""The four PATCH media types of the v5 OAS (`ProductOrder_MVO` request body) applied to a resource.

- `application/merge-patch+json` (RFC 7386) and `application/json` (the OAS example sends the same
  partial resource): body checked against `ProductOrder_MVO`, `@type` included;
- `application/json-patch+json` (RFC 6902): body checked against `JsonPatchOperations`;
- `application/json-patch-query+json`: the same operations with query paths (see `patch_query`),
  each resolved against the resource as patched by the operations before it.
"""

from __future__ import annotations

from typing import Any

from mock_server.domain.patching import apply_patch
from mock_server.http.bodies import JSON, JSON_PATCH, MERGE_PATCH
from mock_server.v5.patch_query import plain_operations
from mock_server.v5.resources import OPERATIONS_SCHEMA, PATCH_SCHEMA
from mock_server.v5.validation import require_valid

JSON_PATCH_QUERY = "application/json-patch-query+json"
PATCH_MEDIA_TYPES = (MERGE_PATCH, JSON, JSON_PATCH, JSON_PATCH_QUERY)

Resource = dict[str, Any]


def patched(document: Resource, media_type: str, body: Any) -> Resource:
    """The patched copy of `document` (left untouched), or a 400 ApiError."""
    if media_type in (MERGE_PATCH, JSON):
        require_valid(PATCH_SCHEMA, body)
        return apply_patch(document, MERGE_PATCH, body)
    require_valid(OPERATIONS_SCHEMA, body)
    if media_type == JSON_PATCH:
        return apply_patch(document, JSON_PATCH, body)
    result = document
    for operation in body:
        result = apply_patch(result, JSON_PATCH, plain_operations(result, operation))
    return result
