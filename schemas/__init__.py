"""Load the TMF622 v4 JSON Schemas of this directory into one `referencing` registry.

Both products (`mock_server`, `ctk_suite`) validate through this module, so request
validation on the mock and response validation in the suite can never drift apart.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

#: Every schema's `$id` is this prefix plus its file name; `$ref`s between files are relative.
SCHEMA_BASE_URI = "https://schemas.tmf622-toolkit.dev/v4/"
SCHEMA_SUFFIX = ".schema.json"


def schema_uri(name: str) -> str:
    """The `$id` of the schema called `name` (for example ``ProductOrder_Create``)."""
    return f"{SCHEMA_BASE_URI}{name}{SCHEMA_SUFFIX}"


def schema_names() -> list[str]:
    """Names of all schemas shipped in this directory, sorted."""
    files = resources.files(__name__).iterdir()
    return sorted(f.name.removesuffix(SCHEMA_SUFFIX) for f in files if f.name.endswith(SCHEMA_SUFFIX))


@cache
def _document(name: str) -> dict[str, Any]:
    """The parsed schema document `name`, shared by the registry and the validators: never mutate it."""
    text = resources.files(__name__).joinpath(f"{name}{SCHEMA_SUFFIX}").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def load_schema(name: str) -> dict[str, Any]:
    """A private copy of schema document `name`: a caller editing it cannot corrupt validation."""
    return copy.deepcopy(_document(name))


@cache
def load_registry() -> Registry[Any]:
    """One registry holding every schema under its `$id`, so every `$ref` resolves offline."""
    pairs = [
        (schema_uri(name), Resource.from_contents(_document(name), default_specification=DRAFT202012))
        for name in schema_names()
    ]
    return Registry().with_resources(pairs)


@cache
def validator_for(name: str) -> Draft202012Validator:
    """A validator for schema `name` that really checks `date-time` and `uri` formats.

    jsonschema ignores formats unless given a format checker; the `format-nongpl`
    extra supplies the checkers for `date-time` (rfc3339-validator) and `uri`
    (rfc3986-validator).
    """
    return Draft202012Validator(
        _document(name),
        registry=load_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
