"""`GET /`: where to start. Served APIs and versions, their base URLs, documents, controls, journal, health.

Small and server-rendered (no script): HTML for a browser, JSON when `Accept` prefers it, so a tool
(the pytest fixture, ctk_suite's `Tmf622Mock`) finds the base URLs of the running mock from its root.
"""

from __future__ import annotations

from html import escape
from typing import Any

from aiohttp import web

from mock_server.handlers.common import root_url
from mock_server.http.negotiation import html_page
from mock_server.http.paths import CONTROL_PREFIX, deliveries_path
from mock_server.http.responses import json_response
from mock_server.keys import VERSIONS_KEY
from mock_server.openapi.document import documented
from mock_server.openapi.index import INDEX_PATH, document_url

DOCS_PATH = "/docs"
#: (method, path, what): the test controls (handlers/control.py), in the README's words; each served
#: version's delivery log goes after the journal's (`deliveries`).
CONTROLS = (
    (
        "POST",
        f"{CONTROL_PREFIX}/reset",
        "back to the state right after start (Content-Type: application/json)",
    ),
    ("GET", f"{CONTROL_PREFIX}/requests", "the request journal, credentials masked (?method=, ?path=)"),
    ("DELETE", f"{CONTROL_PREFIX}/requests", "empty the journal"),
    ("GET", f"{CONTROL_PREFIX}/clock", "the next server time"),
    ("POST", f"{CONTROL_PREFIX}/clock", 'set it ({"now": "..."}, --deterministic only)'),
)

STYLE = (
    "body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
    "table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}"
    "td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left}"
    "code{font-size:90%}nav a{margin-right:1rem}"
)


def _quality(accept: str, media_type: str) -> float:
    """The `q` an `Accept` value gives exactly `media_type` (0 when it does not name it)."""
    for entry in accept.split(","):
        name, *parameters = entry.split(";")
        if name.strip().lower() == media_type:
            for parameter in parameters:
                key, _, value = parameter.partition("=")
                if key.strip() == "q":
                    try:
                        return float(value)
                    except ValueError:
                        return 1.0
            return 1.0
    return 0.0


def wants_html(accept: str) -> bool:
    """A browser names text/html; a client that names application/json as high or higher gets JSON."""
    html = _quality(accept, "text/html")
    return html > 0 and html > _quality(accept, "application/json")


def controls(app: web.Application) -> list[tuple[str, str, str]]:
    """The test controls, with the delivery log of each served version."""
    deliveries = [
        ("GET", deliveries_path(version.control_name), f"{version.label} hub deliveries, oldest first")
        for version, _ in app.get(VERSIONS_KEY, ())
    ]
    return [*CONTROLS[:3], *deliveries, *CONTROLS[3:]]


def summary(request: web.Request) -> dict[str, Any]:
    """The landing page's content, as JSON (absolute URLs, from --public-url or the allowed Host)."""
    root = root_url(request)
    apis = [
        {
            "name": api.key,
            "title": api.title,
            "version": api.version,
            "baseUrl": f"{root}{base_path}",
            "openapi": f"{root}{document_url(base_path)}",
            "docs": f"{root}{DOCS_PATH}?version={api.key}",
        }
        for api, base_path in documented(request.app)
    ]
    return {
        "name": "tmf622-mock",
        "apis": apis,
        "links": {
            "docs": f"{root}{DOCS_PATH}",
            "openapi": f"{root}{INDEX_PATH}",
            "health": f"{root}/health",
            "journal": f"{root}{CONTROL_PREFIX}/requests",
        },
        "controls": [
            {"method": m, "url": f"{root}{path}", "description": what}
            for m, path, what in controls(request.app)
        ],
    }


def _html(content: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{escape(api['title'])}</td><td>{escape(api['version'])}</td>"
        f"<td><code>{escape(api['baseUrl'])}</code></td>"
        f'<td><a href="{escape(api["docs"])}">explore</a> · '
        f'<a href="{escape(api["openapi"])}">OpenAPI</a></td></tr>'
        for api in content["apis"]
    )
    controls = "".join(
        f"<tr><td><code>{escape(c['method'])}</code></td><td><code>{escape(c['url'])}</code></td>"
        f"<td>{escape(c['description'])}</td></tr>"
        for c in content["controls"]
    )
    links = content["links"]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tmf622-mock</title>
<style>{STYLE}</style></head>
<body><h1>tmf622-mock</h1>
<p>A stateful TMF622 Product Ordering mock for integration tests.</p>
<nav><a href="{escape(links["docs"])}">API explorer</a>
<a href="{escape(links["openapi"])}">OpenAPI documents</a>
<a href="{escape(links["health"])}">health</a><a href="{escape(links["journal"])}">request journal</a></nav>
<h2>APIs</h2><table><tr><th>API</th><th>version</th><th>base URL</th><th></th></tr>{rows}</table>
<h2>Test controls</h2><table><tr><th></th><th>URL</th><th>what</th></tr>{controls}</table>
</body></html>
"""


@html_page
async def landing(request: web.Request) -> web.Response:
    content = summary(request)
    if wants_html(request.headers.get("Accept", "")):
        return web.Response(text=_html(content), content_type="text/html", charset="utf-8")
    return json_response(content)
