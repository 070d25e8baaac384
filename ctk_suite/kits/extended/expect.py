"""Small assertions the extended checks are made of; each returns failures as values (empty: holds).

Where the CTK's check kinds already say it (status code, Content-Type, Location == href), their
functions are called on the response (`ctk_suite.kits.official.checks.kinds`), no assertion spec needed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from ctk_suite.core.failures import Failure, Failures, Kind, clip, describe
from ctk_suite.core.js import member
from ctk_suite.kits.extended.evidence import BodySchema, Sent
from ctk_suite.kits.extended.schemas import violations
from ctk_suite.kits.official.checks import kinds

ERROR = BodySchema("Error")
JSON_MEDIA = "application/json"


def responded(sent: Sent) -> list[Failure]:
    """A transport error (no response at all) is the only failure worth reporting for that request."""
    return [] if sent.exchange.error is None else [sent.note(f"no response: {sent.exchange.error}")]


def official(sent: Sent, judge: Callable[[kinds.CheckContext], Failures]) -> list[Failure]:
    """What a CTK check function finds in this response; its failures name our request."""
    if missing := responded(sent):
        return missing
    found = judge(kinds.CheckContext(sent.exchange, sent.json))
    return [dataclasses.replace(f, request=sent.request) for f in found]


def status(sent: Sent, expected: int) -> list[Failure]:
    """The response has status `expected`."""
    return official(sent, lambda context: kinds.has_status(context, expected))


def location_is_href(sent: Sent) -> list[Failure]:
    """The Location header equals the body's `href` (TMF622B v4.0.0)."""
    return official(sent, kinds.location_is_href)


def client_error(sent: Sent) -> list[Failure]:
    """A 4xx: the server refused the request as the client's fault (never a 5xx, never a success)."""
    if missing := responded(sent):
        return missing
    if sent.status is not None and 400 <= sent.status < 500:
        return []
    return [sent.fail("status", "a 4xx refusal", f"HTTP {sent.status}", Kind.STATUS)]


def json_object(sent: Sent) -> list[Failure]:
    """The body parses as one JSON object."""
    if missing := responded(sent):
        return missing
    body, problem = sent.parsed
    if problem is not None:
        return [sent.note(problem, Kind.BODY)]
    return [] if isinstance(body, dict) else [sent.fail("$", "a JSON object", describe(body))]


def json_array(sent: Sent) -> list[Failure]:
    """The body parses as a JSON array."""
    if missing := responded(sent):
        return missing
    body, problem = sent.parsed
    if problem is not None:
        return [sent.note(problem, Kind.BODY)]
    return [] if isinstance(body, list) else [sent.fail("$", "a JSON array", describe(body))]


def matches_schema(sent: Sent, expected: BodySchema) -> list[Failure]:
    """The body validates against `expected` (JSON path and violated keyword in each failure)."""
    if problems := (json_array(sent) if expected.many else json_object(sent)):
        return problems
    return [
        sent.fail(where, f"valid {rule}", message, Kind.SCHEMA)
        for where, rule, message in violations(sent.json, expected)
    ]


def error_response(sent: Sent) -> list[Failure]:
    """An `Error` body: an object with `code` and `reason` strings (swagger: every error answer)."""
    return matches_schema(sent, ERROR)


def refused(sent: Sent) -> list[Failure]:
    """A 4xx with an Error body: how a TMF API refuses a bad request."""
    return client_error(sent) or error_response(sent)


def not_found(sent: Sent) -> list[Failure]:
    """A 404 with an Error body."""
    return status(sent, 404) or error_response(sent)


def media_is_json(sent: Sent) -> list[Failure]:
    """Content-Type's media type is application/json (parameters such as charset allowed)."""
    return official(sent, lambda context: kinds.has_media_type(context, JSON_MEDIA))


def equal(sent: Sent, where: str, seen: Any, expected: Any) -> list[Failure]:
    """`seen` equals `expected`."""
    return [] if seen == expected else [sent.fail(where, describe(expected), describe(seen))]


def records(sent: Sent) -> list[tuple[str, Any]]:
    """The orders of a list answer with their JSON paths (nothing when the body is not an array)."""
    body = sent.json
    return [(f"$[{i}]", item) for i, item in enumerate(body)] if isinstance(body, list) else []


def ids_of(sent: Sent) -> list[Any]:
    """The `id` of every order of a list answer."""
    return [member(item, "id") for _, item in records(sent)]


def listed(sent: Sent, order_id: str) -> list[Failure]:
    """The list answer holds the order `order_id`."""
    if order_id in ids_of(sent):
        return []
    seen = ", ".join(str(i) for i in ids_of(sent)) or "none"
    return [sent.fail("$[*].id", f"the order {order_id}", f"ids {clip(seen, 120)}")]
