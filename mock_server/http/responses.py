"""JSON responses with the media type TM Forum APIs declare (`produces`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson
from aiohttp import web

#: Swagger global `produces`, byte for byte (aiohttp's own helper writes `application/json; charset=utf-8`).
JSON_CONTENT_TYPE = "application/json;charset=utf-8"
_JSON_HEADERS = {"Content-Type": JSON_CONTENT_TYPE}


def dump_json(data: Any) -> bytes:
    """Compact UTF-8 JSON. orjson writes what it can; what it refuses (non-string keys, integers
    past 64 bits) the stdlib writes, or refuses in turn (a lone surrogate) as it always did.
    """
    try:
        return orjson.dumps(data)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    return json_bytes_response(dump_json(data), status=status, headers=headers)


def json_bytes_response(
    body: bytes, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    """A response whose body is JSON already (a store's bytes: no dict built, nothing re-encoded)."""
    all_headers = {**headers, "Content-Type": JSON_CONTENT_TYPE} if headers else _JSON_HEADERS.copy()
    return web.Response(body=body, status=status, headers=all_headers)
