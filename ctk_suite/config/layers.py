"""Layering: each option from the first layer that sets it, command line > environment > ini > profile.

A value from the command line, the environment or the ini file is read and checked here, and a bad one
is an `OptionError` naming where it came from (`TMF622_CTK_TIMEOUT (environment): ...`). The values are
then written into the profile document at the option's profile key, so the profile's own checks and
defaults apply to every layer alike (ctk_suite/config/profile.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ctk_suite.config.table import LEVEL_CHOICES, OPTIONS, Option, ValueType

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})
#: `--level` choices as the profile's `levels`.
LEVELS_OF = {
    "ctk": ["ctk"],
    "extended": ["extended-mandatory", "extended-optional"],
    "all": ["ctk", "extended-mandatory", "extended-optional"],
}
assert set(LEVELS_OF) == set(LEVEL_CHOICES)


class OptionError(ValueError):
    """A bad option value; the message names the layer it came from and never echoes a header value."""


@dataclass(frozen=True)
class Given:
    """A value set above the profile, and where: `--timeout (command line)`."""

    value: Any
    source: str


def layered(
    cli: Mapping[str, Any],
    env: Mapping[str, str] = os.environ,
    ini: Mapping[str, Any] | None = None,
    *,
    pytest_flags: bool = False,
) -> dict[str, Given]:
    """The options set on the command line, in the environment or in the ini file, read and checked.

    `cli` and `ini` are keyed by option name; a value of None, False or [] there means "not given".
    Errors name the flag as typed: `--timeout` for `tmf622-ctk`, `--ctk-timeout` for pytest.
    """
    ini = ini or {}
    given: dict[str, Given] = {}
    for option in OPTIONS:
        for raw, source in _candidates(option, cli, env, ini, pytest_flags):
            given[option.name] = Given(read(option, raw, source), source)
            break
    return given


def _candidates(
    option: Option, cli: Mapping[str, Any], env: Mapping[str, str], ini: Mapping[str, Any], pytest_flags: bool
) -> Iterable[tuple[Any, str]]:
    if _set(cli.get(option.name)):
        yield cli[option.name], f"{option.pytest_flag if pytest_flags else option.flag} (command line)"
    if _set(env.get(option.env)):
        yield env[option.env], f"{option.env} (environment)"
    if _set(ini.get(option.name)):
        yield ini[option.name], f"{option.dest} (ini file)"


def _set(value: Any) -> bool:
    return value not in (None, False, "", [], ())


def read(option: Option, raw: Any, source: str) -> Any:
    """The typed value of `raw` for `option`; OptionError naming `source` when it is not valid."""
    try:
        return _READERS[option.type](option, raw)
    except OptionError as exc:
        raise OptionError(f"{source}: {exc}") from None


def _text(raw: Any) -> str:
    return (raw if isinstance(raw, str) else str(raw)).strip()


def _read_text(option: Option, raw: Any) -> str:
    if not (value := _text(raw)):
        raise OptionError("must not be empty")
    return value


def _read_url(option: Option, raw: Any) -> str:
    url = _text(raw)
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise OptionError("must be an absolute http(s) URL (value not shown)")
    return url


def _read_seconds(option: Option, raw: Any) -> float:
    try:
        seconds = float(_text(raw))
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= option.maximum:
        raise OptionError(f"must be a number of seconds in (0, {option.maximum:g}], got {_text(raw)!r}")
    return seconds


def _read_flag(option: Option, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw).lower()
    if text not in _TRUE | _FALSE:
        raise OptionError(f"must be one of 1/true/yes/on or 0/false/no/off, got {text!r}")
    return text in _TRUE


def _read_choice(option: Option, raw: Any) -> str:
    chosen = _text(raw).lower()
    if chosen not in option.choices:
        raise OptionError(f"must be one of {', '.join(option.choices)}, got {chosen!r}")
    return chosen


def _read_path(option: Option, raw: Any) -> str:
    return str(Path(_read_text(option, raw)).expanduser().absolute())


def _read_headers(option: Option, raw: Any) -> dict[str, str]:
    return parse_headers(raw.splitlines() if isinstance(raw, str) else list(raw))


def _read_bind(option: Option, raw: Any) -> tuple[str, int]:
    return parse_bind(_text(raw))


_READERS: Mapping[ValueType, Callable[[Option, Any], Any]] = {
    ValueType.TEXT: _read_text,
    ValueType.URL: _read_url,
    ValueType.SECONDS: _read_seconds,
    ValueType.FLAG: _read_flag,
    ValueType.CHOICE: _read_choice,
    ValueType.PATH: _read_path,
    ValueType.HEADERS: _read_headers,
    ValueType.BIND: _read_bind,
}


def parse_headers(lines: Iterable[str]) -> dict[str, str]:
    """`Name: value` lines into a dict; a malformed line is an error that never echoes the value."""
    headers: dict[str, str] = {}
    for line in lines:
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip() or any(c.isspace() for c in name.strip()):
            raise OptionError("a header must look like 'Name: value' (value not shown)")
        headers[name.strip()] = value.strip()
    return headers


def parse_bind(text: str) -> tuple[str, int]:
    """`HOST`, `HOST:PORT` or `[IPv6]:PORT` into (host, port); port 0 picks a free one."""
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest.removeprefix(":")
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
    else:
        host, port_text = text, ""
    if not host or not (port_text.isdigit() or port_text == "") or int(port_text or 0) > 65535:
        raise OptionError(f"must look like HOST or HOST:PORT, got {text!r}")
    return host, int(port_text or 0)


def as_profile_value(option: Option, value: Any) -> Any:
    """The value as the profile document spells it at `option.profile_key`."""
    if option.inverts_profile:
        return not value
    if option.name == "level":
        return LEVELS_OF[value]
    if option.type is ValueType.BIND:
        host, port = value
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return value
