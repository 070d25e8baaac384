"""The routes table: every route of the app, in one place (method, path, handler).

The TMF622 v4 resources and `/hub` sit under the configured base path; health answers there and at
the root (for probes that know no base path); test controls sit under `CONTROL_PREFIX`. Each served
API version plug-in (`mock_server.plugin.ApiVersion`) brings its own routes, under its own base
path, and its delivery log under `CONTROL_PREFIX/<control name>`. The developer's pages (`/`,
`/docs`) and the OpenAPI documents (one per served version, v4's and each plug-in's, listed at
`/openapi.json`) come from mock_server/pages/routes.py. Other methods on these paths get 405 with
`Allow` from the router; every GET answers HEAD too (aiohttp's default).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Handler

from mock_server.domain.resources import CANCEL_PRODUCT_ORDER, PRODUCT_ORDER
from mock_server.handlers import control, hub
from mock_server.handlers.cancel_product_order import create_cancel_product_order
from mock_server.handlers.common import ResourceHandlers
from mock_server.handlers.health import health
from mock_server.handlers.product_order import create_product_order
from mock_server.http.paths import CONTROL_PREFIX
from mock_server.openapi.versions import V4
from mock_server.pages.routes import developer_routes
from mock_server.plugin import ApiVersion


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    path: str
    handler: Handler


def resource_routes(base_path: str) -> list[Route]:
    """The swagger paths of productOrder and cancelProductOrder."""
    creators = ((PRODUCT_ORDER, create_product_order), (CANCEL_PRODUCT_ORDER, create_cancel_product_order))
    routes = []
    for kind, create in creators:
        shared = ResourceHandlers(kind)
        collection = f"{base_path}/{kind.collection}"
        routes += [
            Route("GET", collection, shared.list),
            Route("POST", collection, create),
            Route("GET", f"{collection}/{{id}}", shared.retrieve),
            Route("PATCH", f"{collection}/{{id}}", shared.patch),
            Route("DELETE", f"{collection}/{{id}}", shared.delete),
        ]
    return routes


def hub_routes(base_path: str) -> list[Route]:
    return [
        Route("POST", f"{base_path}/hub", hub.register_listener),
        Route("GET", f"{base_path}/hub/{{id}}", hub.retrieve_listener),
        Route("DELETE", f"{base_path}/hub/{{id}}", hub.unregister_listener),
    ]


def service_routes(base_path: str) -> list[Route]:
    """Health, under the base path and (when there is one) at the root too."""
    roots = [base_path, ""] if base_path else [""]
    return [Route("GET", f"{root}/health", health) for root in reversed(roots)]


def control_routes() -> list[Route]:
    return [
        Route("GET", f"{CONTROL_PREFIX}/deliveries", control.list_deliveries),
        Route("POST", f"{CONTROL_PREFIX}/reset", control.reset),
        Route("GET", f"{CONTROL_PREFIX}/clock", control.read_clock),
        Route("POST", f"{CONTROL_PREFIX}/clock", control.set_clock),
        Route("GET", f"{CONTROL_PREFIX}/requests", control.list_requests),
        Route("DELETE", f"{CONTROL_PREFIX}/requests", control.clear_requests),
    ]


def version_routes(version: ApiVersion, base_path: str) -> list[Route]:
    """A plug-in's API under `base_path`, and the delivery log of its hub."""
    api = [Route(*row) for row in version.routes(base_path)]
    deliveries = control.deliveries_of(version.name)
    return [*api, Route("GET", f"{CONTROL_PREFIX}/{version.control_name}/deliveries", deliveries)]


def route_table(
    base_path: str, *, serve_v4: bool = True, versions: Sequence[tuple[ApiVersion, str]] = ()
) -> list[Route]:
    """Every route of the app, in registration order; each served plug-in's after the core API's."""
    own = resource_routes(base_path) + hub_routes(base_path) if serve_v4 else []
    plugged = [route for version, path in versions for route in version_routes(version, path)]
    return own + plugged + service_routes(base_path) + control_routes()


def add_routes(
    app: web.Application,
    base_path: str,
    *,
    serve_v4: bool = True,
    versions: Sequence[tuple[ApiVersion, str]] = (),
) -> None:
    own = [(V4, base_path)] if serve_v4 else []
    documents = own + [(version.openapi, path) for version, path in versions]
    pages = [Route(*row) for row in developer_routes(documents)]
    for route in route_table(base_path, serve_v4=serve_v4, versions=versions) + pages:
        if route.method == "GET":
            app.router.add_get(route.path, route.handler)  # HEAD too
        else:
            app.router.add_route(route.method, route.path, route.handler)
