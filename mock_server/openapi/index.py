"""Where the OpenAPI documents are: one per served version under its base path, and `GET /openapi.json`
listing them, so a tool (or /docs) finds every version from one well-known URL."""

from __future__ import annotations

from collections.abc import Sequence

from aiohttp import web
from aiohttp.typedefs import Handler

from mock_server.http.responses import json_response
from mock_server.openapi.document import DOCUMENT_NAME, OpenApiDocument, documented
from mock_server.openapi.source import OpenApiSource

INDEX_PATH = f"/{DOCUMENT_NAME}"

Row = tuple[str, str, Handler]
#: A served version's document source and its base path (`document.documented`).
Documented = Sequence[tuple[OpenApiSource, str]]


def document_url(base_path: str) -> str:
    """The root-relative URL of the document of the version served under `base_path`."""
    return f"{base_path}/{DOCUMENT_NAME}"


def index(served: Documented) -> list[dict[str, str]]:
    return [
        {"name": api.key, "title": api.title, "version": api.version, "url": document_url(base_path)}
        for api, base_path in served
    ]


async def serve_index(request: web.Request) -> web.Response:
    """`GET /openapi.json`: `{"documents": [{name, title, version, url}, ...]}`, one per served version."""
    return json_response({"documents": index(documented(request.app))})


def document_routes(served: Documented) -> list[Row]:
    """Each served version's document, and the index at the root when no version's document sits there."""
    rows: list[Row] = [
        ("GET", document_url(base_path), OpenApiDocument(api).serve) for api, base_path in served
    ]
    if all(path != INDEX_PATH for _, path, _ in rows):
        rows.append(("GET", INDEX_PATH, serve_index))
    return rows
