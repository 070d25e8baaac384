"""URLs of v5 resources: `<public URL or request host><v5 base path>/<segment>`."""

from __future__ import annotations

from aiohttp import web

from mock_server.handlers.common import root_url
from mock_server.keys import SETTINGS_KEY
from mock_server.versions.tmf622_v5.switch import switch


def v5_url(request: web.Request, segment: str) -> str:
    return f"{root_url(request)}{switch(request.app[SETTINGS_KEY]).base_path}/{segment}"
