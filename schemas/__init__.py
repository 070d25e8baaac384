"""Load the TMF622 JSON Schemas (v4 here, v5 in `v5/`) into one `referencing` registry per version.

Both products (`mock_server`, `ctk_suite`) validate through this module, so request
validation on the mock and response validation in the suite can never drift apart.
Every function takes `version` ("4", the default, or "5"); the v5 files are generated from
TM Forum's v5.0.0 OAS by `scripts/generate_v5_schemas.py` (see `v5/README.md`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache, partial
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any

# The validation libraries are imported by the functions that build a validator, not here: importing this
# module (every start of both commands) stays cheap, and a validator is built when first needed.
if TYPE_CHECKING:
    import jsonschema_rs
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry

#: v4 schemas' `$id` is this prefix plus the file name; `$ref`s between files are relative.
SCHEMA_BASE_URI = "https://schemas.tmf622-toolkit.dev/v4/"
SCHEMA_SUFFIX = ".schema.json"
#: The formats our schemas use that jsonschema checks (the others, `base64`, `float`, `int32`, are
#: annotations). `rfc3339-validator` and `rfc3986-validator` supply them: the two checkers of the
#: `format-nongpl` extra we need, without `rfc3987-syntax`, whose grammar took 3 s to build at import.
CHECKED_FORMATS = ("date-time", "uri")
#: The API versions served, each with its sub-directory of this package ("" = the package itself).
VERSION_DIRS = {"4": "", "5": "v5"}
DEFAULT_VERSION = "4"


def _base_uri(version: str) -> str:
    """The `$id` prefix of `version`'s schemas (`.../v4/`, `.../v5/`)."""
    if version not in VERSION_DIRS:
        raise ValueError(f"unknown TMF622 schema version {version!r}; known: {', '.join(VERSION_DIRS)}")
    return f"https://schemas.tmf622-toolkit.dev/v{version}/"


def _directory(version: str) -> Traversable:
    """The package directory holding `version`'s schema files."""
    _base_uri(version)  # refuses an unknown version
    folder = resources.files(__name__)
    return folder.joinpath(VERSION_DIRS[version]) if VERSION_DIRS[version] else folder


def schema_uri(name: str, version: str = DEFAULT_VERSION) -> str:
    """The `$id` of the schema called `name` (for example ``ProductOrder_Create``)."""
    return f"{_base_uri(version)}{name}{SCHEMA_SUFFIX}"


def schema_names(version: str = DEFAULT_VERSION) -> list[str]:
    """Names of all schemas shipped for `version`, sorted."""
    files = _directory(version).iterdir()
    return sorted(f.name.removesuffix(SCHEMA_SUFFIX) for f in files if f.name.endswith(SCHEMA_SUFFIX))


@cache
def _document(name: str, version: str = DEFAULT_VERSION) -> dict[str, Any]:
    """The parsed schema document `name`, shared by the registry and the validators: never mutate it."""
    text = _directory(version).joinpath(f"{name}{SCHEMA_SUFFIX}").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def load_schema(name: str, version: str = DEFAULT_VERSION) -> dict[str, Any]:
    """A private copy of schema document `name`: a caller editing it cannot corrupt validation."""
    return copy.deepcopy(_document(name, version))


@cache
def load_registry(version: str = DEFAULT_VERSION) -> Registry[Any]:
    """One registry holding every schema of `version` under its `$id`, so every `$ref` resolves offline."""
    from referencing import Registry  # noqa: PLC0415 - see the imports above
    from referencing.jsonschema import DRAFT202012  # noqa: PLC0415

    pairs = [
        (schema_uri(name, version), DRAFT202012.create_resource(_document(name, version)))
        for name in schema_names(version)
    ]
    return Registry().with_resources(pairs)


@cache
def format_checker() -> FormatChecker:
    """jsonschema's draft 2020-12 format checker; RuntimeError if a format our schemas use went unchecked
    (a checker library missing), rather than validating less without a word."""
    from jsonschema import Draft202012Validator  # noqa: PLC0415 - see the imports above

    checker = Draft202012Validator.FORMAT_CHECKER
    missing = [name for name in CHECKED_FORMATS if name not in checker.checkers]
    if missing:
        needed = "rfc3339-validator and rfc3986-validator"
        raise RuntimeError(f"no checker for the formats {missing}: install {needed}")
    return checker


