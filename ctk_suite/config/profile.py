"""Target profiles: one YAML file per deployment under test, loaded and checked into a frozen `Profile`."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ctk_suite.config.profile_schema import ProfileError, first_fault, read_yaml
from ctk_suite.config.table import (
    DEFAULT_API_VERSION,
    DEFAULT_EVENT_TIMEOUT_S,
    DEFAULT_REPORTS_DIR,
)
from ctk_suite.http.settings import (
    DEFAULT_CONNECT_TIMEOUT_S,
    DEFAULT_READ_TIMEOUT_S,
    ApiKeyConfig,
    AuthConfig,
    BasicConfig,
    BearerConfig,
    HttpSettings,
    NoAuth,
    OAuth2Config,
    Secret,
    Timeouts,
    Tls,
)

#: The POST /productOrder body's schema per major API version (v4 swagger, v5 OAS `_FVO`).
PAYLOAD_SCHEMAS = {"4": "ProductOrder_Create", "5": "ProductOrder_FVO"}


def default_api_path(api_version: str) -> str:
    """The base path of TMF622 `api_version`: `/tmf-api/productOrderingManagement/v<major>` (TMF630
    "API URL": the major version only; v4 swagger `basePath`, v5 OAS `servers`)."""
    return f"/tmf-api/productOrderingManagement/v{_major(api_version)}"


def _major(api_version: str) -> str:
    return api_version.split(".", 1)[0]


#: The base path of the default API version.
DEFAULT_API_PATH = default_api_path(DEFAULT_API_VERSION)


class Level(StrEnum):
    """Which checks run: the official CTK's, then our extended mandatory and optional ones."""

    CTK = "ctk"
    EXTENDED_MANDATORY = "extended-mandatory"
    EXTENDED_OPTIONAL = "extended-optional"


class OrderDateQuoting(StrEnum):
    """How `?orderDate=` is written: the fixed CTK sends the bare value, its original (6db683a) `'value'`."""

    NONE = "none"
    SINGLE = "single"

    def quote(self, value: str) -> str:
        """The query value for the order date `value`."""
        return f"'{value}'" if self is OrderDateQuoting.SINGLE else value


@dataclass(frozen=True)
class Target:
    base_url: str | None
    api_path: str = DEFAULT_API_PATH
    embedded_mock: bool = False

    @property
    def api_url(self) -> str:
        """Base URL plus API path, with the trailing slash the CTK's `{{Product_Ordering}}` variable has."""
        if self.base_url is None:
            raise ProfileError("the embedded mock's URL is known once it runs: override target.base_url")
        path = self.api_path.strip("/")
        return f"{self.base_url.rstrip('/')}/{path}/" if path else f"{self.base_url.rstrip('/')}/"


@dataclass(frozen=True)
class Listener:
    """Where the extended level's notification listener binds and how the server reaches it."""

    bind_host: str = "127.0.0.1"
    bind_port: int = 0  # a free port
    callback_url: str | None = None  # default: the bind address
    event_timeout: float = DEFAULT_EVENT_TIMEOUT_S


