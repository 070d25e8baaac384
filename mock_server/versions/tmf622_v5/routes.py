"""The v5 routes (OAS v5.0.0 `paths`, listeners excepted: the mock is not a listener), as
(method, path, handler) rows for the app's routes table.

The OAS has no PATCH or DELETE on cancelProductOrder, and no GET on `/hub/{id}`; the mock adds the
latter, as for v4, so a client can check its subscription. Other methods get 405 from the router.
Every path also answers with a trailing slash: TM Forum's v5 CTK sends `path + '/' + query`
(`support/commands/routes.js`), so `/productOrder/?fields=state` must reach the list.
"""

from __future__ import annotations

from aiohttp.typedefs import Handler

from mock_server.versions.tmf622_v5 import handlers, hub
from mock_server.versions.tmf622_v5.resources import CANCEL_PRODUCT_ORDER, PRODUCT_ORDER

Row = tuple[str, str, Handler]


def v5_routes(base_path: str) -> list[Row]:
    """Every v5 route, then the same with a trailing slash (see the module doc)."""
    rows = _canonical_routes(base_path)
    return rows + [(method, f"{path}/", handler) for method, path, handler in rows]


def _canonical_routes(base_path: str) -> list[Row]:
    orders = f"{base_path}/{PRODUCT_ORDER.segment}"
    tasks = f"{base_path}/{CANCEL_PRODUCT_ORDER.segment}"
    read_orders = handlers.ReadHandlers(PRODUCT_ORDER)
    read_tasks = handlers.ReadHandlers(CANCEL_PRODUCT_ORDER)
    return [
        ("GET", orders, read_orders.list),
        ("POST", orders, handlers.create_product_order),
        ("GET", f"{orders}/{{id}}", read_orders.retrieve),
        ("PATCH", f"{orders}/{{id}}", handlers.patch_product_order),
        ("DELETE", f"{orders}/{{id}}", handlers.delete_product_order),
        ("GET", tasks, read_tasks.list),
        ("POST", tasks, handlers.create_cancel_product_order),
        ("GET", f"{tasks}/{{id}}", read_tasks.retrieve),
        ("POST", f"{base_path}/hub", hub.register_listener),
        ("GET", f"{base_path}/hub/{{id}}", hub.retrieve_listener),
        ("DELETE", f"{base_path}/hub/{{id}}", hub.unregister_listener),
    ]
