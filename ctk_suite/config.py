"""The suite's options (`--ctk-*`), resolved once with precedence CLI > environment > ini."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ctk_suite.redaction import redact_url
from ctk_suite.runner import QUOTES
from ctk_suite.target import LEVEL_CHOICES, Overrides

DEFAULT_REPORTS_DIR = "reports"
_TRUE = frozenset({"1", "true", "yes", "on"})


@dataclass(frozen=True)
class Option:
    """One `--ctk-*` option: its flag, environment variable, help, and how the value is shown."""

    flag: str
    env: str
    help: str
    metavar: str | None = None
    is_flag: bool = False


#: option dest -> its sources (the ini key is the dest).
OPTIONS: Mapping[str, Option] = {
    "ctk_profile": Option(
        "--ctk-profile", "TMF622_CTK_PROFILE", "target profile (YAML); default: the embedded mock", "FILE"
    ),
    "ctk_base_url": Option(
        "--ctk-base-url",
        "TMF622_CTK_BASE_URL",
        "API root, e.g. https://host/tmf-api/productOrderingManagement/v4/ (overrides the profile's)",
        "URL",
    ),
    "ctk_orderdate_quote": Option(
        "--ctk-orderdate-quote", "TMF622_CTK_ORDERDATE_QUOTE", "send ?orderDate= bare (none) or 'quoted'"
    ),
    "ctk_headers": Option(
        "--ctk-header", "TMF622_CTK_HEADERS", "extra request header, repeatable (env: one per line)", "'N: V'"
    ),
    "ctk_timeout": Option(
        "--ctk-timeout", "TMF622_CTK_TIMEOUT", "connect and read timeout at once", "SECONDS"
    ),
    "ctk_connect_timeout": Option(
        "--ctk-connect-timeout", "TMF622_CTK_CONNECT_TIMEOUT", "TCP/TLS connect timeout", "SECONDS"
    ),
    "ctk_read_timeout": Option(
        "--ctk-read-timeout", "TMF622_CTK_READ_TIMEOUT", "wait for a response (whole exchange: +connect)", "S"
    ),
    "ctk_insecure": Option(
        "--ctk-insecure", "TMF622_CTK_INSECURE", "do not verify TLS certificates (warned)", is_flag=True
    ),
    "ctk_ca_bundle": Option("--ctk-ca-bundle", "TMF622_CTK_CA_BUNDLE", "CA bundle (PEM) to trust", "FILE"),
    "ctk_client_cert": Option(
        "--ctk-client-cert", "TMF622_CTK_CLIENT_CERT", "client certificate for mutual TLS", "FILE"
    ),
    "ctk_client_key": Option("--ctk-client-key", "TMF622_CTK_CLIENT_KEY", "its private key", "FILE"),
    "ctk_level": Option("--ctk-level", "TMF622_CTK_LEVEL", "checks to run: ctk (default), extended, all"),
    "ctk_no_cleanup": Option(
        "--ctk-no-cleanup", "TMF622_CTK_NO_CLEANUP", "keep the orders the run created", is_flag=True
    ),
    "ctk_payload": Option(
        "--ctk-payload", "TMF622_CTK_PAYLOAD", "POST /productOrder body (JSON file)", "FILE"
    ),
    "ctk_baseline": Option(
        "--ctk-baseline", "TMF622_CTK_BASELINE", "earlier summary.json: fail only on regressions", "FILE"
    ),
    "ctk_reports_dir": Option(
        "--ctk-reports-dir",
        "TMF622_CTK_REPORTS_DIR",
        f"reports folder (default {DEFAULT_REPORTS_DIR})",
        "DIR",
    ),
}
_CHOICES = {"ctk_orderdate_quote": sorted(QUOTES), "ctk_level": list(LEVEL_CHOICES)}


@dataclass(frozen=True)
class CtkConfig:
    """Everything the run needs from the command line, the environment and the ini file."""

    overrides: Overrides = field(default_factory=Overrides)
    profile_path: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    reports_dir: Path = Path(DEFAULT_REPORTS_DIR)
    baseline: Path | None = None

    @property
    def base_url(self) -> str | None:
        """The API root given on the command line, if any."""
        return self.overrides.base_url


def add_options(parser: pytest.Parser) -> None:
    """Register the namespaced options (never a bare --base-url: pytest-base-url owns it)."""
    group = parser.getgroup("tmf622-ctk", "TMF622 CTK")
    for dest, option in OPTIONS.items():
        help_text = f"{option.help} (env {option.env})"
        if option.is_flag:
            group.addoption(option.flag, dest=dest, action="store_true", default=False, help=help_text)
        elif dest == "ctk_headers":
            group.addoption(option.flag, dest=dest, action="append", metavar=option.metavar, help=help_text)
        else:
            choices = _CHOICES.get(dest)
            group.addoption(option.flag, dest=dest, choices=choices, metavar=option.metavar, help=help_text)
        _add_ini(parser, dest, option)


def _add_ini(parser: pytest.Parser, dest: str, option: Option) -> None:
    if dest == "ctk_headers":
        parser.addini(dest, option.help, type="linelist", default=[])
    elif option.is_flag:
        parser.addini(dest, option.help, type="bool", default=False)
    else:
        parser.addini(dest, option.help, type="string", default="")


def resolve(config: pytest.Config, environ: Mapping[str, str] = os.environ) -> CtkConfig:
    """Read each option from the first source that sets it; bad values are usage errors."""
    raw = {dest: _first(config, dest, environ) for dest in OPTIONS}

    def text(dest: str) -> str | None:
        return str(raw[dest]) if raw[dest] else None

    base_url = text("ctk_base_url")
    overrides = Overrides(
        base_url=normalize_base_url(base_url) if base_url else None,
        orderdate_quote=_choice(raw["ctk_orderdate_quote"], "ctk_orderdate_quote"),
        timeout_s=_seconds(raw["ctk_timeout"], "--ctk-timeout"),
        connect_timeout_s=_seconds(raw["ctk_connect_timeout"], "--ctk-connect-timeout"),
        read_timeout_s=_seconds(raw["ctk_read_timeout"], "--ctk-read-timeout"),
        insecure=bool(raw["ctk_insecure"]),
        ca_bundle=text("ctk_ca_bundle"),
        client_cert=text("ctk_client_cert"),
        client_key=text("ctk_client_key"),
        level=_choice(raw["ctk_level"], "ctk_level"),
        no_cleanup=bool(raw["ctk_no_cleanup"]),
        payload_file=text("ctk_payload"),
    )
    root = config.invocation_params.dir
    baseline = text("ctk_baseline")
    return CtkConfig(
        overrides=overrides,
        profile_path=text("ctk_profile"),
        headers=parse_headers(_lines(raw["ctk_headers"])),
        reports_dir=Path(root, str(raw["ctk_reports_dir"] or DEFAULT_REPORTS_DIR)),
        baseline=Path(root, baseline) if baseline else None,
    )


def _first(config: pytest.Config, dest: str, environ: Mapping[str, str]) -> str | list[str] | bool | None:
    option = OPTIONS[dest]
    cli = config.getoption(dest)
    if cli:
        return cli  # type: ignore[no-any-return]
    if environ.get(option.env):
        value = environ[option.env]
        if option.is_flag:
            return value.strip().lower() in _TRUE
        return value.splitlines() if dest == "ctk_headers" else value
    ini = config.getini(dest)
    return ini or None


def _lines(value: str | list[str] | bool | None) -> list[str]:
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, str) else []


def normalize_base_url(value: str) -> str:
    """An http(s) URL ending with `/`, so request paths (`productOrder`) append to it."""
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise pytest.UsageError(f"the base URL must be an http(s) URL, got {redact_url(url)!r}")
    return url if url.endswith("/") else url + "/"


def _choice(value: str | list[str] | bool | None, dest: str) -> str | None:
    if not value:
        return None
    chosen = str(value).strip().lower()
    if chosen not in _CHOICES[dest]:
        raise pytest.UsageError(
            f"{OPTIONS[dest].flag} must be one of {', '.join(_CHOICES[dest])}, got {chosen!r}"
        )
    return chosen


def _seconds(value: str | list[str] | bool | None, flag: str) -> float | None:
    if not value:
        return None
    try:
        seconds = float(str(value))
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:  # the profile's own bound on timeouts
        raise pytest.UsageError(f"{flag} must be a positive number of seconds (at most 3600), got {value!r}")
    return seconds


def parse_headers(lines: list[str] | str) -> dict[str, str]:
    """`Name: value` lines into a dict; a malformed line is a usage error that never echoes the value."""
    headers: dict[str, str] = {}
    for line in [lines] if isinstance(lines, str) else lines:
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip() or any(c.isspace() for c in name.strip()):
            raise pytest.UsageError("a header must look like 'Name: value' (value not shown)")
        headers[name.strip()] = value.strip()
    return headers
