"""Load the TMF622 v4 JSON Schemas of this directory into one `referencing` registry.

Both products (`mock_server`, `ctk_suite`) validate through this module, so request
validation on the mock and response validation in the suite can never drift apart.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache, partial
from importlib import resources
from typing import Any

import jsonschema_rs
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


def _refuse_retrieval(uri: str) -> Any:
    """Every schema is in the registry: a `$ref` outside it is an error, never a network fetch."""
    raise LookupError(f"{uri} is not one of the TMF622 toolkit schemas")


def _format_functions() -> dict[str, Callable[[str], bool]]:
    """`validator_for`'s own format checkers, so both validators share one definition of each format.

    jsonschema-rs's built-in `date-time` differs from rfc3339-validator at the edges (it takes
    `23:59:60` and year 0000, refuses a trailing newline); a fast path must never accept what the
    reference validator refuses.
    """
    checker = Draft202012Validator.FORMAT_CHECKER
    return {name: partial(checker.conforms, format=name) for name in checker.checkers}


@cache
def _fast_registry() -> jsonschema_rs.Registry:
    pairs = [(schema_uri(name), _document(name)) for name in schema_names()]
    return jsonschema_rs.Registry(pairs, draft=jsonschema_rs.Draft202012, retriever=_refuse_retrieval)


@cache
def fast_validator_for(name: str) -> jsonschema_rs.Validator:
    """A compiled (Rust, jsonschema-rs) validator for schema `name`: the same files, the same format
    checkers as `validator_for`, about 200 times faster. Use it to answer valid / invalid; word an
    error with `validator_for` (its `json_path` and messages are the documented ones).
    """
    return jsonschema_rs.validator_for(
        _document(name),
        registry=_fast_registry(),
        validate_formats=True,
        formats=_format_functions(),
        retriever=_refuse_retrieval,
    )
