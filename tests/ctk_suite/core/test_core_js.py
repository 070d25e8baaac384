"""JavaScript's value semantics, written once in core/js.py for both official runners and our checks."""

from __future__ import annotations

import pytest

from ctk_suite.core.failures import describe
from ctk_suite.core.js import JS_TYPES, UNDEFINED, js_loose_equal, json_equal, member


def test_member_reads_as_javascript_does() -> None:
    assert member({"id": None}, "id") is None  # present and null is not undefined
    assert member({}, "id") is UNDEFINED
    assert member([{"id": "1"}], "id") is UNDEFINED  # a member of a non-object is undefined
    assert member("abc", "length") == 3


def test_undefined_is_shown_as_an_absent_attribute_in_failures() -> None:
    assert describe(UNDEFINED) == "nothing (attribute absent)"
    assert repr(UNDEFINED) == "undefined"


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("a", {"string"}),
        ([], {"array"}),
        ({}, {"object"}),
        (1.5, {"number"}),
        (True, {"boolean"}),
        (None, set()),
    ],
)
def test_type_names_are_chais(value: object, names: set[str]) -> None:
    assert {name for name, is_a in JS_TYPES.items() if is_a(value)} == names


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [("0x10", 16, True), ("inf", float("inf"), False), ("Infinity", float("inf"), True), ("1_0", 10, False)],
)
def test_loose_equality_reads_numbers_as_javascripts_number(left: object, right: object, equal: bool) -> None:
    assert js_loose_equal(left, right) is equal


def test_chai_equality_keeps_booleans_apart_from_numbers() -> None:
    assert json_equal(1, 1.0)
    assert not json_equal(True, 1)
    assert json_equal({"a": [1, {"b": None}]}, {"a": [1.0, {"b": None}]})
    assert not json_equal(UNDEFINED, None)
