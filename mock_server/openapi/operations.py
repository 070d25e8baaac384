"""The operations of the mock's OpenAPI documents, keyed by (method, path relative to the base path).

Built from data (`ResourceApi`: a collection, its schemas, PATCH media types, filters), so each API
version declares only what differs. Status codes are the ones the mock really answers (an API's
specification may list more, e.g. 401 and 403, which a mock without authentication never sends); every
4xx/5xx points to a response with the `Error` schema. Filters follow TMF630: any first-level
attribute or dotted path works, the parameters listed are the common ones (and the indexed ones).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
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


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


def _filters(equal: tuple[str, ...], dated: tuple[str, ...], checked: bool = True) -> list[dict[str, Any]]:
    """Equality filters, and date-time ones with their operators; `checked`: a value that is no
    instant gets 400 (store.attributes), else it is taken as it is and matches nothing."""
    params = [
        {"name": n, "in": "query", "description": _FILTER_TEXT, "schema": {"type": "string"}} for n in equal
    ]
    instant = {**_DATE_TIME} if checked else {"type": "string"}
    note = "" if checked else " A value that is not a date or date-time matches nothing."
    for name in dated:
        params.append({"name": name, "in": "query", "description": _FILTER_TEXT + note, "schema": instant})
        params.extend(
            {"name": f"{name}.{op}", "in": "query", "description": _COMPARE_TEXT + note, "schema": instant}
            for op in ("gt", "gte", "lt", "lte")
        )
    return params


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {JSON: {"schema": schema}}


def _errors(*codes: int) -> dict[str, Any]:
    """Placeholders; `openapi._with_error_refs` points each to the shared Error response. Every
    operation can answer 406 (an `Accept` without JSON, `http.negotiation`) and 500."""
    return {str(code): {} for code in sorted({*codes, 406, 500})}


def projection_or(schema: str) -> dict[str, Any]:
    """A 200 answer that may be a TMF630 projection: the whole resource, or with `?fields=` only the
    named first-level attributes and those `PROJECTION` keeps (`store.query.select_fields`)."""
    return {"anyOf": [component_ref(schema), component_ref(f"{schema}_Projection")]}


def _op(op_id: str, tag: str, summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"operationId": op_id, "tags": [tag], "summary": summary, "responses": responses, **extra}


Filters = tuple[tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class ResourceApi:
    """One resource collection as a version serves it: what its operations take and answer."""

    collection: str  # the URL segment
    schema: str  # the resource as answered
    create_schema: str  # the POST body
    filters: Filters  # (equality filters, date-time filters) listed for GET on the collection
    patch_bodies: Mapping[str, str]  # PATCH media type -> body schema; empty: no PATCH
    delete: bool = True
    sortable: tuple[str, ...] = ()  # the attributes `sort` may name (others: 400); empty: any
    dates_checked: bool = True  # whether a date-time filter that is no instant gets 400

    @property
    def name(self) -> str:
        return self.collection[0].upper() + self.collection[1:]


def _links(api: ResourceApi) -> dict[str, Any]:
    """OpenAPI links from the 201 of a POST to the by-id operations: the new resource's `id`."""
    targets = ["retrieve", *(["patch"] if api.patch_bodies else []), *(["delete"] if api.delete else [])]
    return {
        f"{verb.capitalize()}{api.name}": {
            "operationId": f"{verb}{api.name}",
            "parameters": {"id": "$response.body#/id"},
        }
        for verb in targets
    }


def _sort(sortable: tuple[str, ...]) -> dict[str, Any]:
    """`sort` limited to `sortable` attributes: the mock answers 400 for any other (store.attributes)."""
    if not sortable:
        return _ref("sort")
    one = f"[-+]?({'|'.join(re.escape(name) for name in sortable)})"
    return {**PARAMETERS["sort"], "schema": {"type": "string", "pattern": f"^({one}(,{one})*)?$"}}


