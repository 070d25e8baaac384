"""The mock's own OpenAPI 3.1 documents, one per served version: exactly the routes the running app has.

Served at `GET {base}/openapi.json` of each version (`GET /openapi.json` lists them, index.py).
Paths are absolute (base path included) and `servers` is `/` (or --public-url), so root aliases
(a version's health check) are described too. Operations come from the version's table keyed by
method and path relative to its base path (its `OpenApiSource`, from its folder through
`mock_server.plugin.ApiVersion.openapi`); the document lists a route only when the app really has
it, so what is described is what is implemented. Control endpoints (`/_mock/...`), the landing page
and /docs are left out on purpose: they are not part of the API.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

from aiohttp import web

from mock_server.http.paths import is_control, relative_path
from mock_server.http.responses import JSON_CONTENT_TYPE, dump_json
from mock_server.keys import SETTINGS_KEY, VERSIONS_KEY
from mock_server.openapi.operations import PARAMETERS
from mock_server.openapi.schemas import component_ref, component_schemas
from mock_server.openapi.source import OpenApiSource

OPENAPI_VERSION = "3.1.0"
DOCUMENT_NAME = "openapi.json"
#: Methods aiohttp adds by itself (HEAD next to every GET) or that match anything.
_IMPLICIT_METHODS = frozenset({"HEAD", "*"})


def documented(app: web.Application) -> list[tuple[OpenApiSource, str]]:
    """The served versions' document sources (`mock_server.plugin.ApiVersion.openapi`), each with
    its base path, in the registry's order."""
    return [(version.openapi, base_path) for version, base_path in app.get(VERSIONS_KEY, ())]


def base_path_of(app: web.Application, api: OpenApiSource) -> str:
    """Where `api` is served in this app."""
    for source, base_path in documented(app):
        if source is api:
            return base_path
    raise LookupError(f"{api.key} is not served by this app")


def app_routes(app: web.Application, api: OpenApiSource) -> Iterator[tuple[str, str]]:
    """(method, path template) of every route of the app that `api`'s document describes."""
    base_path = base_path_of(app, api)
    for route in app.router.routes():
        resource = route.resource
        if resource is None or route.method in _IMPLICIT_METHODS or is_control(resource.canonical, base_path):
            continue
        if _operation_key(route.method, resource.canonical, base_path, api) is not None:
            yield route.method, resource.canonical


def _operation_key(method: str, path: str, base_path: str, api: OpenApiSource) -> tuple[str, str] | None:
    relative = relative_path(path, base_path)
    under_base = relative != path or not base_path
    if not under_base and relative not in api.root_aliases:
        return None
    return (method, relative) if (method, relative) in api.operations else None


def _operation(method: str, path: str, base_path: str, api: OpenApiSource) -> dict[str, Any]:
    key = _operation_key(method, path, base_path, api)
    assert key is not None, (method, path)
    operation = copy.deepcopy(api.operations[key])
    if key[1] == path and base_path:  # a root alias of an operation under the base path
        operation["operationId"] += "AtRoot"
    return operation


def _error_responses(paths: dict[str, Any]) -> dict[str, Any]:
    codes = sorted({code for item in paths.values() for op in item.values() for code in op["responses"]})
    return {
        code: {
            "description": HTTPStatus(int(code)).phrase,
            "content": {"application/json": {"schema": component_ref("Error")}},
        }
        for code in codes
        if int(code) >= 400
    }


def _with_error_refs(paths: dict[str, Any]) -> dict[str, Any]:
    """Operations name their error codes; each points to one shared response with the Error schema."""
    for item in paths.values():
        for operation in item.values():
            responses = operation["responses"]
            for code in [c for c in responses if int(c) >= 400]:
                responses[code] = {"$ref": f"#/components/responses/{code}"}
    return paths


def _property_holders(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The `properties` objects of a schema and of its inline `allOf` members (allOf composes)."""
    if isinstance(schema.get("properties"), dict):
        yield schema["properties"]
    for member in schema.get("allOf", []):
        if isinstance(member, dict):
            yield from _property_holders(member)


def _required(schema: dict[str, Any]) -> set[str]:
    names = set(schema.get("required", []))
    for member in schema.get("allOf", []):
        if isinstance(member, dict):
            names |= _required(member)
    return names


def _mark_read_only(schema: dict[str, Any], names: tuple[str, ...]) -> None:
    """`readOnly` on server-owned fields; not on those a body must carry (a PATCH body's `@type`)."""
    required = _required(schema)
    for properties in _property_holders(schema):
        for name in set(names) & set(properties) - required:
            properties[name] = {**properties[name], "readOnly": True}


def _projection(schema: str, kept: frozenset[str]) -> dict[str, Any]:
    return {
        "description": f"A TMF630 projection of a {schema} (`?fields=a,b`): the named first-level "
        f"attributes that it has, and {', '.join(sorted(kept))} always. Without `?fields=` the whole "
        f"{schema} comes back.",
        "type": "object",
        "required": sorted(kept),
        "properties": {name: {"type": "string"} for name in sorted(kept)},
    }


def components_of(api: OpenApiSource) -> dict[str, Any]:
    """The version's schema files as components, with the rules the mock enforces beyond them."""
    schemas = copy.deepcopy(component_schemas(api.schema_version))
    for name, fields in api.read_only.items():
        _mark_read_only(schemas[name], fields)
    for name, kept in api.projections.items():
        schemas[f"{name}_Projection"] = _projection(name, kept)
    for name, rules in api.constraints.items():
        schemas[name].setdefault("allOf", []).append({"properties": copy.deepcopy(dict(rules))})
    return schemas


def build_openapi(app: web.Application, api: OpenApiSource) -> dict[str, Any]:
    """`api`'s document for this app's router and settings (call after every route is added)."""
    settings, base_path = app[SETTINGS_KEY], base_path_of(app, api)
    paths: dict[str, Any] = {}
    for method, path in app_routes(app, api):
        paths.setdefault(path, {})[method.lower()] = _operation(method, path, base_path, api)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": api.title, "version": api.version, "description": api.description},
        "servers": [{"url": settings.public_url or "/"}],
        "paths": _with_error_refs(dict(sorted(paths.items()))),
        "components": {
            "schemas": components_of(api),
            "parameters": copy.deepcopy(PARAMETERS),
            "responses": _error_responses(paths),
        },
    }


class OpenApiDocument:
    """Builds `api`'s document on first request (the router is complete by then) and serves it after."""

    def __init__(self, api: OpenApiSource) -> None:
        self.api = api
        self._body: bytes | None = None

    async def serve(self, request: web.Request) -> web.Response:
        if self._body is None:
            self._body = dump_json(build_openapi(request.app, self.api))
        return web.Response(body=self._body, headers={"Content-Type": JSON_CONTENT_TYPE})
