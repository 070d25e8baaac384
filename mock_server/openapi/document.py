"""The mock's own OpenAPI 3.1 document: exactly the routes the running app has, served as JSON.

Served at `GET {base}/openapi.json`, with `GET /openapi.json` as an alias at the root. The
paths are absolute (base path included) and `servers` is `/` (or --public-url), so the root
health check and the alias are described too. Operations come from one table keyed by method and
path relative to the base path (`OPERATIONS`); the document lists a route only when the app
really has it, so what is described is what is implemented. Control endpoints (`/_mock/...`)
are left out on purpose: they reset and steer the mock and are not part of the API. So are the
routes of API version plug-ins: each has its own OAS (what the tests run Schemathesis with).
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
from mock_server.openapi.operations import OPERATIONS, PARAMETERS
from mock_server.openapi.schemas import component_ref, component_schemas

OPENAPI_VERSION = "3.1.0"
DOCUMENT_NAME = "openapi.json"
#: Methods aiohttp adds by itself (HEAD next to every GET) or that match anything.
_IMPLICIT_METHODS = frozenset({"HEAD", "*"})


def app_routes(app: web.Application) -> Iterator[tuple[str, str]]:
    """(method, path template) of every v4 API route of the app, control endpoints excluded."""
    base_path = app[SETTINGS_KEY].base_path
    for route in app.router.routes():
        resource = route.resource
        if resource is None or route.method in _IMPLICIT_METHODS:
            continue
        if _plugged(resource.canonical, app):  # a plug-in's own OAS describes it
            continue
        if not is_control(resource.canonical, base_path):
            yield route.method, resource.canonical


def _plugged(path: str, app: web.Application) -> bool:
    """The path is under the base path of a served API version plug-in."""
    return any(path == base or path.startswith(f"{base}/") for _, base in app.get(VERSIONS_KEY, ()))


def _operation(method: str, path: str, base_path: str) -> dict[str, Any] | None:
    relative = relative_path(path, base_path)
    found = OPERATIONS.get((method, relative))
    if found is None:
        return None
    operation = copy.deepcopy(found)
    if relative == path and base_path:  # a root alias of an operation under the base path
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


def build_openapi(app: web.Application) -> dict[str, Any]:
    """The document for this app's router and settings (call after every route is added)."""
    settings = app[SETTINGS_KEY]
    paths: dict[str, Any] = {}
    for method, path in app_routes(app):
        operation = _operation(method, path, settings.base_path)
        if operation is not None:
            paths.setdefault(path, {})[method.lower()] = operation
    responses = _error_responses(paths)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "TMF622 Product Ordering Management (tmf622-mock)",
            "version": "4.0.0",
            "description": "What this mock implements of TMF622 Product Ordering v4.0.0, plus TMF630 "
            "queries, PATCH and DELETE of cancelProductOrder, and a health check. Every error "
            "answer carries a TMF Error body.",
        },
        "servers": [{"url": settings.public_url or "/"}],
        "paths": _with_error_refs(dict(sorted(paths.items()))),
        "components": {
            "schemas": copy.deepcopy(component_schemas()),
            "parameters": copy.deepcopy(PARAMETERS),
            "responses": responses,
        },
    }


class OpenApiDocument:
    """Builds the document on first request (the router is complete by then) and serves it after."""

    def __init__(self) -> None:
        self._body: bytes | None = None

    async def serve(self, request: web.Request) -> web.Response:
        if self._body is None:
            self._body = dump_json(build_openapi(request.app))
        return web.Response(body=self._body, headers={"Content-Type": JSON_CONTENT_TYPE})
