"""PATCH bodies: JSON Merge Patch (RFC 7386, TMF630's mandatory flavour) and JSON Patch (RFC 6902)."""

from __future__ import annotations

import copy
from typing import Any

import jsonpatch
import jsonpointer

from mock_server.domain.errors import InvalidInput
from mock_server.domain.patch_budget import apply_json_patch
from mock_server.http.bodies import JSON, JSON_PATCH, MERGE_PATCH, json_type

#: `application/json` is treated as merge patch, as TMF630 does.
PATCH_MEDIA_TYPES = (MERGE_PATCH, JSON, JSON_PATCH)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 section 2, written out (eight lines; no maintained library is smaller): objects
    merge recursively, `null` deletes a member, anything else replaces the target.
    """
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = merge_patch(result.get(name), value)
    return result


#: What a malformed or inapplicable RFC 6902 document can raise inside jsonpatch.
PATCH_ERRORS = (
    jsonpatch.JsonPatchException,
    jsonpointer.JsonPointerException,
    LookupError,
    TypeError,
    ValueError,
    AttributeError,
)


def _json_patch(document: dict[str, Any], operations: Any, max_bytes: int) -> Any:
    if not isinstance(operations, list):
        raise InvalidInput(
            f"$: a JSON Patch body must be an array of operations, got {json_type(operations)}"
        )
    try:
        return apply_json_patch(document, operations, max_bytes)
    except PATCH_ERRORS as exc:
        raise InvalidInput(f"JSON Patch cannot be applied: {exc}") from None


def apply_patch(document: dict[str, Any], media_type: str, body: Any, max_bytes: int) -> dict[str, Any]:
    """The patched copy of `document`; `document` itself is left untouched. A JSON Patch stops at
    `max_bytes` (see `patch_budget`); a merge patch cannot grow a resource by more than its own size.
    """
    if media_type == JSON_PATCH:
        patched = _json_patch(document, body, max_bytes)
    elif isinstance(body, dict):
        patched = merge_patch(document, body)
    else:
        raise InvalidInput(f"$: a merge patch body must be a JSON object, got {json_type(body)}")
    if not isinstance(patched, dict):
        raise InvalidInput(f"$: the patched resource must stay a JSON object, got {json_type(patched)}")
    return patched
