"""URLs of v4 resources: `<public URL or request host><v4 base path>/<segment>`."""

from __future__ import annotations

from aiohttp import web

from mock_server.handlers.common import api_url
from mock_server.keys import SETTINGS_KEY
from mock_server.versions.tmf622_v4.switch import switch


def v4_url(request: web.Request, segment: str) -> str:
    return api_url(request, switch(request.app[SETTINGS_KEY]).base_path, segment)
