"""The developer's routes: landing page, API explorer and its assets, and the OpenAPI documents."""

from __future__ import annotations

from aiohttp.typedefs import Handler

from mock_server.config.settings import Settings
from mock_server.openapi.index import document_routes
from mock_server.pages.docs import ASSETS_PATH, asset, docs
from mock_server.pages.landing import DOCS_PATH, landing

Row = tuple[str, str, Handler]


def developer_routes(settings: Settings) -> list[Row]:
    """`/` only when no API is served at the root (a base path of `/` would own it)."""
    rows: list[Row] = [
        *document_routes(settings),
        ("GET", DOCS_PATH, docs),
        ("GET", f"{ASSETS_PATH}/{{name}}", asset),
    ]
    base_paths = {
        settings.base_path if settings.serve_v4 else None,
        settings.v5_base_path if settings.serve_v5 else None,
    }
    if "" not in base_paths:
        rows.append(("GET", "/", landing))
    return rows
