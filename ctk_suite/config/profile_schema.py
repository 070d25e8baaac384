"""The target profile file format: YAML reading, its JSON Schema, and one-line messages for faults."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import jsonschema_rs
import yaml

from ctk_suite.core.redaction import is_secret_name

if TYPE_CHECKING:  # jsonschema is imported only to word a fault: its import is most of a run's start-up
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError


class ProfileError(ValueError):
    """A profile cannot be used; the message is one line naming the file, the YAML key and the fault."""


LEVELS = ("ctk", "extended-mandatory", "extended-optional")
ORDER_DATE_QUOTING = ("none", "single")
AUTH_TYPES = ("none", "bearer", "oauth2", "api_key", "basic")

_ENV_NAME = {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}
_TEXT = {"type": "string", "minLength": 1}
#: `\\s` plus the characters Python's `re` counts as space and ECMA 262 (jsonschema-rs) does not, so the
#: compiled check never accepts a URL the reference validator refuses.
_HTTP_URL = {"type": "string", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s\\x1c-\\x1f\\x85]+"}
_SECONDS = {"type": "number", "exclusiveMinimum": 0, "maximum": 3600}


def _auth_branch(kind: str, required: list[str], optional: Mapping[str, Any]) -> dict[str, Any]:
    """`if type == kind then` only these keys: unknown ones are reported against this auth type."""
    properties = {"type": {"const": kind}, **{key: _ENV_NAME for key in required if key.endswith("_env")}}
    properties |= {key: _TEXT for key in required if not key.endswith("_env")} | dict(optional)
    return {
        "if": {"properties": {"type": {"const": kind}}, "required": ["type"]},
        "then": {"required": required, "properties": properties, "additionalProperties": False},
    }


_AUTH = {
    "type": "object",
    "required": ["type"],
    "properties": {"type": {"enum": list(AUTH_TYPES)}},
    "allOf": [
        _auth_branch("none", [], {}),
        _auth_branch("bearer", ["token_env"], {}),
        _auth_branch(
            "oauth2",
            ["token_url", "client_id", "client_secret_env"],
            {
                "token_url": _HTTP_URL,
                "scope": _TEXT,
                "audience": _TEXT,
                "client_auth": {"enum": ["body", "basic"]},
            },
        ),
        _auth_branch("api_key", ["api_key_env"], {"header": _TEXT}),
        _auth_branch("basic", ["username", "password_env"], {}),
    ],
}

PROFILE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["target"],
    "additionalProperties": False,
    "properties": {
        "name": _TEXT,
        "target": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "base_url": _HTTP_URL,
                "api_path": {"type": "string"},
                "embedded_mock": {"type": "boolean"},
            },
        },
        "headers": {"type": "object", "additionalProperties": {"type": "string"}},
        "auth": _AUTH,
        "tls": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "verify": {"type": "boolean"},
                "ca_bundle": _TEXT,
                "client_cert": _TEXT,
                "client_key": _TEXT,
            },
        },
        "proxy": {
            "oneOf": [
                _HTTP_URL,
                {
                    "type": "object",
                    "additionalProperties": False,
                    "minProperties": 1,
                    "properties": {"http": _HTTP_URL, "https": _HTTP_URL},
                },
            ]
        },
        "timeouts": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"connect": _SECONDS, "read": _SECONDS},
        },
        "payload": {"type": "object"},
        "payload_file": _TEXT,
        "levels": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(LEVELS)}},
        "order_date_quoting": {"enum": list(ORDER_DATE_QUOTING)},
        "cleanup": {"type": "boolean"},
        "timeout": _SECONDS,
        "api_version": {"type": "string", "pattern": "^[0-9]+[.][0-9]+[.][0-9]+$"},
        "baseline": _TEXT,
        "reports_dir": _TEXT,
        "har": _TEXT,
        "allure_html": {"type": "boolean"},
        "verdict": {"enum": ["strict", "official"]},
        "listener": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "callback_url": _HTTP_URL,
                "bind": _TEXT,
                "event_timeout": {"type": "number", "exclusiveMinimum": 0, "maximum": 600},
            },
        },
    },
}


@cache
def _fast_validator() -> jsonschema_rs.Validator:
    return jsonschema_rs.Draft202012Validator(PROFILE_SCHEMA)


@cache
def _reference_validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator  # noqa: PLC0415 - see TYPE_CHECKING above

    return Draft202012Validator(PROFILE_SCHEMA)


_PATTERN_NAMES = {
    _ENV_NAME["pattern"]: "an environment variable name",
    _HTTP_URL["pattern"]: "an http(s) URL",
}


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys, which PyYAML would silently resolve to the last one."""


