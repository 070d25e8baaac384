"""JSON responses with the media type the TMF622 v4 swagger declares (`produces`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

#: Swagger global `produces`, byte for byte (aiohttp's own helper writes `application/json; charset=utf-8`).
JSON_CONTENT_TYPE = "application/json;charset=utf-8"


def dump_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    all_headers = {**(headers or {}), "Content-Type": JSON_CONTENT_TYPE}
    return web.Response(body=dump_json(data), status=status, headers=all_headers)
