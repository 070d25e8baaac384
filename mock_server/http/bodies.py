"""Request bodies: media type checks (415), JSON decoding (400) and sanity limits."""

from __future__ import annotations

import codecs
import json
import math
import re
from collections.abc import Collection
from typing import Any

import orjson
from aiohttp import web

from mock_server.http.errors import bad_request, unsupported_media_type

JSON = "application/json"
MERGE_PATCH = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"

#: Deeper documents are refused before anything recurses over them (json.dumps, jsonschema).
MAX_DEPTH = 64
_TOO_DEEP = f"Body nests deeper than {MAX_DEPTH} levels"
#: A run of 19+ digits may be an integer past 64 bits, which orjson would read as a float: such a
#: body takes the stdlib path, which keeps every integer exact (digits in strings match too: harmless).
_LONG_DIGITS = re.compile(rb"[0-9]{19}")


def media_type(request: web.Request, allowed: Collection[str]) -> str:
    """The request's media type if allowed (swagger `consumes`: JSON in UTF-8), else 415."""
    header = request.headers.get("Content-Type")
    if header is not None and header in allowed:  # a bare `application/json`: no parsing (~4 us)
        return header
    kind = request.content_type.lower()
    charset = (request.charset or "utf-8").lower()
    if request.headers.get("Content-Type") is None or kind not in allowed:
        raise unsupported_media_type(
            f"Content-Type {request.headers.get('Content-Type', '(none)')[:100]!r} is not supported; "
            f"use one of: {', '.join(sorted(allowed))}"
        )
    if charset not in {"utf-8", "utf8"}:
        raise unsupported_media_type(f"charset {charset!r} is not supported; send UTF-8")
    return kind


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text} is out of range")
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def json_type(value: Any) -> str:
    """JSON's name for a decoded value's type (for messages)."""
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def nesting_depth(value: Any) -> int:
    """Nesting depth (a scalar is one level), iteratively: a recursive walk is what this guards against."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, level + 1) for child in children)
    return deepest


def parse_json(raw: bytes) -> Any:
    """Strict JSON (RFC 8259: no NaN/Infinity, UTF-8 only, a leading BOM ignored), or a 400 naming why.

    orjson parses what it can (it refuses invalid UTF-8, lone surrogate escapes and NaN/Infinity
    itself); anything it refuses or could read inexactly goes through `_parse_exactly`, which
    decides and words every error, so orjson only ever speeds up what the stdlib accepts.
    """
    if _LONG_DIGITS.search(raw) is None:
        try:
            value = orjson.loads(raw.removeprefix(codecs.BOM_UTF8))
        except orjson.JSONDecodeError:
            return _parse_exactly(raw)
        if _may_be_deeper_than_allowed(raw) and nesting_depth(value) > MAX_DEPTH:
            raise bad_request(_TOO_DEEP)
        return value
    return _parse_exactly(raw)


def _may_be_deeper_than_allowed(raw: bytes) -> bool:
    """Each level below the top needs an opening bracket, so fewer brackets than MAX_DEPTH cannot
    nest too deep; counting bytes is far cheaper than walking the decoded value.
    """
    return raw.count(b"[") + raw.count(b"{") >= MAX_DEPTH


def _parse_exactly(raw: bytes) -> Any:
    """The stdlib reading: exact integers of any size, and the error messages clients see.
    (json.loads alone would also take UTF-16/32 bytes and encoded surrogates: decode first.)
    """
    try:
        text = raw.decode("utf-8-sig")
        value = json.loads(text, parse_float=_finite_float, parse_constant=_reject_constant)
    except ValueError as exc:
        raise bad_request(f"Body is not valid JSON: {str(exc)[:200]}") from None
    except RecursionError:
        raise bad_request(_TOO_DEEP) from None
    if nesting_depth(value) > MAX_DEPTH:
        raise bad_request(_TOO_DEEP)
    _require_unicode(value)
    return value


def _require_unicode(value: Any) -> None:
    """RFC 8259 section 8.2: a lone surrogate escape (`"\\ud800"`) decodes but can never be
    written back as UTF-8; stored, it would fail every later response that includes it.
    """
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise bad_request(f"Body is not valid JSON: a lone UTF-16 surrogate ({exc.reason})") from None


async def read_json(request: web.Request, allowed: Collection[str]) -> tuple[str, Any]:
    """(media type, decoded body); aiohttp raises 413 past `client_max_size` while reading."""
    kind = media_type(request, allowed)
    return kind, parse_json(await request.read())


async def read_object(request: web.Request, allowed: Collection[str] = (JSON,)) -> dict[str, Any]:
    """A body that must be one JSON object (a TMF resource), not an array or a scalar."""
    _, value = await read_json(request, allowed)
    if not isinstance(value, dict):
        raise bad_request(f"$: body must be a JSON object, got {json_type(value)}")
    return value
