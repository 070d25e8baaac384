"""The v4 routes (swagger `paths`, listeners excepted: the mock is not a listener) as (method, path,
handler) rows for the app's routes table: productOrder and cancelProductOrder on the core's shared
handlers (list, retrieve, PATCH, DELETE; TMF630 queries), their POSTs, the hub, and the core's
health check under the base path too (its OpenAPI document describes both).
"""

from __future__ import annotations

from mock_server.handlers.common import ResourceHandlers
from mock_server.handlers.health import health
from mock_server.plugin import Row
from mock_server.versions.tmf622_v4 import hub
from mock_server.versions.tmf622_v4.create_cancellation import create_cancel_product_order
from mock_server.versions.tmf622_v4.create_order import create_product_order
from mock_server.versions.tmf622_v4.events import deleted_events, update_events
from mock_server.versions.tmf622_v4.resources import CANCEL_PRODUCT_ORDER, NAME, PRODUCT_ORDER


def v4_routes(base_path: str) -> list[Row]:
    """The resources' routes, then the hub's."""
    creators = ((PRODUCT_ORDER, create_product_order), (CANCEL_PRODUCT_ORDER, create_cancel_product_order))
    rows: list[Row] = []
    for kind, create in creators:
        shared = ResourceHandlers(kind, NAME, update_events, deleted_events)
        collection = f"{base_path}/{kind.collection}"
        rows += [
            ("GET", collection, shared.list),
            ("POST", collection, create),
            ("GET", f"{collection}/{{id}}", shared.retrieve),
            ("PATCH", f"{collection}/{{id}}", shared.patch),
            ("DELETE", f"{collection}/{{id}}", shared.delete),
        ]
    rows += [
        ("POST", f"{base_path}/hub", hub.register_listener),
        ("GET", f"{base_path}/hub/{{id}}", hub.retrieve_listener),
        ("DELETE", f"{base_path}/hub/{{id}}", hub.unregister_listener),
    ]
    return [*rows, ("GET", f"{base_path}/health", health)] if base_path else rows
