"""Where the OpenAPI documents are: one per served version under its base path, and `GET /openapi.json`
listing them, so a tool (or /docs) finds every version from one well-known URL."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from mock_server.config.settings import Settings
from mock_server.http.responses import json_response
from mock_server.keys import SETTINGS_KEY
from mock_server.openapi.document import DOCUMENT_NAME, OpenApiDocument
from mock_server.openapi.versions import VERSIONS, ApiVersion

INDEX_PATH = f"/{DOCUMENT_NAME}"

Row = tuple[str, str, Handler]


def served_versions(settings: Settings) -> list[ApiVersion]:
    """The versions this mock serves, in order (`--no-serve-v4`, `--no-serve-v5` leave one out)."""
    on = {"v4": settings.serve_v4, "v5": settings.serve_v5}
    return [api for api in VERSIONS if on.get(api.key, True)]


def document_url(settings: Settings, api: ApiVersion) -> str:
    """The root-relative URL of `api`'s document."""
    return f"{getattr(settings, api.base_path_setting)}/{DOCUMENT_NAME}"


def index(settings: Settings) -> list[dict[str, str]]:
    return [
        {"name": api.key, "title": api.title, "version": api.version, "url": document_url(settings, api)}
        for api in served_versions(settings)
    ]


async def serve_index(request: web.Request) -> web.Response:
    """`GET /openapi.json`: `{"documents": [{name, title, version, url}, ...]}`, one per served version."""
    return json_response({"documents": index(request.app[SETTINGS_KEY])})


def document_routes(settings: Settings) -> list[Row]:
    """Each served version's document, and the index at the root when no version's document sits there."""
    rows: list[Row] = [
        ("GET", document_url(settings, api), OpenApiDocument(api).serve) for api in served_versions(settings)
    ]
    if all(path != INDEX_PATH for _, path, _ in rows):
        rows.append(("GET", INDEX_PATH, serve_index))
    return rows
