"""The suite's options (`--ctk-*`), resolved once with precedence CLI > environment > ini."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ctk_suite.redact import redact_url
from ctk_suite.runner import QUOTES

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_REPORTS_DIR = "reports"

# option dest -> (environment variable, ini key)
SOURCES: Mapping[str, tuple[str, str]] = {
    "ctk_base_url": ("TMF622_CTK_BASE_URL", "ctk_base_url"),
    "ctk_orderdate_quote": ("TMF622_CTK_ORDERDATE_QUOTE", "ctk_orderdate_quote"),
    "ctk_headers": ("TMF622_CTK_HEADERS", "ctk_headers"),
    "ctk_timeout": ("TMF622_CTK_TIMEOUT", "ctk_timeout"),
    "ctk_reports_dir": ("TMF622_CTK_REPORTS_DIR", "ctk_reports_dir"),
}


@dataclass(frozen=True)
class CtkConfig:
    """Everything the run needs from the command line, the environment and the ini file."""

    base_url: str | None
    orderdate_quote: str = "none"
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout_s: float = DEFAULT_TIMEOUT_S
    reports_dir: Path = Path(DEFAULT_REPORTS_DIR)


def add_options(parser: pytest.Parser) -> None:
    """Register the namespaced options (never a bare --base-url: pytest-base-url owns it)."""
    group = parser.getgroup("tmf622-ctk", "TMF622 CTK")
    group.addoption(
        "--ctk-base-url",
        dest="ctk_base_url",
        help="API root, e.g. https://host/tmf-api/"
        "productOrderingManagement/v4/ (env TMF622_CTK_BASE_URL); default: start the embedded mock",
    )
    group.addoption(
        "--ctk-orderdate-quote",
        dest="ctk_orderdate_quote",
        choices=sorted(QUOTES),
        help="send ?orderDate= bare (none, default) or in single quotes (env TMF622_CTK_ORDERDATE_QUOTE)",
    )
    group.addoption(
        "--ctk-header",
        dest="ctk_headers",
        action="append",
        metavar="'NAME: VALUE'",
        help="extra request header, repeatable (env TMF622_CTK_HEADERS, one per line)",
    )
    group.addoption(
        "--ctk-timeout",
        dest="ctk_timeout",
        metavar="SECONDS",
        help=f"per-request timeout (env TMF622_CTK_TIMEOUT; default {DEFAULT_TIMEOUT_S:g})",
    )
    group.addoption(
        "--ctk-reports-dir",
        dest="ctk_reports_dir",
        metavar="DIR",
        help=f"reports folder (env TMF622_CTK_REPORTS_DIR; default {DEFAULT_REPORTS_DIR})",
    )
    parser.addini("ctk_base_url", "TMF622 API root for the CTK", default="")
    parser.addini("ctk_orderdate_quote", "none or single", default="")
    parser.addini("ctk_headers", "extra request headers, 'Name: value' per line", type="linelist", default=[])
    parser.addini("ctk_timeout", "per-request timeout in seconds", default="")
    parser.addini("ctk_reports_dir", "reports folder", default="")


def resolve(config: pytest.Config, environ: Mapping[str, str] = os.environ) -> CtkConfig:
    """Read each option from the first source that sets it; bad values are usage errors."""
    raw = {dest: _first(config, dest, environ) for dest in SOURCES}
    return CtkConfig(
        base_url=normalize_base_url(str(raw["ctk_base_url"])) if raw["ctk_base_url"] else None,
        orderdate_quote=_quote(raw["ctk_orderdate_quote"]),
        headers=parse_headers(raw["ctk_headers"] or []),
        timeout_s=_timeout(raw["ctk_timeout"]),
        reports_dir=Path(config.invocation_params.dir, str(raw["ctk_reports_dir"] or DEFAULT_REPORTS_DIR)),
    )


def _first(config: pytest.Config, dest: str, environ: Mapping[str, str]) -> str | list[str] | None:
    env_name, ini_name = SOURCES[dest]
    cli = config.getoption(dest)
    if cli:
        return cli  # type: ignore[no-any-return]
    if environ.get(env_name):
        value = environ[env_name]
        return value.splitlines() if dest == "ctk_headers" else value
    ini = config.getini(ini_name)
    return ini or None


def normalize_base_url(value: str) -> str:
    """An http(s) URL ending with `/`, so request paths (`productOrder`) append to it."""
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise pytest.UsageError(f"the base URL must be an http(s) URL, got {redact_url(url)!r}")
    return url if url.endswith("/") else url + "/"


def _quote(value: str | list[str] | None) -> str:
    quote = str(value or "none").strip().lower()
    if quote not in QUOTES:
        raise pytest.UsageError(
            f"--ctk-orderdate-quote must be one of {', '.join(sorted(QUOTES))}, got {quote!r}"
        )
    return quote


def _timeout(value: str | list[str] | None) -> float:
    if not value:
        return DEFAULT_TIMEOUT_S
    try:
        seconds = float(str(value))
    except ValueError:
        seconds = 0.0
    if seconds <= 0:
        raise pytest.UsageError(f"--ctk-timeout must be a positive number of seconds, got {value!r}")
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
