"""The routes table: every route of the app, in one place (method, path, handler).

Each served API version plug-in (`mock_server.plugin.ApiVersion`) brings its own routes, under its
own base path (a version may answer health there too), and its delivery log under
`CONTROL_PREFIX/<control name>`. Health answers at the root (for probes that know no base path);
test controls sit under `CONTROL_PREFIX`. The developer's pages (`/`, `/docs`) and the OpenAPI
documents (one per served version, listed at `/openapi.json`) come from mock_server/pages/routes.py.
Other methods on these paths get 405 with `Allow` from the router; every GET answers HEAD too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Handler

from mock_server.handlers import control
from mock_server.handlers.health import health
from mock_server.http.paths import CONTROL_PREFIX, deliveries_path
from mock_server.pages.routes import developer_routes
from mock_server.plugin import ApiVersion


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    path: str
    handler: Handler


def service_routes() -> list[Route]:
    return [Route("GET", "/health", health)]


def control_routes() -> list[Route]:
    return [
        Route("POST", f"{CONTROL_PREFIX}/reset", control.reset),
        Route("GET", f"{CONTROL_PREFIX}/clock", control.read_clock),
        Route("POST", f"{CONTROL_PREFIX}/clock", control.set_clock),
        Route("GET", f"{CONTROL_PREFIX}/requests", control.list_requests),
        Route("DELETE", f"{CONTROL_PREFIX}/requests", control.clear_requests),
    ]


def version_routes(version: ApiVersion, base_path: str) -> list[Route]:
    """A plug-in's API under `base_path`, and the delivery log of its hub."""
    api = [Route(*row) for row in version.routes(base_path)]
    return [*api, Route("GET", deliveries_path(version.control_name), control.deliveries_of(version.name))]


def route_table(versions: Sequence[tuple[ApiVersion, str]]) -> list[Route]:
    """Every route of the app, in registration order: each served plug-in's, in the registry's order."""
    plugged = [route for version, path in versions for route in version_routes(version, path)]
    return plugged + service_routes() + control_routes()


def add_routes(app: web.Application, versions: Sequence[tuple[ApiVersion, str]]) -> None:
    documents = [(version.openapi, path) for version, path in versions]
    pages = [Route(*row) for row in developer_routes(documents)]
    for route in route_table(versions) + pages:
        if route.method == "GET":
            app.router.add_get(route.path, route.handler)  # HEAD too
        else:
            app.router.add_route(route.method, route.path, route.handler)
