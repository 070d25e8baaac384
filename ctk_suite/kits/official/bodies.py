"""The strict reading of a response body as JSON, for the run, the runner models and the extended kit."""

from __future__ import annotations

import json
from typing import Any

from ctk_suite.core.failures import clip
from ctk_suite.http.exchange import Exchange


class NotJson(ValueError):
    """The response body does not parse as JSON (JSON.parse rules: no NaN or Infinity)."""


def parse_json(text: str) -> Any:
    """Parse like `pm.response.json()`; NotJson carries the readable reason."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        raise NotJson(f"body is not JSON: {_shown(text)}") from exc
    except RecursionError as exc:  # valid JSON, perhaps, but nested deeper than Python's stack
        raise NotJson(f"body nests too deeply to parse: {_shown(text)}") from exc


def _shown(text: str) -> str:
    return clip(" ".join(text.split()), 80) if text.strip() else "(empty body)"


def content_type_is_json(exchange: Exchange) -> bool:
    """`contentTypeIsJson` (Cypress 12): the content type up to the first `;` ends in `json`, case as sent."""
    return (exchange.header("Content-Type") or "").split(";", 1)[0].endswith("json")


def read_json(exchange: Exchange, labelled: bool = False) -> Any:
    """The JSON body of a response; NotJson says what was expected and what came instead. `labelled`: the
    body must also say it is JSON (a media type ending in `json`, the rule Cypress parses by)."""
    media = (exchange.header("Content-Type") or "no Content-Type").split(";")[0].strip()
    came = f"HTTP {exchange.status} {media}"
    if labelled and not content_type_is_json(exchange):
        raise NotJson(f"expected a JSON body, got {came}: a body not labelled JSON is text to a client")
    try:
        text = exchange.strict_text()
    except UnicodeDecodeError as exc:  # RFC 8259 section 8.1: JSON exchanged between systems is UTF-8
        raise NotJson(
            f"expected a JSON body, got {came} with bytes that are not valid {exc.encoding} "
            f"(first at offset {exc.start})"
        ) from None
    try:
        return parse_json(text)
    except NotJson as exc:
        raise NotJson(
            f"expected a JSON body, got {came}: {str(exc).removeprefix('body is not JSON: ')}"
        ) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