@dataclass(frozen=True)
class Profile:
    """One deployment under test; its credentials are `Secret`s read from the environment, never the file."""

    name: str
    source: Path
    target: Target
    auth: AuthConfig = NoAuth()
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    tls: Tls = Tls()
    proxies: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    timeouts: Timeouts = Timeouts()
    levels: tuple[Level, ...] = (Level.CTK,)
    order_date_quoting: OrderDateQuoting = OrderDateQuoting.NONE
    cleanup: bool = True
    payload_json: str = field(default="{}", repr=False)
    #: Headers given on the command line, in the environment or ini (`--header`): credentials allowed.
    extra_headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), repr=False)
    reports_dir: Path = Path(DEFAULT_REPORTS_DIR)
    baseline: Path | None = None
    har: Path | None = None  # `--har FILE`: every exchange, masked, as HAR 1.2
    allure_html: bool = True
    api_version: str = DEFAULT_API_VERSION  # which kits certify the target (`ctk-<version>.yaml`...)
    verdict: str = "strict"  # which verdicts decide the exit code: "strict" (ours) or "official"
    listener: Listener = Listener()
    #: The checked YAML document (it holds no secret), kept so overrides pass the same checks.
    document: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def payload(self) -> dict[str, Any]:
        """A fresh copy of the POST /productOrder body, already valid against ProductOrder_Create."""
        body: dict[str, Any] = json.loads(self.payload_json)
        return body

    @property
    def http(self) -> HttpSettings:
        """What the HTTP layer needs of this profile: target, credentials, headers, TLS, proxies, timeouts."""
        return HttpSettings(
            self.target.base_url,
            self.auth,
            self.headers,
            self.extra_headers,
            self.tls,
            self.proxies,
            self.timeouts,
        )

    @property
    def request_headers(self) -> dict[str, str]:
        """Sent with every request: the profile's headers, then the command line's on top."""
        return self.http.request_headers

    def secret_values(self) -> tuple[str, ...]:
        """The actual credential values, to register with a `SecretRegistry`."""
        return self.http.secret_values()


def load_profile(path: str | Path, env: Mapping[str, str] = os.environ) -> Profile:
    """Read, check and resolve the profile file `path`; raise `ProfileError` with a one-line reason."""
    source = Path(path).absolute()
    return profile_from_document(read_yaml(source, str(path)), source, env, str(path))


def profile_from_document(
    document: dict[str, Any], source: Path, env: Mapping[str, str], label: str
) -> Profile:
    """A profile document read elsewhere (`--from-official`), checked and resolved as a file's would be."""
    _check(document, label)
    auth = _auth(document.get("auth", {"type": "none"}), env, label)
    return _build(document, source, auth, label)


#: Keys `merge_cli_overrides` accepts: the profile's YAML paths. Paths given there are relative to the cwd.
OVERRIDE_KEYS = frozenset(
    {
        "name", "target.base_url", "target.api_path", "headers", "proxy", "levels", "order_date_quoting",
        "cleanup", "payload_file", "timeout", "timeouts.connect", "timeouts.read",
        "tls.verify", "tls.ca_bundle", "tls.client_cert", "tls.client_key", "baseline", "reports_dir",
        "allure_html", "verdict", "api_version", "har",
        "listener.callback_url", "listener.bind", "listener.event_timeout",
    }
)  # fmt: skip
_PATH_OVERRIDES = frozenset(
    {"payload_file", "tls.ca_bundle", "tls.client_cert", "tls.client_key", "baseline", "reports_dir", "har"}
)


def merge_cli_overrides(
    profile: Profile, overrides: Mapping[str, Any], extra_headers: Mapping[str, str] | None = None
) -> Profile:
    """`profile` with command-line values (None = not given) in place of the file's; checked like the file.

    `extra_headers` (`--header`) stay out of the document: unlike a profile's, they may be credentials.
    """
    document = copy.deepcopy(dict(profile.document))
    for key, value in overrides.items():
        if key not in OVERRIDE_KEYS:
            raise ProfileError(
                f"unknown profile override {key!r} (known: {', '.join(sorted(OVERRIDE_KEYS))})"
            )
        if value is not None:
            _override(document, key, value)
    label = f"{profile.source} with command-line overrides"
    _check(document, label)
    built = _build(document, profile.source, profile.auth, label)
    headers = profile.extra_headers if extra_headers is None else {**profile.extra_headers, **extra_headers}
    return replace(built, extra_headers=MappingProxyType(dict(headers)))


def bundled_profile(name: str = "mock") -> Path:
    """Path of a profile shipped in `scenarios/profiles/` (package `tmf622_scenarios`)."""
    return Path(str(resources.files("tmf622_scenarios") / "profiles" / f"{name}.yaml"))


