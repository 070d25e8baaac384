"""The extended level's own options: where the notification listener binds and how it is reached.

Same precedence as the suite's other options: command line, then environment, then ini.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:  # the listener imports aiohttp: only once the extended level is collected
    from ctk_suite.extended.listener import ListenerSettings

DEFAULT_EVENT_TIMEOUT_S = 10.0
#: dest -> (flag, environment variable, help)
OPTIONS: Mapping[str, tuple[str, str, str]] = {
    "ctk_callback_url": (
        "--ctk-callback-url",
        "TMF622_CTK_CALLBACK_URL",
        "URL the server under test posts events to; it must reach the listener (default: the bind address)",
    ),
    "ctk_listener_bind": (
        "--ctk-listener-bind",
        "TMF622_CTK_LISTENER_BIND",
        "HOST[:PORT] the notification listener binds (default 127.0.0.1 on a free port)",
    ),
    "ctk_event_timeout": (
        "--ctk-event-timeout",
        "TMF622_CTK_EVENT_TIMEOUT",
        f"seconds to wait for each notification (default {DEFAULT_EVENT_TIMEOUT_S:g})",
    ),
}


def add_options(parser: pytest.Parser) -> None:
    """Register the options beside the suite's (`tmf622-ctk` group)."""
    group = parser.getgroup("tmf622-ctk", "TMF622 CTK")
    for dest, (flag, env, text) in OPTIONS.items():
        group.addoption(flag, dest=dest, metavar="VALUE", help=f"{text} (env {env})")
        parser.addini(dest, text, type="string", default="")


def resolve_listener(config: pytest.Config, environ: Mapping[str, str] = os.environ) -> ListenerSettings:
    """The listener settings; a bad value is a UsageError that says which option and why."""
    from ctk_suite.extended.listener import ListenerSettings  # noqa: PLC0415 - see the import above

    raw = {dest: _first(config, dest, environ) for dest in OPTIONS}
    host, port = parse_bind(raw["ctk_listener_bind"] or "127.0.0.1:0")
    return ListenerSettings(
        bind_host=host,
        bind_port=port,
        callback_url=_callback(raw["ctk_callback_url"]),
        timeout_s=_timeout(raw["ctk_event_timeout"]),
    )


def _first(config: pytest.Config, dest: str, environ: Mapping[str, str]) -> str | None:
    cli = config.getoption(dest, None)
    if cli:
        return str(cli)
    env = OPTIONS[dest][1]
    return environ.get(env) or str(config.getini(dest) or "") or None


def parse_bind(value: str) -> tuple[str, int]:
    """`HOST`, `HOST:PORT` or `[IPv6]:PORT` into (host, port); port 0 picks a free one."""
    text = value.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest.removeprefix(":")
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
    else:
        host, port_text = text, ""
    if not host or not (port_text.isdigit() or port_text == "") or int(port_text or 0) > 65535:
        raise pytest.UsageError(f"--ctk-listener-bind must look like HOST or HOST:PORT, got {value!r}")
    return host, int(port_text or 0)


def _callback(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise pytest.UsageError("--ctk-callback-url must be an absolute http(s) URL (value not shown)")
    return value.strip()


def _timeout(value: str | None) -> float:
    if value is None:
        return DEFAULT_EVENT_TIMEOUT_S
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 600:
        raise pytest.UsageError(f"--ctk-event-timeout must be a number of seconds in (0, 600], got {value!r}")
    return seconds
