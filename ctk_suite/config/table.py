"""Every option of the suite, once: its type, default, help, and where each layer spells it.

`tmf622-ctk` flags, pytest's `--ctk-*` options and ini keys, the `TMF622_CTK_*` environment variables and
the profile's YAML keys are all generated from this table (ctk_suite/config/frontends.py), and one
function layers them (ctk_suite/config/layers.py). Adding an option is one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ctk_suite.http.settings import DEFAULT_CONNECT_TIMEOUT_S, DEFAULT_READ_TIMEOUT_S
from tmf622_scenarios import api_versions


class ValueType(StrEnum):
    """How a value given as text (a flag's argument, an environment variable, an ini line) is read."""

    TEXT = "text"
    URL = "url"  # an absolute http(s) URL
    SECONDS = "seconds"  # a positive number, at most the option's `maximum`
    FLAG = "flag"  # on/off; the environment and ini say 1/true/yes/on
    CHOICE = "choice"
    PATH = "path"  # a file, relative to the directory the run starts in
    HEADERS = "headers"  # `Name: value`, repeatable (one per line in the environment or ini)
    BIND = "bind"  # HOST, HOST:PORT or [IPv6]:PORT


@dataclass(frozen=True)
class Option:
    """One option and its spelling in every layer."""

    name: str  # the dest: `base_url`
    type: ValueType
    help: str
    #: Where a profile holds it (dotted YAML path); `None` for `profile` and `from_official`, which name
    #: the file the profile comes from.
    profile_key: str | None
    default: Any = None
    choices: tuple[str, ...] = ()
    metavar: str | None = None
    maximum: float = 3600.0  # SECONDS only
    flag_name: str | None = None  # when the flag is not the name (`--header` for `headers`)
    #: A flag that switches a profile's boolean off (`--insecure` is `tls.verify: false`).
    inverts_profile: bool = False

    @property
    def flag(self) -> str:
        """`tmf622-ctk --base-url`."""
        return "--" + (self.flag_name or self.name).replace("_", "-")

    @property
    def pytest_flag(self) -> str:
        """`pytest --ctk-base-url` (namespaced: pytest-base-url owns `--base-url`)."""
        return "--ctk-" + self.flag.removeprefix("--")

    @property
    def dest(self) -> str:
        """The pytest dest and ini key: `ctk_base_url`."""
        return "ctk_" + self.name

    @property
    def env(self) -> str:
        """`TMF622_CTK_BASE_URL`."""
        return "TMF622_CTK_" + self.name.upper()


_S, _FILE = "SECONDS", "FILE"
DEFAULT_REPORTS_DIR = "reports"
DEFAULT_EVENT_TIMEOUT_S = 10.0
LEVEL_CHOICES = ("ctk", "extended", "all")
VERDICT_CHOICES = ("strict", "official")

DEFAULT_API_VERSION = "4.0.0"

OPTIONS: tuple[Option, ...] = (
    Option(
        "api_version", ValueType.CHOICE, "TMF622 API version to certify: selects the kits", "api_version",
        default=DEFAULT_API_VERSION, choices=api_versions(),
    ),
    Option(
        "profile", ValueType.PATH, "target profile (YAML); default: the embedded mock", None, metavar=_FILE
    ),
    Option(
        "from_official", ValueType.PATH,
        "TM Forum's own kit configuration instead of a profile: the v5 kit's CHANGE_ME.json (implies "
        "--api-version 5.0.0) or the v4 kit's Postman environment", None, metavar=_FILE,
    ),
    Option(
        "base_url", ValueType.URL, "API root: https://host/tmf-api/productOrderingManagement/v4/",
        "target.base_url", metavar="URL",
    ),
    Option(
        "orderdate_quote", ValueType.CHOICE, "send ?orderDate= bare (none) or 'quoted' (single)",
        "order_date_quoting", default="none", choices=("none", "single"),
    ),
    Option(
        "headers", ValueType.HEADERS, "extra request header 'NAME: VALUE', repeatable; beside the profile's",
        "headers", metavar="'NAME: VALUE'", flag_name="header",
    ),
    Option(
        "timeout", ValueType.SECONDS, "connect and read timeout at once", "timeout", metavar=_S,
    ),
    Option(
        "connect_timeout", ValueType.SECONDS, "TCP/TLS connect timeout", "timeouts.connect",
        default=DEFAULT_CONNECT_TIMEOUT_S, metavar=_S,
    ),
    Option(
        "read_timeout", ValueType.SECONDS, "wait for a response", "timeouts.read",
        default=DEFAULT_READ_TIMEOUT_S, metavar=_S,
    ),
    Option(
        "insecure", ValueType.FLAG, "do not verify TLS certificates (the summary warns)", "tls.verify",
        inverts_profile=True,
    ),
    Option("ca_bundle", ValueType.PATH, "CA bundle (PEM) to trust", "tls.ca_bundle", metavar=_FILE),
    Option(
        "client_cert", ValueType.PATH, "client certificate (mutual TLS)", "tls.client_cert", metavar=_FILE
    ),
    Option("client_key", ValueType.PATH, "its private key", "tls.client_key", metavar=_FILE),
    Option(
        "level", ValueType.CHOICE, "checks to run: ctk, extended or all (default: the profile's levels)",
        "levels", choices=LEVEL_CHOICES,
    ),
    Option(
        "no_cleanup", ValueType.FLAG, "keep the orders the run created on the server", "cleanup",
        inverts_profile=True,
    ),
    Option(
        "payload", ValueType.PATH, "POST /productOrder body (JSON file), checked first", "payload_file",
        metavar=_FILE,
    ),
    Option(
        "baseline", ValueType.PATH, "earlier summary.json: fail only on regressions", "baseline",
        metavar=_FILE,
    ),
    Option(
        "reports_dir", ValueType.PATH, "where summary.json, junit.xml and allure-results/ go",
        "reports_dir",
        default=DEFAULT_REPORTS_DIR, metavar="DIR",
    ),
    Option(
        "har", ValueType.PATH, "also write every exchange of the run, masked, as an HAR 1.2 file", "har",
        metavar=_FILE,
    ),
    Option(
        "no_allure_html", ValueType.FLAG, "keep the Allure results, skip the HTML report (tmf622-ctk)",
        "allure_html", inverts_profile=True,
    ),
    Option(
        "verdict", ValueType.CHOICE,
        "which verdicts decide the exit code: ours (strict) or what TM Forum's kit would say (official)",
        "verdict", default="strict", choices=VERDICT_CHOICES,
    ),
    Option(
        "callback_url", ValueType.URL,
        "URL the server under test posts events to; it must reach the listener (default: the bind address)",
        "listener.callback_url", metavar="URL",
    ),
    Option(
        "listener_bind", ValueType.BIND, "HOST[:PORT] the notification listener binds (default 127.0.0.1:0)",
        "listener.bind", default="127.0.0.1:0", metavar="HOST:PORT",
    ),
    Option(
        "event_timeout", ValueType.SECONDS, "seconds to wait for each notification", "listener.event_timeout",
        default=DEFAULT_EVENT_TIMEOUT_S, metavar=_S, maximum=600.0,
    ),
)  # fmt: skip

BY_NAME = {option.name: option for option in OPTIONS}
