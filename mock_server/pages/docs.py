"""`GET /docs`: Swagger UI over the mock's own OpenAPI documents, one per served version, from this process.

Swagger UI comes from the `swagger-ui-py` wheel (Apache-2.0; its Swagger UI 5 renders OpenAPI 3.1,
which our documents are): only its static files are used, found without importing the package, and
only the few the page loads are served (`ASSETS`). No CDN: the page works offline and behind a
firewall. `?version=<label>` opens on that version; the top bar switches between them. "Try it out"
sends requests to this mock (the documents' `servers` is `/`, or --public-url).
"""

from __future__ import annotations

import importlib.util
import json
from functools import lru_cache
from pathlib import Path

from aiohttp import web

from mock_server.http.errors import not_found
from mock_server.http.negotiation import html_page
from mock_server.openapi.document import documented
from mock_server.openapi.index import index

ASSETS_PATH = "/docs/assets"
#: The files the page loads, and their media types.
ASSETS = {
    "swagger-ui.css": "text/css",
    "index.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-standalone-preset.js": "text/javascript",
    "favicon-32x32.png": "image/png",
}
#: The files never change while the mock runs; a browser may keep them an hour.
CACHE = "public, max-age=3600"


@lru_cache(maxsize=1)
def assets_dir() -> Path:
    """swagger-ui-py's `static/` folder (located, not imported: its __init__ loads its web handlers)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "swagger-ui-py is not installed: pip install swagger-ui-py (a dependency of the mock)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "static"


async def asset(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in ASSETS:
        raise not_found(f"No asset {name[:60]!r}")
    return web.FileResponse(
        assets_dir() / name, headers={"Content-Type": ASSETS[name], "Cache-Control": CACHE}
    )


def _page(config: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tmf622-mock API explorer</title>
<link rel="stylesheet" href="{ASSETS_PATH}/swagger-ui.css">
<link rel="stylesheet" href="{ASSETS_PATH}/index.css">
<link rel="icon" type="image/png" href="{ASSETS_PATH}/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script id="tmf622-config" type="application/json">{config}</script>
<script src="{ASSETS_PATH}/swagger-ui-bundle.js"></script>
<script src="{ASSETS_PATH}/swagger-ui-standalone-preset.js"></script>
<script>
window.onload = function () {{
  var config = JSON.parse(document.getElementById("tmf622-config").textContent);
  window.ui = SwaggerUIBundle({{
    urls: config.urls, "urls.primaryName": config.primary, dom_id: "#swagger-ui", deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout"
  }});
}};
</script></body></html>
"""


@html_page
async def docs(request: web.Request) -> web.Response:
    """The explorer, opened on `?version=` (a label) when it names a served version, else the first."""
    documents = index(documented(request.app))
    urls = [{"url": each["url"], "name": f"{each['name']}: {each['title']}"} for each in documents]
    chosen = [
        u["name"]
        for u, each in zip(urls, documents, strict=True)
        if each["name"] == request.query.get("version")
    ]
    primary = chosen[0] if chosen else (urls[0]["name"] if urls else "")
    config = json.dumps({"urls": urls, "primary": primary}).replace("</", "<\\/")
    return web.Response(text=_page(config), content_type="text/html", charset="utf-8")
