"""The URL map: TMF622 v4 resources under the configured base path (health: `health.py`)."""

from __future__ import annotations

from aiohttp import web

from mock_server.domain.resources import CANCEL_PRODUCT_ORDER, PRODUCT_ORDER
from mock_server.handlers.cancel_product_order import create_cancel_product_order
from mock_server.handlers.common import ResourceHandlers
from mock_server.handlers.product_order import create_product_order


def add_routes(app: web.Application, base_path: str) -> None:
    """Swagger paths; other methods on these paths get 405 with `Allow` from the router."""
    creators = ((PRODUCT_ORDER, create_product_order), (CANCEL_PRODUCT_ORDER, create_cancel_product_order))
    for kind, create in creators:
        shared = ResourceHandlers(kind)
        collection = f"{base_path}/{kind.collection}"
        app.router.add_get(collection, shared.list)
        app.router.add_post(collection, create)
        app.router.add_get(f"{collection}/{{id}}", shared.retrieve)
        app.router.add_patch(f"{collection}/{{id}}", shared.patch)
        app.router.add_delete(f"{collection}/{{id}}", shared.delete)
