"""Schema checks against the generated v5 schemas, worded like the v4 ones (a 400 naming where)."""

from __future__ import annotations

from typing import Any

import tmf622_schemas
from mock_server.http.errors import bad_request
from mock_server.http.validation import describe
from mock_server.versions.tmf622_v5.resources import SCHEMA_VERSION


def is_valid_fast(schema_name: str, instance: Any) -> bool:
    """The compiled validator's verdict; False (the reference validator decides) when it cannot read it."""
    try:
        return bool(tmf622_schemas.fast_validator_for(schema_name, version=SCHEMA_VERSION).is_valid(instance))
    except Exception:  # whatever it is, the reference validator judges the instance
        return False


def first_error(schema_name: str, instance: Any) -> str | None:
    """The compiled validator answers for valid documents; the reference one words a refusal."""
    if is_valid_fast(schema_name, instance):
        return None
    from jsonschema.exceptions import best_match  # noqa: PLC0415 - jsonschema only once a body is refused

    validator = tmf622_schemas.validator_for(schema_name, version=SCHEMA_VERSION)
    error = best_match(validator.iter_errors(instance))
    return None if error is None else describe(error)


def require_valid(schema_name: str, instance: Any) -> None:
    """Raise a 400 TMF Error when `instance` breaks the v5 schema `schema_name`."""
    message = first_error(schema_name, instance)
    if message is not None:
        raise bad_request(message)