def _override(document: dict[str, Any], key: str, value: Any) -> None:
    if isinstance(value, tuple):
        value = list(value)  # JSON Schema's "array" is a list
    if key in _PATH_OVERRIDES:
        value = str(Path(value).absolute()) if isinstance(value, str | os.PathLike) else value
    section, _, leaf = key.rpartition(".")
    if key == "headers":
        value = {**document.get("headers", {}), **value} if isinstance(value, Mapping) else value
    elif key == "target.base_url":
        document.setdefault("target", {})["embedded_mock"] = False
    elif key == "payload_file":
        document.pop("payload", None)
    (document.setdefault(section, {}) if section else document)[leaf] = value


def _check(document: dict[str, Any], label: str) -> None:
    if fault := first_fault(document):
        raise ProfileError(f"{label}: {fault}")


def _auth(section: dict[str, Any], env: Mapping[str, str], label: str) -> AuthConfig:
    def secret(key: str) -> Secret:
        name = section[key]
        if not env.get(name):
            state = "empty" if name in env else "not set"
            raise ProfileError(f"{label}: auth.{key}: environment variable {name} is {state}")
        return Secret(name, env[name])

    match section["type"]:
        case "bearer":
            return BearerConfig(secret("token_env"))
        case "oauth2":
            optional = {key: section[key] for key in ("scope", "audience", "client_auth") if key in section}
            return OAuth2Config(
                section["token_url"], section["client_id"], secret("client_secret_env"), **optional
            )
        case "api_key":
            return ApiKeyConfig(secret("api_key_env"), section.get("header", "X-API-Key"))
        case "basic":
            return BasicConfig(section["username"], secret("password_env"))
    return NoAuth()


def _build(document: dict[str, Any], source: Path, auth: AuthConfig, label: str) -> Profile:
    base_dir = source.parent
    target = document["target"]
    api_version = _api_version(document, label)
    proxy = document.get("proxy", {})
    return Profile(
        name=document.get("name", source.stem),
        source=source,
        target=Target(
            target.get("base_url"),
            target.get("api_path", default_api_path(api_version)),
            target.get("embedded_mock", False),
        ),
        auth=auth,
        headers=MappingProxyType(dict(document.get("headers", {}))),
        tls=_tls(document.get("tls", {}), base_dir, label),
        proxies=MappingProxyType({"http": proxy, "https": proxy} if isinstance(proxy, str) else dict(proxy)),
        timeouts=_timeouts(document),
        levels=tuple(Level(level) for level in document.get("levels", [Level.CTK])),
        order_date_quoting=OrderDateQuoting(document.get("order_date_quoting", OrderDateQuoting.NONE)),
        cleanup=document.get("cleanup", True),
        payload_json=_payload_json(document, source, label, api_version),
        reports_dir=Path(document.get("reports_dir", DEFAULT_REPORTS_DIR)).absolute(),
        baseline=_relative(base_dir, document["baseline"]) if "baseline" in document else None,
        har=_relative(base_dir, document["har"]) if "har" in document else None,
        allure_html=document.get("allure_html", True),
        verdict=document.get("verdict", "strict"),
        api_version=api_version,
        listener=_listener(document.get("listener", {}), label),
        document=document,
    )


def _api_version(document: Mapping[str, Any], label: str) -> str:
    from tmf622_scenarios import api_versions  # noqa: PLC0415 - only the file names are read

    chosen = str(document.get("api_version", DEFAULT_API_VERSION))
    if chosen not in api_versions():
        raise ProfileError(f"{label}: api_version: {chosen!r} is not one of {', '.join(api_versions())}")
    return chosen


def _timeouts(document: Mapping[str, Any]) -> Timeouts:
    """`timeouts.connect`/`read`, each defaulting to `timeout` when that is given, then to the defaults."""
    both = document.get("timeout")
    section = document.get("timeouts", {})
    connect = section.get("connect", both if both is not None else DEFAULT_CONNECT_TIMEOUT_S)
    read = section.get("read", both if both is not None else DEFAULT_READ_TIMEOUT_S)
    return Timeouts(float(connect), float(read))


