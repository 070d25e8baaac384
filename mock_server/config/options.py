"""Every option of the mock: one `Settings` field, its flag, its variable, its YAML key, its converter."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields
from typing import Any

from mock_server.config import values as cv
from mock_server.config.settings import Settings, normalize_base_path, normalize_public_url

ENV_PREFIX = "TMF622_MOCK_"
CONFIG_ENV = f"{ENV_PREFIX}CONFIG"


@dataclass(frozen=True, slots=True)
class Option:
    """One `Settings` field as the user sees it; `kind` is value, flag (boolean) or many (repeatable)."""

    field: str
    name: str
    convert: cv.Convert
    help: str
    metavar: str = "VALUE"
    kind: str = "value"
    group: str = "server"

    @property
    def flag(self) -> str:
        return f"--{self.name.replace('_', '-')}"

    @property
    def env(self) -> str:
        return f"{ENV_PREFIX}{self.name.upper()}"

    @property
    def optional(self) -> bool:
        """Fields whose default is None accept YAML `null` (and an empty variable) as 'not set'."""
        return default_of(self.field) is None


def default_of(field_name: str) -> Any:
    spec = {spec.name: spec for spec in fields(Settings)}[field_name]
    return None if spec.default is MISSING else spec.default


def _o(field_name: str, name: str, convert: cv.Convert, help_text: str, **extra: str) -> Option:
    return Option(field_name, name, convert, help_text, **extra)


OPTIONS: tuple[Option, ...] = (
    _o("host", "host", cv.non_empty, "interface to listen on", metavar="HOST"),
    _o("port", "port", cv.integer(0, 65535), "TCP port; 0 picks a free one", metavar="PORT"),
    _o("base_path", "base_path", normalize_base_path, "path prefix of the API", metavar="PATH"),
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
        "processes serving the one port (SO_REUSEPORT); more than 1 needs --store postgresql://...",
        metavar="N",
    ),
    _o("max_body_bytes", "max_body_bytes", cv.integer(1), "larger request bodies get 413", metavar="N"),
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
        "events waiting for delivery; newer ones are refused (and logged) when full",
        metavar="N",
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
)

BY_NAME: Mapping[str, Option] = {option.name: option for option in OPTIONS}
GROUPS = {
    "server": "server",
    "data": "storage, seed data and deterministic mode",
    "lifecycle": "automatic order progression",
    "notify": "hub notifications",
    "faults": "fault injection (off by default)",
}
