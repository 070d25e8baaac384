"""Validate bodies against our TMF622 v4 schemas; each violation names its JSON path and the rule broken."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from ctk_suite.core.failures import clip
from ctk_suite.kits.extended.records import BodySchema
from tmf622_schemas import fast_validator_for, load_registry, load_schema, validator_for

#: One violation: (JSON path, the violated rule, the validator's message).
Violation = tuple[str, str, str]


@cache
def _partial_validator(name: str, version: str) -> Draft202012Validator:
    """`name` without its top-level `required`: a `?fields=` answer holds only the selected attributes.

    Everything it does hold is still checked (types, formats, nested required members).
    """
    schema = load_schema(name, version)
    schema.pop("required", None)
    return Draft202012Validator(
        schema, registry=load_registry(version), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _validator(expected: BodySchema) -> Draft202012Validator:
    if expected.partial:
        return _partial_validator(expected.name, expected.version)
    return validator_for(expected.name, expected.version)


def _fast_valid(fast: Any, instance: Any) -> bool:
    """The compiled validator's answer; False (let the reference validator word it) when it cannot take
    the instance: a lone surrogate (`"\\ud800"`, valid JSON) is no UTF-8 string for jsonschema-rs."""
    try:
        return bool(fast.is_valid(instance))
    except (ValueError, OverflowError):  # UnicodeEncodeError is a ValueError; huge ints overflow
        return False


def violations(body: Any, expected: BodySchema) -> Iterator[Violation]:
    """Every violation of `expected` by `body`: each list element for a list, else the body itself."""
    if expected.many and not isinstance(body, list):
        yield "$", f"{expected.name} list (type)", "the body is not an array"
        return
    instances = [(f"$[{i}]", item) for i, item in enumerate(body)] if expected.many else [("$", body)]
    validator = _validator(expected)
    fast = None if expected.partial else fast_validator_for(expected.name, expected.version)
    for where, instance in instances:
        if fast is not None and _fast_valid(fast, instance):
            continue  # the compiled validator agrees with this one on valid/invalid; it only words less

        try:
            errors = list(validator.iter_errors(instance))
        except RecursionError:  # nested deeper than the validator can follow: unverified is never valid
            yield where, f"{expected.name} (depth)", "nesting too deep to validate"
            continue
        for error in errors:
            path = where + error.json_path[1:]
            yield path, f"{expected.name} ({error.validator})", clip(error.message, 160)