def _relative(base_dir: Path, name: str) -> Path:
    return (base_dir / Path(name).expanduser()).absolute()


def _listener(section: Mapping[str, Any], label: str) -> Listener:
    from ctk_suite.config.layers import OptionError, parse_bind  # noqa: PLC0415 - layers imports profile keys

    try:
        host, port = parse_bind(str(section.get("bind", "127.0.0.1:0")))
    except OptionError as exc:
        raise ProfileError(f"{label}: listener.bind {exc}") from None
    return Listener(
        host, port, section.get("callback_url"), float(section.get("event_timeout", DEFAULT_EVENT_TIMEOUT_S))
    )


def _tls(section: dict[str, Any], base_dir: Path, label: str) -> Tls:
    paths = {
        key: _existing(base_dir, section[key], f"tls.{key}", label) for key in section if key != "verify"
    }
    return Tls(verify=section.get("verify", True), **paths)


def _existing(base_dir: Path, name: str, where: str, label: str) -> Path:
    path = base_dir / Path(name).expanduser()
    if not path.exists():
        raise ProfileError(f"{label}: {where}: file not found: {path}")
    return path


def _payload_json(document: dict[str, Any], source: Path, label: str, api_version: str) -> str:
    if "payload" in document:
        payload, where = document["payload"], "payload"
    elif "payload_file" in document:
        path = _existing(source.parent, document["payload_file"], "payload_file", label)
        payload, where = _read_json(path, label), f"payload_file {path}"
    else:
        return json.dumps(kit_payload(api_version), ensure_ascii=False)
    if not (where == "payload" and _is_bundled(source)):
        _check_payload(payload, where, label, api_version)
    try:
        return json.dumps(payload, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:  # a YAML date or .nan where the schema allows any value
        raise ProfileError(f"{label}: {where}: not JSON data ({exc}); quote it in YAML") from None


def _is_bundled(source: Path) -> bool:
    """A profile shipped with the package: its inline payload is checked by the project's tests, not at
    each run, which then needs neither jsonschema nor the schema registry (most of its start-up time)."""
    return source.parent == bundled_profile().parent


def kit_payload(api_version: str) -> Any:
    """The POST /productOrder body of the official kit's port for `api_version` (its first POST): the body
    sent when the profile gives none (checked by the project's tests, like a bundled profile's)."""
    from tmf622_scenarios import scenario_path  # noqa: PLC0415 - only a profile without a body needs it

    # Read as data (the kit's `payloads:` and its first POST's `body:` name), not through the kit's loader:
    # configuration sits below the kits and imports none of them.
    document = read_yaml(scenario_path(f"ctk-{api_version}.yaml"), f"ctk-{api_version}.yaml")
    payloads = document.get("payloads") or {}
    return next(
        payloads[r["body"]] for r in document["requests"] if r.get("method") == "POST" and r.get("body")
    )


def _check_payload(payload: Any, where: str, label: str, api_version: str) -> None:
    """The POST body against the version's create schema: a bad body is a usage error before any request."""
    from jsonschema.exceptions import best_match  # noqa: PLC0415 - see _is_bundled

    import tmf622_schemas  # noqa: PLC0415

    major = _major(api_version)
    schema = PAYLOAD_SCHEMAS[major]
    fault = best_match(tmf622_schemas.validator_for(schema, major).iter_errors(payload))
    if fault is not None:
        hint = " (quote dates in YAML)" if hasattr(fault.instance, "isoformat") else ""
        message = " ".join(fault.message.split())[:200]
        raise ProfileError(f"{label}: {where} {fault.json_path}: {message}{hint} (schema {schema})")


def _read_json(path: Path, label: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ProfileError(
            f"{label}: payload_file {path}: not JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{label}: payload_file {path}: cannot read: {exc}") from None
