"""The routes table: every route of the app, in one place (method, path, handler).

The TMF622 v4 resources and `/hub` sit under the configured base path; health answers there and at
the root (for probes that know no base path); test controls sit under `CONTROL_PREFIX`. The
developer's pages (`/`, `/docs`) and the OpenAPI documents (one per version, listed at
`/openapi.json`) come from mock_server/pages/routes.py. TMF622 v5 (its resources and `/hub`) sits
under its own base path, from mock_server/v5/routes.py; either version can be left out
(Settings.serve_v4/serve_v5). Other methods on these paths get 405 with `Allow` from the router;
every GET answers HEAD too (aiohttp's default).
"""

from __future__ import annotations

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
from mock_server.keys import SETTINGS_KEY
from mock_server.pages.routes import developer_routes
from mock_server.v5.routes import v5_routes


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


def v5_api_routes(v5_base_path: str) -> list[Route]:
    """The v5 API (mock_server/v5/routes.py) and the delivery log of its hub."""
    api = [Route(*row) for row in v5_routes(v5_base_path)]
    return [*api, Route("GET", f"{CONTROL_PREFIX}/v5/deliveries", control.list_v5_deliveries)]


def route_table(base_path: str, *, serve_v4: bool = True, v5_base_path: str | None = None) -> list[Route]:
    """Every route of the app, in registration order; v5's when `v5_base_path` is given."""
    v4 = resource_routes(base_path) + hub_routes(base_path) if serve_v4 else []
    v5 = [] if v5_base_path is None else v5_api_routes(v5_base_path)
    return v4 + v5 + service_routes(base_path) + control_routes()


def add_routes(
    app: web.Application, base_path: str, *, serve_v4: bool = True, v5_base_path: str | None = None
) -> None:
    pages = [Route(*row) for row in developer_routes(app[SETTINGS_KEY])]
    for route in route_table(base_path, serve_v4=serve_v4, v5_base_path=v5_base_path) + pages:
        if route.method == "GET":
            app.router.add_get(route.path, route.handler)  # HEAD too
        else:
            app.router.add_route(route.method, route.path, route.handler)
