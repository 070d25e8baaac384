"""Frozen run-time settings of the mock server, built once from the command line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_PORT = 8622
MIB = 1024 * 1024
#: Seconds a client has to send a whole request body (a stalled upload must not hold a connection).
BODY_TIMEOUT_S = 30.0
#: List page size without `?limit=` (see `Settings`), and the largest `limit` honoured.
DEFAULT_LIMIT = 1000
#: Hub notification delivery: queued deliveries and their bytes (600 queued 0.9 MB orders once held
#: 1.2 GiB), attempts per listener, per-attempt timeout, first back-off, and the circuit breaker of
#: each listener (failed attempts in a row that open it, seconds it stays open before a probe).
NOTIFY_QUEUE_SIZE = 10_000
NOTIFY_QUEUE_BYTES = 64 * MIB
NOTIFY_ATTEMPTS = 4
NOTIFY_TIMEOUT_S = 3.0
NOTIFY_BACKOFF_S = 0.2
NOTIFY_BREAKER_FAILURES = 5
NOTIFY_BREAKER_COOLDOWN_S = 5.0
#: Hub subscriptions (each version's hub): beyond it POST /hub is 409 (README "Hub callbacks").
MAX_SUBSCRIPTIONS = 1000
#: Connections open at once for deliveries, shared by every listener (one pool, not one per lane).
NOTIFY_CONNECTIONS = 64
#: Seconds a client has, from its first byte, to send a request's head (line and headers).
HEAD_TIMEOUT_S = 10.0
#: Seconds a connection may stay open with no request in progress (new or kept alive).
IDLE_TIMEOUT_S = 15.0
#: File descriptors kept out of the connection cap: deliveries, the store, logs, the listener itself.
RESERVED_FDS = NOTIFY_CONNECTIONS + 64
#: Requests kept by the journal (`GET /_mock/requests`), oldest dropped first; 0 turns it off.
JOURNAL_SIZE = 200
#: Where deployments put an API key (the header name is an option).
API_KEY_HEADER = "X-API-Key"

_PUBLIC_URL = re.compile(r"^https?://[A-Za-z0-9.\-_~%\[\]:]+$")


def normalize_base_path(value: str) -> str:
    """`api/orders/` -> `/api/orders`; `/` alone -> empty."""
    stripped = value.strip().strip("/")
    if stripped and any(segment in {"", ".", ".."} for segment in stripped.split("/")):
        raise ValueError(f"base path {value!r} has an empty, '.' or '..' segment")
    return f"/{stripped}" if stripped else ""


def normalize_public_url(value: str) -> str:
    """`https://api.example.com/` -> `https://api.example.com` (scheme and authority only)."""
    stripped = value.strip().rstrip("/")
    if not _PUBLIC_URL.match(stripped):
        raise ValueError(f"public URL {value!r} must be scheme://host[:port] with scheme http or https")
    return stripped


@dataclass(frozen=True, slots=True)
class VersionSwitch:
    """Whether one API version plug-in is served, and under which base path (its two options)."""

    served: bool
    base_path: str

    def __post_init__(self) -> None:
        if self.base_path != normalize_base_path(self.base_path):
            raise ValueError(f"base path {self.base_path!r} is not normalized (leading '/', no trailing '/')")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the app factory needs; later features (hub, SQLite, faults) add fields here.

    Paging: TMF630 leaves the default page size to the server. The official CTK lists
    without `limit` and expects the order it just created to be in that (unfiltered) list,
    so the default page is large (`default_limit`) and `limit` is clamped to `max_limit`.
    """

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    public_url: str | None = None
    max_body_bytes: int = MIB
    body_timeout_s: float = BODY_TIMEOUT_S
    head_timeout_s: float = HEAD_TIMEOUT_S
    idle_timeout_s: float = IDLE_TIMEOUT_S
    #: Connections served at once; 0: the file descriptor limit less RESERVED_FDS (http.server).
    max_connections: int = 0
    default_limit: int = DEFAULT_LIMIT
    max_limit: int = DEFAULT_LIMIT
    # Persistence: None keeps orders in memory; a file path selects the SQLite store.
    sqlite_path: str | None = None
    #: A postgresql:// URL selects the PostgreSQL store, which several processes (replicas) may share.
    store_url: str | None = field(default=None, repr=False)  # may hold a password
    #: Processes serving the one port; more than one needs the PostgreSQL store.
    workers: int = 1
    #: YAML/JSON files of orders (and cancel tasks) loaded at start.
    seed_files: tuple[str, ...] = ()
    # Deterministic mode: predictable ids and an injectable clock, so two runs give identical bodies.
    deterministic: bool = False
    clock_start: str = "2026-01-01T00:00:00.000Z"
    # Automatic lifecycle progression (acknowledged -> inProgress -> completed), off in deterministic mode.
    auto_progress: bool = False
    progress_delay_s: float = 1.0
    progression_file: str | None = None
    # Notification delivery (hub subscriptions).
    notify_attempts: int = NOTIFY_ATTEMPTS
    notify_timeout_s: float = NOTIFY_TIMEOUT_S
    notify_backoff_s: float = NOTIFY_BACKOFF_S
    notify_queue_size: int = NOTIFY_QUEUE_SIZE
    notify_queue_bytes: int = NOTIFY_QUEUE_BYTES
    notify_breaker_failures: int = NOTIFY_BREAKER_FAILURES
    notify_breaker_cooldown_s: float = NOTIFY_BREAKER_COOLDOWN_S
    notify_connections: int = NOTIFY_CONNECTIONS
    max_subscriptions: int = MAX_SUBSCRIPTIONS
    #: Hosts hub callbacks may name (empty: any but link-local and metadata addresses; notify.callbacks).
    callback_hosts: tuple[str, ...] = ()
    # Fault injection, off unless a faults file is given or faults_enabled turns on the per-request header.
    faults_file: str | None = None
    faults_enabled: bool = False
    # Sharing the mock: secrets come from the environment only and stay out of repr (and so of logs).
    api_token: str | None = field(default=None, repr=False)
    api_key: str | None = field(default=None, repr=False)
    api_key_header: str = API_KEY_HEADER
    control_token: str | None = field(default=None, repr=False)
    #: Host header values whose name may be written in href/Location (empty: loopback names only).
    allowed_hosts: tuple[str, ...] = ()
    #: Browser origins allowed by CORS (`*` for any); empty: CORS off.
    cors_origins: tuple[str, ...] = ()
    journal_size: int = JOURNAL_SIZE
    #: One console line per request (method, path, status, time, request id), secrets masked.
    access_log: bool = False
    #: API version plug-ins by label: served or not, and where. A version left out is served under its
    #: own default base path (the plug-in declares both options; the command line fills every entry).
    #: Not hashed: a mapping is not hashable, and the other fields already tell settings apart.
    versions: Mapping[str, VersionSwitch] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port {self.port} is outside 0..65535")
        if self.public_url is not None and self.public_url != normalize_public_url(self.public_url):
            raise ValueError(f"public URL {self.public_url!r} is not normalized")
        if self.max_body_bytes < 1:
            raise ValueError("max_body_bytes must be positive")
        if not min(self.body_timeout_s, self.head_timeout_s, self.idle_timeout_s) > 0:
            raise ValueError("body, head and idle timeouts must be positive")
        if min(self.max_connections, self.max_subscriptions - 1, self.notify_connections - 1) < 0:
            raise ValueError(
                "max_connections must be 0 or more, max_subscriptions and notify_connections 1 or more"
            )
        self._check_versions()
        if not 1 <= self.default_limit <= self.max_limit:
            raise ValueError("need 1 <= default_limit <= max_limit")
        if self.journal_size < 0:
            raise ValueError("journal_size must be 0 or more")
        self._check_replicas()

    def _check_versions(self) -> None:
        """Two served versions under one base path would answer each other's routes."""
        seen: dict[str, str] = {}
        for label, switch in self.versions.items():
            if switch.served and switch.base_path in seen:
                raise ValueError(
                    f"{seen[switch.base_path]} and {label} cannot share the base path {switch.base_path!r}"
                )
            if switch.served:
                seen[switch.base_path] = label

    def _check_replicas(self) -> None:
        """What several processes cannot share is refused with one line saying why."""
        if self.store_url is not None and self.sqlite_path is not None:
            raise ValueError("choose one store: --sqlite PATH or --store postgresql://...")
        if self.workers > 1 and self.store_url is None:
            store = "a SQLite file has one writer process" if self.sqlite_path else "memory is per process"
            raise ValueError(f"--workers {self.workers} needs --store postgresql://...: {store}")
        if self.deterministic and self.store_url is not None:
            raise ValueError(
                "--deterministic needs one process (its ids and clock are counters in it): "
                "use the memory or SQLite store, not --store postgresql://..."
            )
