"""Schema validation through the schema package, reported as one message naming what and where."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import tmf622_schemas
from mock_server.domain.errors import InvalidInput

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

#: Long instances (a whole order that is "not of type 'array'") would drown the location.
MAX_MESSAGE_CHARS = 400


def describe(error: ValidationError) -> str:
    """`$.item[0].action: 'bogus' is not one of [...]`.

    Our schemas mark server-owned fields with `not: {title: ...}`; their title is the
    readable explanation, not jsonschema's "should not be valid under {...}".
    """
    detail = error.message
    if error.validator == "not" and isinstance(error.validator_value, dict):
        detail = str(error.validator_value.get("title", detail))
    if len(detail) > MAX_MESSAGE_CHARS:
        detail = detail[:MAX_MESSAGE_CHARS] + "..."
    return f"{error.json_path}: {detail}"


def is_valid_fast(schema_name: str, instance: Any, version: str = tmf622_schemas.DEFAULT_VERSION) -> bool:
    """The compiled validator's verdict; False (so the reference validator decides) when it
    cannot read the instance (a non-string key, a lone surrogate: nothing a JSON body holds).
    """
    try:
        return bool(tmf622_schemas.fast_validator_for(schema_name, version).is_valid(instance))
    except Exception:  # whatever it is, the reference validator judges the instance
        return False


def first_error(schema_name: str, instance: Any, version: str = tmf622_schemas.DEFAULT_VERSION) -> str | None:
    """The most relevant violation of `schema_name` (jsonschema's `best_match`), or None.

    The compiled validator answers for the valid majority in microseconds; only an instance it
    refuses goes through the reference validator, which has the last word and words the error.
    """
    if is_valid_fast(schema_name, instance, version):
        return None
    from jsonschema.exceptions import best_match  # noqa: PLC0415 - jsonschema only once a body is refused

    error = best_match(tmf622_schemas.validator_for(schema_name, version).iter_errors(instance))
    return None if error is None else describe(error)


def require_valid(schema_name: str, instance: Any, version: str = tmf622_schemas.DEFAULT_VERSION) -> None:
    """Refuse `instance` (InvalidInput: a 400 TMF Error) when it breaks `schema_name` of the schema
    set `version` (each API version's schemas are their own set)."""
    message = first_error(schema_name, instance, version)
    if message is not None:
        raise InvalidInput(message)