@cache
def validator_for(name: str, version: str = DEFAULT_VERSION) -> Draft202012Validator:
    """A validator for schema `name` that really checks `date-time` and `uri` formats.

    jsonschema ignores formats unless given a format checker; rfc3339-validator checks
    `date-time` and rfc3986-validator `uri` (`format_checker`).
    """
    from jsonschema import Draft202012Validator  # noqa: PLC0415 - see the imports above

    return Draft202012Validator(
        _document(name, version),
        registry=load_registry(version),
        format_checker=format_checker(),
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
    checker = format_checker()
    return {name: partial(checker.conforms, format=name) for name in checker.checkers}


@cache
def _fast_registry(version: str = DEFAULT_VERSION) -> jsonschema_rs.Registry:
    import jsonschema_rs  # noqa: PLC0415 - see the imports above

    pairs = [(schema_uri(name, version), _document(name, version)) for name in schema_names(version)]
    return jsonschema_rs.Registry(pairs, draft=jsonschema_rs.Draft202012, retriever=_refuse_retrieval)


@cache
def fast_validator_for(name: str, version: str = DEFAULT_VERSION) -> jsonschema_rs.Validator:
    """A compiled (Rust, jsonschema-rs) validator for schema `name`: the same files, the same format
    checkers as `validator_for`, about 200 times faster. Use it to answer valid / invalid; word an
    error with `validator_for` (its `json_path` and messages are the documented ones).
    """
    import jsonschema_rs  # noqa: PLC0415 - see the imports above

    return jsonschema_rs.validator_for(
        _document(name, version),
        registry=_fast_registry(version),
        validate_formats=True,
        formats=_format_functions(),
        retriever=_refuse_retrieval,
    )


#: Where a generated v5 wrapper keeps the plain OAS schema its `@type` dispatch wraps (`v5/README.md`).
_STRUCTURE_REF = "#/$defs/structure"


def _undispatched(name: str, version: str, one_of: frozenset[str]) -> dict[str, Any]:
    """Schema `name` as a validator that drops OpenAPI's `discriminator` sees it: a dispatching wrapper
    keeps its structure without the `@type` dispatch (its `allOf`); a union named in `one_of` is an
    exclusive `oneOf` again (the generator made every union an `anyOf`)."""
    document = _document(name, version)
    if document.get("$ref") == _STRUCTURE_REF and "structure" in document.get("$defs", {}):
        structure = _exclusive(document["$defs"]["structure"], name in one_of)
        plain = {key: value for key, value in document.items() if key != "allOf"}
        return {**plain, "$defs": {**document["$defs"], "structure": structure}}
    return _exclusive(document, name in one_of)


def _exclusive(schema: dict[str, Any], one_of: bool) -> dict[str, Any]:
    """`schema` with its top-level `anyOf` renamed `oneOf` when `one_of` (a shallow copy: the cached
    documents stay untouched)."""
    if not one_of or "anyOf" not in schema:
        return schema
    return {("oneOf" if key == "anyOf" else key): value for key, value in schema.items()}


@cache
def undispatched_validator_for(
    name: str, version: str = "5", one_of: frozenset[str] = frozenset()
) -> Draft202012Validator:
    """A validator for schema `name` that judges as TM Forum's v5 CTK does (`validate.js` deletes every
    `discriminator`, then ajv runs without format checkers): no `@type` dispatch, the unions in `one_of`
    exclusive (exactly one member must match), formats not checked. For the official verdict only; the
    toolkit's own verdicts use `validator_for`.
    """
    from jsonschema import Draft202012Validator  # noqa: PLC0415 - see the imports above
    from referencing import Registry  # noqa: PLC0415
    from referencing.jsonschema import DRAFT202012  # noqa: PLC0415

    names = schema_names(version)
    pairs = [
        (schema_uri(each, version), DRAFT202012.create_resource(_undispatched(each, version, one_of)))
        for each in names
    ]
    registry: Registry[Any] = Registry().with_resources(pairs)
    return Draft202012Validator(_undispatched(name, version, one_of), registry=registry)
