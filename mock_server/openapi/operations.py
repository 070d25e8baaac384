"""The operations of the mock's OpenAPI document, keyed by (method, path relative to the base path).

Status codes are the ones the mock really answers (swagger TMF622 v4 lists more, e.g. 401 and
403, which a mock without authentication never sends); every 4xx/5xx points to a response with
the `Error` schema. Filters follow TMF630: any first-level attribute or dotted path works, the
parameters listed are the common ones (and the indexed ones).
"""

from __future__ import annotations

from typing import Any

from mock_server.openapi.schemas import component_ref

JSON = "application/json"
MAX_COUNT = 999_999_999  # query.parse_count takes up to nine digits

PARAMETERS: dict[str, Any] = {
    "id": {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}},
    "fields": {
        "name": "fields",
        "in": "query",
        "description": "Comma-separated first-level attributes to return (id and href always come back).",
        "schema": {"type": "string"},
    },
    "offset": {
        "name": "offset",
        "in": "query",
        "description": "Index of the first resource of the page (TMF630).",
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_COUNT},
    },
    "limit": {
        "name": "limit",
        "in": "query",
        "description": "Page size; larger values are cut to the server's maximum (TMF630).",
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_COUNT},
    },
    "sort": {
        "name": "sort",
        "in": "query",
        "description": (
            "Comma-separated attributes of the resource, '-' before one for descending (default: newest "
            "first); an attribute the resource does not have gets 400."
        ),
        "schema": {"type": "string"},
    },
}

