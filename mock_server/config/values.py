"""Converters for configuration values: text (a flag, a variable, a YAML scalar) to a checked value.

Each converter raises ValueError with a message that says what is expected, so the caller only
has to prefix where the value came from (`--port`, `TMF622_MOCK_PORT`, `mock.yaml: port`).
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from mock_server.config import conninfo
from mock_server.faults.plan import load_plan

Convert = Callable[[str], object]

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
#: RFC 9110 token: what a header name may hold.
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
#: RFC 3986 host (reg-name, IPv4 or [IPv6]) with an optional port: what a Host header may hold.
HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-_~%]+)(:\d{1,5})?$")
_ORIGIN = re.compile(r"^https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-_~%]+)(:\d{1,5})?$")


def integer(low: int, high: int | None = None) -> Callable[[str], int]:
    """A whole number in low..high (no upper bound when `high` is None)."""
    wanted = f"a whole number from {low}" + ("" if high is None else f" to {high}")

    def convert(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise ValueError(f"{text!r} is not {wanted}") from None
        if value < low or (high is not None and value > high):
            raise ValueError(f"{value} is not {wanted}")
        return value

    return convert


def seconds(*, positive: bool) -> Callable[[str], float]:
    """A finite number of seconds, > 0 when `positive`, else >= 0."""
    wanted = "a number of seconds " + ("above 0" if positive else "of 0 or more")

    def convert(text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            raise ValueError(f"{text!r} is not {wanted}, e.g. 0.5") from None
        if not math.isfinite(value) or value < 0 or (positive and value == 0):
            raise ValueError(f"{text!r} is not {wanted}, e.g. 0.5")
        return value

    return convert


def boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"{text!r} is not a boolean; use true or false (also 1/0, yes/no, on/off)")


def non_empty(text: str) -> str:
    if not text.strip():
        raise ValueError("is empty; give a value")
    return text.strip()


def existing_file(text: str) -> str:
    """A path to a readable file (seed, progression and config files must exist at start)."""
    path = non_empty(text)
    if not Path(path).is_file():
        raise ValueError(f"file {path!r} does not exist; give the path of an existing file")
    return path


def writable_path(text: str) -> str:
    """The SQLite file may not exist yet, but its directory must."""
    path = non_empty(text)
    parent = Path(path).expanduser().resolve().parent
    if not parent.is_dir():
        raise ValueError(f"directory {str(parent)!r} of {path!r} does not exist; create it first")
    return path


def database_url(text: str) -> str:
    """A PostgreSQL connection URL (libpq form: postgresql://user:password@host:port/database?options)."""
    url = text.strip()
    if not url.startswith(("postgresql://", "postgres://")):
        shown = conninfo.redacted(url)[:60]  # key=value conninfo may hold `password=...`
        raise ValueError(
            f"{shown!r} is not a postgresql://... URL (the memory and SQLite stores need no URL)"
        )
    return url


def date_time(text: str) -> str:
    """An ISO 8601 date-time with an offset; kept as written (the deterministic clock parses it)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 date-time, e.g. 2026-01-01T00:00:00.000Z") from None
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no offset; add Z or +hh:mm")
    return text.strip()


def faults_file(text: str) -> str:
    """A faults file that parses: a broken one stops the mock at start, not on the first request."""
    path = existing_file(text)
    load_plan(path)
    return path


def secret(text: str) -> str:
    """A token or key; the message never repeats the value (it may be half a real secret)."""
    if not text.strip():
        raise ValueError("is empty; give the secret")
    if len(text.strip()) < 8:
        raise ValueError("is shorter than 8 characters; use a longer secret")
    return text.strip()


def header_name(text: str) -> str:
    name = non_empty(text)
    if not _TOKEN.match(name):
        raise ValueError(f"{name[:100]!r} is not a header name, e.g. X-API-Key")
    return name


def _items(text: str) -> list[str]:
    return [item.strip().lower() for item in text.split(",") if item.strip()]


def host_list(text: str) -> tuple[str, ...]:
    """`api.example.com, mock.local:8622` -> lower-case host[:port] entries (a port-less entry: any port)."""
    hosts = _items(text)
    for host in hosts:
        if not HOST.match(host):
            raise ValueError(f"{host[:100]!r} is not host or host:port, e.g. mock.example.com:8622")
    return tuple(hosts)


_CALLBACK_HOST = re.compile(r"^(\*\.)?[a-z0-9.\-_]+$|^\[?[0-9a-f:.]+\]?(/\d{1,3})?$")


def callback_host_list(text: str) -> tuple[str, ...]:
    """`listener.example, *.ctk.example, 10.0.0.0/8, [fd00::1]` -> lower-case entries (notify.callbacks)."""
    hosts = _items(text)
    for host in hosts:
        if not _CALLBACK_HOST.match(host):
            raise ValueError(f"{host[:100]!r} is not a host name, *.suffix, address or CIDR range")
        if "/" in host:
            try:
                ipaddress.ip_network(host.strip("[]"), strict=False)
            except ValueError:
                raise ValueError(f"{host[:100]!r} is not an address range, e.g. 10.0.0.0/8") from None
    return tuple(hosts)


def origin_list(text: str) -> tuple[str, ...]:
    """`https://app.example.com, http://localhost:3000` or `*` (any origin)."""
    origins = [item.rstrip("/") for item in _items(text)]
    for origin in origins:
        if origin != "*" and not _ORIGIN.match(origin):
            raise ValueError(f"{origin[:100]!r} is not an origin scheme://host[:port] or *")
    return tuple(origins)