def _collection_ops(api: ResourceApi) -> dict[tuple[str, str], Any]:
    list_params = [
        _ref("fields"),
        _ref("offset"),
        _ref("limit"),
        _sort(api.sortable),
        *_filters(*api.filters, api.dates_checked),
    ]
    page = {"type": "array", "items": projection_or(api.schema)}
    created = {
        "description": "Created",
        "headers": _LOCATION,
        "content": _json(component_ref(api.schema)),
        "links": _links(api),
    }
    return {
        ("GET", f"/{api.collection}"): _op(
            f"list{api.name}",
            api.collection,
            f"List or find {api.schema} objects",
            {
                "200": {"description": "Success", "headers": _COUNT_HEADERS, "content": _json(page)},
                **_errors(400),
            },
            parameters=list_params,
        ),
        ("POST", f"/{api.collection}"): _op(
            f"create{api.name}",
            api.collection,
            f"Create a {api.schema}",
            {"201": created, **_errors(400, 408, 413, 415)},
            requestBody={"required": True, "content": _json(component_ref(api.create_schema))},
        ),
    }


def _item_ops(api: ResourceApi) -> dict[tuple[str, str], Any]:
    found = {"description": "Success", "content": _json(projection_or(api.schema))}
    path = f"/{api.collection}/{{id}}"
    ops: dict[tuple[str, str], Any] = {
        ("GET", path): _op(
            f"retrieve{api.name}",
            api.collection,
            f"Retrieve a {api.schema} by id",
            {"200": found, **_errors(404)},
            parameters=[_ref("id"), _ref("fields")],
        )
    }
    if api.patch_bodies:
        body = {media: {"schema": component_ref(schema)} for media, schema in api.patch_bodies.items()}
        kinds = ", ".join(api.patch_bodies)
        patched = {"description": "Success", "content": _json(component_ref(api.schema))}
        ops["PATCH", path] = _op(
            f"patch{api.name}",
            api.collection,
            f"Update a {api.schema} partially ({kinds}; other media types get 415)",
            {"200": patched, **_errors(400, 404, 408, 409, 413, 415)},
            parameters=[_ref("id")],
            requestBody={"required": True, "content": body},
        )
    if api.delete:
        ops["DELETE", path] = _op(
            f"delete{api.name}",
            api.collection,
            f"Delete a {api.schema}",
            {"204": {"description": "Deleted"}, **_errors(404)},
            parameters=[_ref("id")],
        )
    return ops


def resource_operations(api: ResourceApi) -> dict[tuple[str, str], Any]:
    return {**_collection_ops(api), **_item_ops(api)}


def hub_operations(input_schema: str, output_schema: str) -> dict[tuple[str, str], Any]:
    subscription = {"content": _json(component_ref(output_schema))}
    links = {
        name: {"operationId": name, "parameters": {"id": "$response.body#/id"}}
        for name in ("retrieveListener", "unregisterListener")
    }
    return {
        ("POST", "/hub"): _op(
            "registerListener",
            "events subscription",
            "Register a listener for TMF622 events (POSTed to <callback>/listener/<eventName>); a callback "
            "that is not an absolute http(s) URL, or a query that is not a TMF630 filter, gets 400; a "
            "callback host the mock refuses gets 403, a full hub 409",
            {
                "201": {"description": "Subscribed", "headers": _LOCATION, **subscription, "links": links},
                **_errors(400, 403, 408, 409, 413, 415),  # 403: a refused callback host, 409: a full hub
            },
            requestBody={"required": True, "content": _json(component_ref(input_schema))},
        ),
        ("GET", "/hub/{id}"): _op(
            "retrieveListener",
            "events subscription",
            "Retrieve a listener subscription (not in the TMF622 specification)",
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


def service_operations(*, health: bool) -> dict[tuple[str, str], Any]:
    """This document, and (for the version that has it under its base path) the health check."""
    ops = {
        ("GET", "/openapi.json"): _op(
            "openapi",
            "service",
            "This document",
            {
                "200": {"description": "The OpenAPI 3.1 document", "content": _json({"type": "object"})},
                **_errors(),
            },
        )
    }
    if health:
        ops["GET", "/health"] = _op(
            "health",
            "service",
            "Liveness, storage kind and resource counts of each version",
            {"200": {"description": "Up", "content": _json(component_ref("Health"))}, **_errors()},
        )
    return ops
