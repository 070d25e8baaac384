"""TM Forum's own kit configuration (v5 `CHANGE_ME.json`, v4 Postman environment) read as a profile.

The file is taken as TM Forum's kits read it: the v5 Cypress kit's `url` (its `baseUrl`), `headers` (sent
with every request) and `payloads.ProductOrder.POST.payload` (the POST /productOrder body); the v4
collection's `{{Product_Ordering}}` (the API root, prefixed to `productOrder`). Credentials found in it never
enter the profile document: they become an `auth` section naming an environment variable, and their
values travel beside the document (`Imported.secrets`) for a run that reads the file directly.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ctk_suite.config.profile import Profile, profile_from_document
from ctk_suite.config.profile_schema import ProfileError
from ctk_suite.core.redaction import CREDENTIAL_HEADERS, is_secret_name

#: The environment variables an imported profile names for the credentials of the file.
TOKEN_ENV, PASSWORD_ENV, API_KEY_ENV = "TMF622_TOKEN", "TMF622_PASSWORD", "TMF622_API_KEY"
#: The v4 collection's variables: its API root, and the two its N1 requests capture at run time.
API_ROOT_VARIABLE = "Product_Ordering"
CAPTURED_VARIABLES = ("IDPO01", "ORDERDATEPO01")
#: Headers every kit sends itself, per request (a PATCH's media type differs): not carried over.
_KIT_HEADERS = {"content-type": "application/json", "accept": "application/json"}
_V5_KEYS = ("url", "headers", "payloads")


@dataclass(frozen=True)
class Imported:
    """A profile document equivalent to an official file, with no secret in it."""

    source: Path
    kind: str  # what the file is, for messages and the generated profile's header
    document: dict[str, Any]
    #: Environment variable -> the credential the file held (the document names the variable).
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False)
    #: Where each profile key came from in the file, to name the file's key in a fault.
    origins: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def target_section(api_root: str) -> dict[str, str]:
    """The profile's `target` for an API root (`https://host/tmf-api/productOrderingManagement/v5/`).

    Today a profile's `target.base_url` is scheme://host[:port] and `api_path` the rest; the one place to
    change when `base_url` becomes the API root (it is then `{"base_url": api_root}`).
    """
    parts = urlsplit(api_root)
    return {"base_url": f"{parts.scheme}://{parts.netloc}", "api_path": parts.path.rstrip("/")}


def read_official(path: str | Path) -> Imported:
    """The official file at `path` as a profile document; ProfileError naming the file's key at fault."""
    source = Path(path).absolute()
    label = str(path)
    try:
        document = json.loads(source.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ProfileError(f"{label}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{label}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ProfileError(f"{label}: not JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if isinstance(document, dict) and "values" in document:
        return _from_postman(document, source, label)
    if isinstance(document, dict) and "url" in document:
        return _from_change_me(document, source, label)
    raise ProfileError(
        f"{label}: neither the v5 kit's CHANGE_ME.json (keys {', '.join(_V5_KEYS)}) "
        "nor a Postman environment (key values)"
    )


def official_profile(path: str | Path, env: Mapping[str, str] = os.environ) -> Profile:
    """The run's profile from an official file, its credentials used as the file gives them."""
    imported = read_official(path)
    return build_profile(imported, {**env, **imported.secrets})


def build_profile(imported: Imported, env: Mapping[str, str]) -> Profile:
    """`imported` checked as a profile; a fault names the official file's key, not the profile's."""
    label = str(imported.source)
    try:
        return profile_from_document(imported.document, imported.source, env, label)
    except ProfileError as exc:
        message = str(exc)
        for profile_key, file_key in imported.origins.items():
            prefix = f"{label}: {profile_key}"
            if message.startswith(prefix):
                message = f"{label}: {file_key}{message.removeprefix(prefix)}"
                break
        raise ProfileError(message) from None


# The v5 kit's CHANGE_ME.json ---------------------------------------------------------------------------


def _from_change_me(document: dict[str, Any], source: Path, label: str) -> Imported:
    root = _api_root(document["url"], "url", label)
    major = root.rstrip("/").rpartition("/")[2]
    profile: dict[str, Any] = {
        "name": source.stem,
        # The v4 kit ships the same format (config.json): its URL says which version it is.
        "api_version": "4.0.0" if major == "v4" else "5.0.0",
        "target": target_section(root),
    }
    origins = {"target.base_url": "url", "target": "url", "api_version": "url"}
    notes = [f"{key}: not read by the kit" for key in document if key not in _V5_KEYS]
    headers = document.get("headers", {})
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise ProfileError(f"{label}: headers: must map header names to text values")
    secrets, header_notes = _headers_into(profile, headers, label)
    payload, payload_notes = _payload(document.get("payloads", {}), label)
    if payload is not None:
        profile["payload"] = payload
        origins["payload"] = "payloads.ProductOrder.POST.payload"
    kind = "TM Forum's v5 CTK configuration (CHANGE_ME.json)"
    notes += header_notes + payload_notes
    return Imported(source, kind, profile, secrets, origins, tuple(notes))


def _payload(payloads: Any, label: str) -> tuple[dict[str, Any] | None, list[str]]:
    """`payloads.ProductOrder.POST.payload`: the only body the v5 kit sends (one POST /productOrder)."""
    if not isinstance(payloads, dict):
        raise ProfileError(f"{label}: payloads: must be an object (resource -> method -> payload)")
    notes = [f"payloads.{name}: the kit sends no such body" for name in payloads if name != "ProductOrder"]
    order = payloads.get("ProductOrder")
    if order is None:
        return None, notes
    if not isinstance(order, dict):
        raise ProfileError(f"{label}: payloads.ProductOrder: must be an object (method -> payload)")
    post = order.get("POST", {})
    if not isinstance(post, dict):
        raise ProfileError(f"{label}: payloads.ProductOrder.POST: must be an object ({{payload: ...}})")
    notes += [f"payloads.ProductOrder.{m}: the kit sends no such body" for m in order if m != "POST"]
    if "payload" not in post:
        return None, notes
    payload = post["payload"]
    if not isinstance(payload, dict):
        raise ProfileError(f"{label}: payloads.ProductOrder.POST.payload: must be a JSON object")
    return payload, notes


# The v4 kit's Postman environment ----------------------------------------------------------------------


def _from_postman(document: dict[str, Any], source: Path, label: str) -> Imported:
    variables = _postman_values(document.get("values"), label)
    if API_ROOT_VARIABLE not in variables:
        raise ProfileError(
            f"{label}: values: no enabled {API_ROOT_VARIABLE} variable (the collection's API root, "
            "e.g. https://host/tmf-api/productOrderingManagement/v4/)"
        )
    where, raw = variables.pop(API_ROOT_VARIABLE)
    root = _api_root(raw, where, label)
    profile: dict[str, Any] = {
        "name": str(document.get("name") or source.stem),
        "api_version": "4.0.0",
        "target": target_section(root),
    }
    notes = []
    if not str(raw).strip().endswith("/"):
        notes.append(f"{where}: no final '/': the collection would send {root.rstrip('/')}productOrder")
    for name, (key, _) in variables.items():
        if name in CAPTURED_VARIABLES:
            notes.append(f"{key} ({name}): captured by N1 at run time; the environment's value is not used")
        else:
            notes.append(f"{key} ({name}): the collection does not use it (its value is not copied)")
    origins = {"target.base_url": where, "target": where}
    kind = "TM Forum's v4 CTK Postman environment"
    return Imported(source, kind, profile, {}, origins, tuple(notes))


def _postman_values(values: Any, label: str) -> dict[str, tuple[str, Any]]:
    """The enabled variables, by name: (where in the file, value)."""
    if not isinstance(values, list):
        raise ProfileError(f"{label}: values: must be a list of {{key, value, enabled}}")
    found: dict[str, tuple[str, Any]] = {}
    for index, entry in enumerate(values):
        where = f"values[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str) or not entry["key"]:
            raise ProfileError(f"{label}: {where}.key: missing or not text")
        if entry.get("enabled", True) is not False:  # Postman ignores a disabled variable
            found[entry["key"]] = (where, entry.get("value"))
    return found


# Shared ------------------------------------------------------------------------------------------------


def _api_root(raw: Any, where: str, label: str) -> str:
    """The API root with its final `/` (Cypress trims spaces a hand-edited file often has)."""
    url = raw.strip() if isinstance(raw, str) else ""
    try:
        parts = urlsplit(url)
        valid = parts.scheme in {"http", "https"} and bool(parts.hostname) and parts.password is None
    except ValueError:
        valid = False
    if not valid:
        raise ProfileError(
            f"{label}: {where}: must be the API's http(s) URL without a password "
            "(e.g. https://host/tmf-api/productOrderingManagement/v5/)"
        )
    return url.split("?", 1)[0].split("#", 1)[0].rstrip("/") + "/"


def _headers_into(
    profile: dict[str, Any], headers: Mapping[str, str], label: str
) -> tuple[dict[str, str], list[str]]:
    """Plain headers into `headers`, one credential header into `auth` (its value: a secret)."""
    plain: dict[str, str] = {}
    secrets: dict[str, str] = {}
    notes: list[str] = []
    for name, value in headers.items():
        if _KIT_HEADERS.get(name.lower()) == value.strip().lower():
            continue  # the kits send it themselves
        if not (name.lower() in CREDENTIAL_HEADERS or is_secret_name(name)):
            plain[name] = value
        elif "auth" in profile:
            raise ProfileError(
                f"{label}: headers.{name}: a second credential header; a profile has one auth "
                "(give this one with --header or TMF622_CTK_HEADERS)"
            )
        else:
            profile["auth"], secret = _auth_for(name, value)
            secrets |= secret
            notes.append(f"headers.{name}: a credential, read from ${next(iter(secret))}")
    if plain:
        profile["headers"] = plain
    return secrets, notes


def _auth_for(name: str, value: str) -> tuple[dict[str, str], dict[str, str]]:
    """The auth section for one credential header, and {environment variable: its secret}."""
    scheme, _, credentials = value.strip().partition(" ")
    if name.lower() == "authorization" and scheme.lower() == "bearer" and credentials.strip():
        return {"type": "bearer", "token_env": TOKEN_ENV}, {TOKEN_ENV: credentials.strip()}
    if name.lower() == "authorization" and scheme.lower() == "basic":
        user, password = _basic(credentials.strip())
        if user is not None:
            return {"type": "basic", "username": user, "password_env": PASSWORD_ENV}, {PASSWORD_ENV: password}
    auth = {"type": "api_key", "api_key_env": API_KEY_ENV, "header": name}
    return auth, {API_KEY_ENV: value}


def _basic(encoded: str) -> tuple[str | None, str]:
    """`user:password` of HTTP Basic credentials (RFC 7617), or (None, "") when they do not decode."""
    try:
        user, colon, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None, ""
    return (user, password) if colon and user else (None, "")
