"""The rules of Cypress 12 the v5 official verdict follows (kits/official/runners/cypress.py), one by one."""

from __future__ import annotations

from typing import Any

import pytest

from ctk_suite.core.js import UNDEFINED
from ctk_suite.http.client import Exchange
from ctk_suite.kits.official.runners.cypress import cypress_body, hook_failure, hook_message
from ctk_suite.kits.official.scenario import RequestSpec


def _exchange(body: bytes, content_type: str | None, sent: bytes | None = None) -> Exchange:
    headers = {"Content-Type": content_type} if content_type else {}
    return Exchange("GET", "http://h/x", {}, sent, status=200, response_headers=headers, kept=body)


@pytest.mark.parametrize(
    ("content_type", "seen"),
    [
        ("application/json", {"a": 1}),
        ("application/json; charset=utf-8", {"a": 1}),
        ("application/vnd.tmf+json", {"a": 1}),
        ("text/json", {"a": 1}),
        ("text/plain", '{"a": 1}'),
        ("application/octet-stream", '{"a": 1}'),
        ("application/JSON", '{"a": 1}'),  # `endsWith('json')` is case-sensitive
        ("application/json-seq; x=json", '{"a": 1}'),  # only what comes before the first `;` counts
        (None, '{"a": 1}'),
    ],
)
def test_a_get_body_is_parsed_only_when_its_content_type_ends_in_json(
    content_type: str | None, seen: Any
) -> None:
    assert cypress_body(_exchange(b'{"a": 1}', content_type)) == seen


def test_a_json_label_on_a_body_that_is_not_json_leaves_a_string() -> None:
    assert cypress_body(_exchange(b'[{"id":', "application/json")) == '[{"id":'
    assert cypress_body(_exchange(b"", "application/json")) == ""


@pytest.mark.parametrize(
    ("body", "seen"),
    [(b'{"a": 1}', {"a": 1}), (b"null", None), (b"", UNDEFINED), (b"<html>", "<html>"), (b"[1]", [1])],
)
def test_an_answer_to_an_object_body_is_parsed_whatever_its_label(body: bytes, seen: Any) -> None:
    assert cypress_body(_exchange(body, "text/plain", sent=b"{}")) == seen


def _spec(method: str) -> RequestSpec:
    return RequestSpec("Tests method POST and path /productOrder ", "context", method, "productOrder/", ())


@pytest.mark.parametrize(
    ("method", "body", "fails"),
    [("POST", UNDEFINED, True), ("POST", None, True), ("POST", "<html>", False), ("POST", [], False)],
)
def test_the_hook_throws_on_object_keys_of_undefined_or_null(method: str, body: Any, fails: bool) -> None:
    failure = hook_failure(_spec(method), _exchange(b"", None), body)
    assert (failure == "TypeError: Cannot convert undefined or null to object") is fails


def test_a_get_answered_null_does_not_fail_the_hook_and_no_answer_does() -> None:
    assert hook_failure(_spec("GET"), _exchange(b"null", "application/json"), None) is None
    refused = Exchange("GET", "http://h/x", {}, None, error="connection refused")
    assert (
        hook_failure(_spec("GET"), refused, UNDEFINED)
        == "cy.request() failed trying to load: http://h/x: connection refused"
    )


def test_the_hook_message_names_the_suite_as_cypress_truncates_it() -> None:
    assert hook_message("E", "TMF622 Conformance Profile v5.0.0 - API GET").endswith(
        "we are skipping the remaining tests in the current suite: `TMF622 Conformance Profile ...`"
    )
    assert hook_message("E", "").endswith("we are skipping all of the remaining tests.")