def _unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, Hashable) and key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def read_yaml(source: Path, label: str) -> dict[str, Any]:
    """The profile file as a mapping; ProfileError for a missing file, bad YAML or duplicate keys."""
    try:
        document = yaml.load(source.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506
    except FileNotFoundError:
        raise ProfileError(f"{label}: profile file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{label}: cannot read the profile: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ProfileError(
            f"{label}: not valid YAML{where}: {getattr(exc, 'problem', None) or exc}"
        ) from None
    if not isinstance(document, dict):
        raise ProfileError(f"{label}: a profile is a YAML mapping (target:, auth:, payload:, ...)")
    return document


def first_fault(document: dict[str, Any]) -> str | None:
    """Written secrets first (they would read as unknown keys), then structure, then cross-key rules."""
    return _written_secret(document) or first_violation(document) or _cross_key_fault(document)


_NEVER_WRITTEN = "secrets are never written in a profile"
_SECRET_KEYS = ("token", "client_secret", "password", "api_key", "secret")


def _written_secret(document: dict[str, Any]) -> str | None:
    auth = document.get("auth")
    auth = auth if isinstance(auth, dict) else {}
    headers = document.get("headers")
    return (
        _secret_key(auth)
        or _secret_header(headers if isinstance(headers, dict) else {})
        or _url_password(document)
    )


def _secret_key(auth: dict[str, Any]) -> str | None:
    for key in _SECRET_KEYS:
        if key in auth:
            env_key = "api_key_env" if key == "secret" else f"{key}_env"
            return f"auth.{key}: {_NEVER_WRITTEN}; name an environment variable in auth.{env_key}"
    return None


def _secret_header(headers: dict[str, Any]) -> str | None:
    for name in headers:
        if is_secret_name(str(name)):
            return f"headers.{name}: {_NEVER_WRITTEN}; configure auth with an *_env variable"
    return None


def _url_password(document: dict[str, Any]) -> str | None:
    target, auth, proxy = (document.get(key) for key in ("target", "auth", "proxy"))
    urls = {"target.base_url": target.get("base_url") if isinstance(target, dict) else None}
    urls["auth.token_url"] = auth.get("token_url") if isinstance(auth, dict) else None
    urls |= {f"proxy.{k}": v for k, v in proxy.items()} if isinstance(proxy, dict) else {"proxy": proxy}
    for where, url in urls.items():
        if isinstance(url, str) and _has_password(url):
            return f"{where}: {_NEVER_WRITTEN}: no password in URLs (a proxy's comes from HTTPS_PROXY)"
    return None


def _has_password(url: str) -> bool:
    try:
        return urlsplit(url).password is not None
    except ValueError:  # not a URL at all: the schema check names the fault
        return False


def _cross_key_fault(document: dict[str, Any]) -> str | None:
    target, tls = document["target"], document.get("tls", {})
    if ("base_url" in target) == bool(target.get("embedded_mock")):
        return "target: give either base_url or embedded_mock: true"
    if "payload" in document and "payload_file" in document:
        return (
            "payload: give the POST /productOrder body inline (payload:) or as a JSON file (payload_file:), "
            "not both (neither: the kit's own body)"
        )
    if "client_key" in tls and "client_cert" not in tls:
        return "tls.client_key: needs tls.client_cert"
    return None


def first_violation(document: Any) -> str | None:
    """The most relevant structural fault of a profile document as `yaml.path: what is wrong`, or None.

    The compiled validator answers for a valid profile of plain JSON data (every run); jsonschema,
    the reference, decides and words the fault otherwise.
    """
    if _plain_json(document) and _fast_validator().is_valid(document):
        return None
    from jsonschema.exceptions import relevance  # noqa: PLC0415 - see TYPE_CHECKING above

    errors = sorted(_reference_validator().iter_errors(document), key=relevance)
    return _describe(errors[0]) if errors else None


def _plain_json(document: Any) -> bool:
    """Only JSON types: jsonschema-rs reads a tuple as an array (jsonschema does not), a date as an error."""
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if not all(isinstance(key, str) for key in value):
                return False
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, float):
            if not math.isfinite(value):
                return False
        elif not (value is None or isinstance(value, str | int)):  # bool is an int
            return False
    return True


def yaml_path(parts: Iterable[str | int]) -> str:
    """`auth.token_env`, `levels[1]`: how a user finds the key in the YAML file."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text or "(top level)"


def _describe(error: ValidationError) -> str:
    where = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        unknown = [key for key in error.instance if key not in allowed]
        names = ", ".join(yaml_path([*where, key]) for key in unknown)
        return f"unknown key{'s' if len(unknown) > 1 else ''} {names} (allowed here: {', '.join(allowed)})"
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [key for key in error.validator_value if key not in error.instance]
        return f"{yaml_path([*where, missing[0]])}: required key is missing"
    if error.validator == "pattern":
        return f"{yaml_path(where)}: {error.instance!r} is not {_PATTERN_NAMES[error.validator_value]}"
    if error.validator == "oneOf" and where == ["proxy"]:
        return "proxy: give one http(s) URL, or a mapping with http and/or https URLs"
    return f"{yaml_path(where)}: {_short(error.message)}"


def _short(message: str, limit: int = 160) -> str:
    line = " ".join(message.split())
    return line if len(line) <= limit else f"{line[: limit - 3]}..."