_COUNT_HEADERS = {
    "X-Total-Count": {
        "description": "Resources matching the filters, over all pages.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    },
    "X-Result-Count": {
        "description": "Resources in this page.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    },
}
_LOCATION = {
    "Location": {"description": "URL of the new resource (equals its href).", "schema": {"type": "string"}}
}
_FILTER_TEXT = (
    "TMF630 filter: equal to one of the comma-separated values ('a,b' is OR; several filters are AND)."
)
_COMPARE_TEXT = "TMF630 filter: compare as instants (also written name>=value, name<value...)."
#: Date-time filters take ISO 8601 dates or date-times only: anything else gets 400.
_DATE_TIME = {"type": "string", "format": "date-time"}
_ORDER_FILTERS = (
    ("id", "state", "externalId", "category", "priority", "relatedParty.id", "relatedParty.role"),
    ("orderDate", "completionDate", "requestedStartDate", "requestedCompletionDate"),
)
_TASK_FILTERS = (
    ("id", "state", "productOrder.id", "cancellationReason"),
    ("requestedCancellationDate", "effectiveCancellationDate"),
)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


def _filters(equal: tuple[str, ...], dated: tuple[str, ...]) -> list[dict[str, Any]]:
    params = [
        {"name": n, "in": "query", "description": _FILTER_TEXT, "schema": {"type": "string"}} for n in equal
    ]
    for name in dated:
        params.append({"name": name, "in": "query", "description": _FILTER_TEXT, "schema": {**_DATE_TIME}})
        params.extend(
            {"name": f"{name}.{op}", "in": "query", "description": _COMPARE_TEXT, "schema": {**_DATE_TIME}}
            for op in ("gt", "gte", "lt", "lte")
        )
    return params


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {JSON: {"schema": schema}}


def _errors(*codes: int) -> dict[str, Any]:
    """Placeholders; `openapi._with_error_refs` points each to the shared Error response."""
    return {str(code): {} for code in (*codes, 500)}


def _op(op_id: str, tag: str, summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"operationId": op_id, "tags": [tag], "summary": summary, "responses": responses, **extra}


def _collection_ops(
    collection: str, schema: str, create: str, filters: tuple[tuple[str, ...], tuple[str, ...]]
) -> dict[tuple[str, str], Any]:
    name = collection[0].upper() + collection[1:]
    list_params = [_ref("fields"), _ref("offset"), _ref("limit"), _ref("sort"), *_filters(*filters)]
    page = {"type": "array", "items": component_ref(schema)}
    created = {"description": "Created", "headers": _LOCATION, "content": _json(component_ref(schema))}
    return {
        ("GET", f"/{collection}"): _op(
            f"list{name}",
            collection,
            f"List or find {schema} objects",
            {
                "200": {"description": "Success", "headers": _COUNT_HEADERS, "content": _json(page)},
                **_errors(400),
            },
            parameters=list_params,
        ),
        ("POST", f"/{collection}"): _op(
            f"create{name}",
            collection,
            f"Create a {schema}",
            {"201": created, **_errors(400, 408, 413, 415)},
            requestBody={"required": True, "content": _json(component_ref(create))},
        ),
    }


def _item_ops(collection: str, schema: str, merge_schema: str) -> dict[tuple[str, str], Any]:
    name = collection[0].upper() + collection[1:]
    patch_body = {
        "application/merge-patch+json": {"schema": component_ref(merge_schema)},
        JSON: {"schema": component_ref(merge_schema)},
        "application/json-patch+json": {"schema": component_ref("JsonPatch")},
    }
    found = {"description": "Success", "content": _json(component_ref(schema))}
    path = f"/{collection}/{{id}}"
    return {
        ("GET", path): _op(
            f"retrieve{name}",
            collection,
            f"Retrieve a {schema} by id",
            {"200": found, **_errors(404)},
            parameters=[_ref("id"), _ref("fields")],
        ),
        ("PATCH", path): _op(
            f"patch{name}",
            collection,
            f"Update a {schema} partially (merge patch or JSON Patch; other media types get 415)",
            {"200": found, **_errors(400, 404, 408, 409, 413, 415)},
            parameters=[_ref("id")],
            requestBody={"required": True, "content": patch_body},
        ),
        ("DELETE", path): _op(
            f"delete{name}",
            collection,
            f"Delete a {schema}",
            {"204": {"description": "Deleted"}, **_errors(404)},
            parameters=[_ref("id")],
        ),
    }


def _hub_ops() -> dict[tuple[str, str], Any]:
    subscription = {"content": _json(component_ref("EventSubscription"))}
    return {
        ("POST", "/hub"): _op(
            "registerListener",
            "events subscription",
            "Register a listener for TMF622 events (POSTed to <callback>/listener/<eventName>)",
            {
                "201": {"description": "Subscribed", "headers": _LOCATION, **subscription},
                **_errors(400, 403, 408, 409, 413, 415),  # 403: a refused callback host, 409: a full hub
            },
            requestBody={"required": True, "content": _json(component_ref("EventSubscriptionInput"))},
        ),
        ("GET", "/hub/{id}"): _op(
            "retrieveListener",
            "events subscription",
            "Retrieve a listener subscription (not in the v4 swagger)",
            {"200": {"description": "Success", **subscription}, **_errors(404)},
            parameters=[_ref("id")],
        ),
        ("DELETE", "/hub/{id}"): _op(
            "unregisterListener",
            "events subscription",
            "Unregister a listener",
            {"204": {"description": "Deleted"}, **_errors(404)},
            parameters=[_ref("id")],
        ),
    }


def _service_ops() -> dict[tuple[str, str], Any]:
    return {
        ("GET", "/health"): _op(
            "health",
            "service",
            "Liveness, storage kind and order count",
            {"200": {"description": "Up", "content": _json(component_ref("Health"))}, **_errors()},
        ),
        ("GET", "/openapi.json"): _op(
            "openapi",
            "service",
            "This document",
            {"200": {"description": "The OpenAPI 3.1 document", "content": _json({"type": "object"})}},
        ),
    }


OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    **_collection_ops("productOrder", "ProductOrder", "ProductOrder_Create", _ORDER_FILTERS),
    **_item_ops("productOrder", "ProductOrder", "ProductOrder_Update"),
    **_collection_ops("cancelProductOrder", "CancelProductOrder", "CancelProductOrder_Create", _TASK_FILTERS),
    **_item_ops("cancelProductOrder", "CancelProductOrder", "MergePatch"),
    **_hub_ops(),
    **_service_ops(),
}
