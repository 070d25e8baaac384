"""Remember the orders a run creates and DELETE them at its end (TMF622 v4 DELETE /productOrder/{id})."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from ctk_suite.core.failures import clip, printable
from ctk_suite.http.client import HttpClient
from ctk_suite.http.exchange import Exchange

#: Answers that say the server has no DELETE at all: the other orders are not tried.
NOT_SUPPORTED = frozenset({405, 501})
_ACCEPT = {"Accept": "application/json"}


@dataclass(frozen=True)
class CleanupFailure:
    """An order that is still on the server, and why."""

    id: str
    reason: str


@dataclass(frozen=True)
class CleanupReport:
    """What the end-of-run cleanup did."""

    enabled: bool
    deleted: tuple[str, ...] = ()
    failed: tuple[CleanupFailure, ...] = ()
    kept: tuple[str, ...] = ()  # created but left on purpose (cleanup switched off)
    #: CancelProductOrder requests the run created: TMF622 v4 has no DELETE for them, so they stay.
    cancel_requests: tuple[str, ...] = ()

    @property
    def created(self) -> int:
        """Every resource the run created: orders (deleted, failed or kept) and cancel requests."""
        return len(self.deleted) + len(self.failed) + len(self.kept) + len(self.cancel_requests)

    def as_json(self) -> dict[str, Any]:
        """The `cleanup` object of summary.json."""
        return {
            "enabled": self.enabled,
            "deleted": list(self.deleted),
            "failed": [{"id": f.id, "reason": f.reason} for f in self.failed],
            "kept": list(self.kept),
            "cancelRequests": list(self.cancel_requests),
            "created": self.created,
        }


@dataclass
class CreatedOrders:
    """An exchange observer: every order a POST /productOrder created, minus those a DELETE removed."""

    api_url: str
    _ids: dict[str, None] = field(default_factory=dict)  # insertion-ordered set
    _cancels: dict[str, None] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, exchange: Exchange) -> None:
        """Look at one finished exchange."""
        if exchange.error is not None or exchange.status is None or not 200 <= exchange.status < 300:
            return
        path = urlsplit(exchange.url).path.rstrip("/")
        root = urlsplit(self.api_url).path.rstrip("/")
        collection = root + "/productOrder"
        if exchange.method == "POST" and path == collection:
            self._add(_created_id(exchange))
        elif exchange.method == "POST" and path == root + "/cancelProductOrder":
            if cancel_id := _created_id(exchange):
                with self._lock:
                    self._cancels[cancel_id] = None
        elif exchange.method == "DELETE" and path.startswith(collection + "/"):
            with self._lock:
                self._ids.pop(_unquote_last(path), None)

    def _add(self, order_id: str | None) -> None:
        if order_id:
            with self._lock:
                self._ids[order_id] = None

    @property
    def ids(self) -> tuple[str, ...]:
        """The orders still believed to exist, in creation order."""
        with self._lock:
            return tuple(self._ids)

    @property
    def cancel_ids(self) -> tuple[str, ...]:
        """The cancel requests the run created, in creation order."""
        with self._lock:
            return tuple(self._cancels)


def _created_id(exchange: Exchange) -> str | None:
    try:
        body = json.loads(exchange.body)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python's stack
        return None
    order_id = body.get("id") if isinstance(body, dict) else None
    return order_id if isinstance(order_id, str) else None


def _unquote_last(path: str) -> str:
    return unquote(path.rpartition("/")[2])


def clean_up(
    client: HttpClient, orders: CreatedOrders, enabled: bool, headers: Mapping[str, str] | None = None
) -> CleanupReport:
    """DELETE every remembered order by id under the API root (never a server-given href), with the
    headers every other request of the run carried (`headers`: a `--header` token must reach it too).

    The report shows the ids printable: the server chose them (a NUL, ESC or lone surrogate is escaped).
    """
    cancels = tuple(map(printable, orders.cancel_ids))
    if not enabled:
        return CleanupReport(enabled=False, kept=tuple(map(printable, orders.ids)), cancel_requests=cancels)
    deleted: list[str] = []
    failed: list[CleanupFailure] = []
    unsupported: str | None = None
    for order_id in orders.ids:
        if unsupported is not None:
            failed.append(CleanupFailure(printable(order_id), unsupported))
            continue
        reason = _delete(client, orders.api_url, order_id, {**(headers or {}), **_ACCEPT})
        if reason is None:
            deleted.append(printable(order_id))
        else:
            failed.append(CleanupFailure(printable(order_id), reason))
            unsupported = reason if reason.startswith("DELETE not supported") else None
    return CleanupReport(True, tuple(deleted), tuple(failed), cancel_requests=cancels)


def _delete(client: HttpClient, api_url: str, order_id: str, headers: Mapping[str, str]) -> str | None:
    """None when the order is gone; else why not."""
    path = quote(order_id, safe="", errors="surrogatepass")  # as variables.url_encode
    exchange = client.send("DELETE", f"{api_url}productOrder/{path}", headers)
    return _verdict(exchange, lambda: clip(printable(" ".join(exchange.text.split())), 120))


def _verdict(exchange: Exchange, body: Callable[[], str]) -> str | None:
    if exchange.error is not None:
        return exchange.error
    status = exchange.status or 0
    if 200 <= status < 300 or status in {404, 410}:  # 404/410: already gone (a check deleted it)
        return None
    if status in NOT_SUPPORTED:
        return f"DELETE not supported by the server (HTTP {status})"
    return f"HTTP {status}: {body() or '(empty body)'}"
