"""Every option of the mock: one `Settings` field, its flag, its variable, its YAML key, its converter.

The core's rows are here; each API version plug-in declares the two rows of its switch (`version_rows`),
and the composition root hands them to `option_table`, which puts them where they show in `--help`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import MISSING, dataclass, fields, replace
from typing import Any

from mock_server.config import values as cv
from mock_server.config.settings import Settings, normalize_base_path, normalize_public_url

ENV_PREFIX = "TMF622_MOCK_"
CONFIG_ENV = f"{ENV_PREFIX}CONFIG"


@dataclass(frozen=True, slots=True)
class Option:
    """One `Settings` field as the user sees it; `kind` is value, flag (boolean), many (repeatable) or
    list (comma-separated). A `secret` is read from its environment variable only: no flag shows it in
    `ps`, no file keeps it, and Settings leaves it out of its repr.
    """

    field: str
    name: str
    convert: cv.Convert
    help: str
    metavar: str = "VALUE"
    kind: str = "value"
    group: str = "server"
    secret: bool = False
    #: A version plug-in's row: its label (its key in `Settings.versions`); `field` is then a
    #: `VersionSwitch` field, and `fallback` its default.
    version: str = ""
    fallback: Any = None

    @property
    def flag(self) -> str:
        return f"--{self.name.replace('_', '-')}"

    @property
    def env(self) -> str:
        return f"{ENV_PREFIX}{self.name.upper()}"

    @property
    def default(self) -> Any:
        return self.fallback if self.version else default_of(self.field)

    @property
    def optional(self) -> bool:
        """Fields whose default is None accept YAML `null` (and an empty variable) as 'not set'."""
        return self.default is None


def default_of(field_name: str) -> Any:
    spec = {spec.name: spec for spec in fields(Settings)}[field_name]
    return None if spec.default is MISSING else spec.default


def _o(field_name: str, name: str, convert: cv.Convert, help_text: str, **extra: Any) -> Option:
    return Option(field_name, name, convert, help_text, **extra)


def _secret(field_name: str, help_text: str) -> Option:
    return Option(field_name, field_name, cv.secret, help_text, "SECRET", group="sharing", secret=True)


OPTIONS: tuple[Option, ...] = (
    _o("host", "host", cv.non_empty, "interface to listen on", metavar="HOST"),
    _o("port", "port", cv.integer(0, 65535), "TCP port; 0 picks a free one", metavar="PORT"),
    _o(
        "public_url",
        "public_url",
        normalize_public_url,
        "scheme://host[:port] written in href and Location; none: taken from each request's Host",
        metavar="URL",
    ),
    _o(
        "workers",
        "workers",
        cv.integer(1, 64),
        "processes serving the one port (pre-forked); more than 1 needs --store postgresql://...",
        metavar="N",
    ),
    _o("max_body_bytes", "max_body_bytes", cv.integer(1), "larger request bodies get 413", metavar="N"),
    _o(
        "body_timeout_s",
        "body_timeout",
        cv.seconds(positive=True),
        "seconds a client has to send a request body; slower uploads get 408",
        metavar="SECONDS",
    ),
    _o(
        "head_timeout_s",
        "head_timeout",
        cv.seconds(positive=True),
        "seconds a client has, from its first byte, to send a request's line and headers; slower: closed",
        metavar="SECONDS",
    ),
    _o(
        "idle_timeout_s",
        "idle_timeout",
        cv.seconds(positive=True),
        "seconds a connection may stay open with no request in progress (new or kept alive); then closed",
        metavar="SECONDS",
    ),
    _o(
        "max_connections",
        "max_connections",
        cv.integer(0),
        "connections served at once; at the cap a new one closes the longest idle one, else it is "
        "refused; 0: the open-files limit (ulimit -n) less 128",
        metavar="N",
    ),
    _o("default_limit", "default_limit", cv.integer(1), "list page size without ?limit=", metavar="N"),
    _o("max_limit", "max_limit", cv.integer(1), "larger ?limit= values are cut to this", metavar="N"),
    _o(
        "sqlite_path",
        "sqlite",
        cv.writable_path,
        "keep resources in this SQLite file (created if missing) instead of memory",
        metavar="PATH",
        group="data",
    ),
    _o(
        "store_url",
        "store",
        cv.database_url,
        "keep resources, hub subscriptions and undelivered events in this PostgreSQL database "
        "(postgresql://user:password@host:port/db); several mocks may share it",
        metavar="URL",
        group="data",
    ),
    _o(
        "seed_files",
        "seed",
        cv.existing_file,
        "YAML/JSON file of resources loaded at start; repeat the flag for several files "
        f"(in the variable, separate them with {os.pathsep!r})",
        metavar="FILE",
        kind="many",
        group="data",
    ),
    _o("deterministic", "deterministic", cv.boolean, "predictable ids and clock", kind="flag", group="data"),
    _o(
        "clock_start",
        "clock_start",
        cv.date_time,
        "first reading of the deterministic clock",
        metavar="DATETIME",
        group="data",
    ),
    _o(
        "auto_progress",
        "auto_progress",
        cv.boolean,
        "move new orders on by themselves (acknowledged -> inProgress -> completed); "
        "ignored in deterministic mode",
        kind="flag",
        group="lifecycle",
    ),
    _o(
        "progress_delay_s",
        "progress_delay",
        cv.seconds(positive=False),
        "seconds between automatic steps",
        metavar="SECONDS",
        group="lifecycle",
    ),
    _o(
        "progression_file",
        "progression_file",
        cv.existing_file,
        "YAML or JSON file scripting the automatic progression (turns it on)",
        metavar="FILE",
        group="lifecycle",
    ),
    _o(
        "notify_attempts",
        "notify_attempts",
        cv.integer(1),
        "tries per event and listener",
        metavar="N",
        group="notify",
    ),
    _o(
        "notify_timeout_s",
        "notify_timeout",
        cv.seconds(positive=True),
        "timeout of one delivery attempt",
        metavar="SECONDS",
        group="notify",
    ),
    _o(
        "notify_backoff_s",
        "notify_backoff",
        cv.seconds(positive=False),
        "wait after the first failed attempt, doubled after each further one",
        metavar="SECONDS",
        group="notify",
    ),
    _o(
        "notify_queue_size",
        "notify_queue_size",
        cv.integer(1),
        "deliveries waiting (one per event and listener); beyond it events are dropped, logged and counted",
        metavar="N",
        group="notify",
    ),
    _o(
        "notify_queue_bytes",
        "notify_queue_bytes",
        cv.integer(1),
        "bytes of event bodies waiting for delivery (one per event and listener); beyond it events are "
        "dropped, logged and counted in GET /health",
        metavar="BYTES",
        group="notify",
    ),
    _o(
        "notify_breaker_failures",
        "notify_breaker_failures",
        cv.integer(1),
        "failed attempts in a row that open a listener's circuit: its events are then not tried",
        metavar="N",
        group="notify",
    ),
    _o(
        "notify_breaker_cooldown_s",
        "notify_breaker_cooldown",
        cv.seconds(positive=True),
        "seconds an open circuit waits before one probe delivery may close it again",
        metavar="SECONDS",
        group="notify",
    ),
    _o(
        "notify_connections",
        "notify_connections",
        cv.integer(1),
        "connections open at once for deliveries, shared by every listener; more deliveries wait their turn",
        metavar="N",
        group="notify",
    ),
    _o(
        "max_subscriptions",
        "max_subscriptions",
        cv.integer(1),
        "hub subscriptions kept ({versions} hubs each); beyond it POST /hub is 409",
        metavar="N",
        group="notify",
    ),
    _o(
        "callback_hosts",
        "callback_hosts",
        cv.callback_host_list,
        "comma-separated hosts hub callbacks may name (names, *.suffix, addresses, CIDR ranges); "
        "none: any host but link-local and cloud metadata addresses (those get 403)",
        metavar="HOSTS",
        kind="list",
        group="notify",
    ),
    _o(
        "faults_file",
        "faults",
        cv.faults_file,
        "YAML file of fault rules (latency, status, drop, malformed); turns fault injection on",
        metavar="FILE",
        group="faults",
    ),
    _o(
        "faults_enabled",
        "faults_enabled",
        cv.boolean,
        "honour the X-Mock-Fault request header even without a faults file",
        kind="flag",
        group="faults",
    ),
    _secret("api_token", "API requests need 'Authorization: Bearer <it>' (or the API key)"),
    _secret("api_key", "API requests need it in the API key header (or the bearer token)"),
    _o(
        "api_key_header",
        "api_key_header",
        cv.header_name,
        "request header that carries the API key",
        metavar="NAME",
        group="sharing",
    ),
    _secret("control_token", "/_mock/* requests need 'Authorization: Bearer <it>'"),
    _o(
        "allowed_hosts",
        "allowed_hosts",
        cv.host_list,
        "comma-separated host[:port] values of the Host header that may be written in href and Location "
        "(without --public-url); none: localhost, 127.0.0.1 and [::1] only",
        metavar="HOSTS",
        kind="list",
        group="sharing",
    ),
    _o(
        "cors_origins",
        "cors_origins",
        cv.origin_list,
        "comma-separated browser origins (scheme://host[:port], or *) allowed by CORS; none: CORS off",
        metavar="ORIGINS",
        kind="list",
        group="sharing",
    ),
    _o(
        "journal_size",
        "journal_size",
        cv.integer(0),
        "requests kept for GET /_mock/requests, oldest dropped first; 0: no journal",
        metavar="N",
        group="sharing",
    ),
    _o(
        "access_log",
        "access_log",
        cv.boolean,
        "one line per request on stderr: method, path, status, milliseconds, request id (secrets masked)",
        kind="flag",
        group="sharing",
    ),
)

#: The core row the version plug-ins' rows follow in `--help` (the server group opens with where it listens).
VERSIONS_AFTER = "port"


def version_rows(
    label: str, path_name: str, path_help: str, default_path: str, serve_help: str
) -> tuple[Option, ...]:
    """A plug-in's switch as two options: `--<path_name>` and `--serve-<label>`/`--no-serve-<label>`."""
    return (
        Option(
            "base_path",
            path_name,
            normalize_base_path,
            path_help,
            "PATH",
            version=label,
            fallback=default_path,
        ),
        Option("served", f"serve_{label}", cv.boolean, serve_help, kind="flag", version=label, fallback=True),
    )


def option_table(versions: Iterable[Option]) -> tuple[Option, ...]:
    """The core's rows with the plug-ins' rows after `VERSIONS_AFTER`, in the registry's order."""
    rows = tuple(versions)
    labels = " and ".join(dict.fromkeys(row.version for row in rows))  # `{versions}` in a help text
    core = tuple(replace(option, help=option.help.replace("{versions}", labels)) for option in OPTIONS)
    at = next(index for index, option in enumerate(core) if option.name == VERSIONS_AFTER) + 1
    return (*core[:at], *rows, *core[at:])


def by_name(table: Iterable[Option]) -> Mapping[str, Option]:
    return {option.name: option for option in table}


GROUPS = {
    "server": "server",
    "data": "storage, seed data and deterministic mode",
    "lifecycle": "automatic order progression",
    "notify": "hub notifications",
    "faults": "fault injection (off by default)",
    "sharing": "sharing the mock: authentication, hosts, CORS, request journal",
}
