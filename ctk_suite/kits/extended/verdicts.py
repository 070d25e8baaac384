"""Small assertions the extended checks are made of; each returns failures as values (empty: holds).

Where the CTK's check kinds already say it (status code, Content-Type, Location == href), they are
reused from `ctk_suite.kits.official.checks.kinds` through `kind()`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ctk_suite.core.failures import ABSENT, Failure, clip, describe
from ctk_suite.kits.extended.records import BodySchema, Sent
from ctk_suite.kits.extended.schemas import violations
from ctk_suite.kits.official.checks.catalogue import get_check
from ctk_suite.kits.official.checks.kinds import CheckContext, NotRun
from ctk_suite.kits.official.scenario import AssertionSpec
from ctk_suite.kits.official.variables import Variables

Failures = list[Failure]
ERROR = BodySchema("Error")
JSON_MEDIA = "application/json"


def responded(sent: Sent) -> Failures:
    """A transport error (no response at all) is the only failure worth reporting for that request."""
    return [] if sent.exchange.error is None else [sent.note(f"no response: {sent.exchange.error}")]


def kind(sent: Sent, name: str, **params: Any) -> Failures:
    """Run the CTK check kind `name` on this response; its failures name our request."""
    if missing := responded(sent):
        return missing
    context = CheckContext(sent.exchange, sent.json, Variables())
    verdict = get_check(name).run(context, AssertionSpec(name, name, params)) or ()
    if isinstance(verdict, NotRun):  # only the v5 kit's comparison answers so; never asked from here
        return [sent.note(f"not judged: {verdict.reason}")]
    return [dataclasses.replace(f, request=sent.request) for f in verdict]


def status(sent: Sent, expected: int) -> Failures:
    """The response has status `expected`."""
    return kind(sent, "status_code", status=expected)


def client_error(sent: Sent) -> Failures:
    """A 4xx: the server refused the request as the client's fault (never a 5xx, never a success)."""
    if missing := responded(sent):
        return missing
    if sent.status is not None and 400 <= sent.status < 500:
        return []
    return [sent.fail("status", "a 4xx refusal", f"HTTP {sent.status}")]


def json_object(sent: Sent) -> Failures:
    """The body parses as one JSON object."""
    if missing := responded(sent):
        return missing
    body, problem = sent.parsed
    if problem is not None:
        return [sent.note(problem)]
    return [] if isinstance(body, dict) else [sent.fail("$", "a JSON object", describe(body))]


def json_array(sent: Sent) -> Failures:
    """The body parses as a JSON array."""
    if missing := responded(sent):
        return missing
    body, problem = sent.parsed
    if problem is not None:
        return [sent.note(problem)]
    return [] if isinstance(body, list) else [sent.fail("$", "a JSON array", describe(body))]


def matches_schema(sent: Sent, expected: BodySchema) -> Failures:
    """The body validates against `expected` (JSON path and violated keyword in each failure)."""
    if problems := (json_array(sent) if expected.many else json_object(sent)):
        return problems
    return [
        sent.fail(where, f"valid {rule}", message) for where, rule, message in violations(sent.json, expected)
    ]


def error_response(sent: Sent) -> Failures:
    """An `Error` body: an object with `code` and `reason` strings (swagger: every error answer)."""
    return matches_schema(sent, ERROR)


def refused(sent: Sent) -> Failures:
    """A 4xx with an Error body: how a TMF API refuses a bad request."""
    return client_error(sent) or error_response(sent)


def not_found(sent: Sent) -> Failures:
    """A 404 with an Error body."""
    return status(sent, 404) or error_response(sent)


def media_is_json(sent: Sent) -> Failures:
    """Content-Type's media type is application/json (parameters such as charset allowed)."""
    return kind(sent, "content_type", media=JSON_MEDIA)


def attribute(instance: Any, name: str) -> Any:
    """`instance[name]`, or ABSENT."""
    return instance.get(name, ABSENT) if isinstance(instance, dict) else ABSENT


def equal(sent: Sent, where: str, seen: Any, expected: Any) -> Failures:
    """`seen` equals `expected`."""
    return [] if seen == expected else [sent.fail(where, describe(expected), describe(seen))]


def records(sent: Sent) -> list[tuple[str, Any]]:
    """The orders of a list answer with their JSON paths (nothing when the body is not an array)."""
    body = sent.json
    return [(f"$[{i}]", item) for i, item in enumerate(body)] if isinstance(body, list) else []


def ids_of(sent: Sent) -> list[Any]:
    """The `id` of every order of a list answer."""
    return [attribute(item, "id") for _, item in records(sent)]


def listed(sent: Sent, order_id: str) -> Failures:
    """The list answer holds the order `order_id`."""
    if order_id in ids_of(sent):
        return []
    seen = ", ".join(str(i) for i in ids_of(sent)) or "none"
    return [sent.fail("$[*].id", f"the order {order_id}", f"ids {clip(seen, 120)}")]
