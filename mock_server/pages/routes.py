"""The developer's routes: landing page, API explorer and its assets, and the OpenAPI documents."""

from __future__ import annotations

from aiohttp.typedefs import Handler

from mock_server.openapi.index import Documented, document_routes
from mock_server.pages.docs import ASSETS_PATH, asset, docs
from mock_server.pages.landing import DOCS_PATH, landing

Row = tuple[str, str, Handler]


def developer_routes(served: Documented) -> list[Row]:
    """`/` only when no API is served at the root (a base path of `/` would own it)."""
    rows: list[Row] = [
        *document_routes(served),
        ("GET", DOCS_PATH, docs),
        ("GET", f"{ASSETS_PATH}/{{name}}", asset),
    ]
    if all(base_path for _, base_path in served):
        rows.append(("GET", "/", landing))
    return rows
