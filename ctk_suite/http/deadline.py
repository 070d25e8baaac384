"""A hard time limit per HTTP exchange: a watchdog shuts the socket down when the deadline passes.

`requests` timeouts bound each socket read, not the exchange: a server that drips one byte a second
never trips them. The `WatchedAdapter` tells the exchange's `Watch` which connection it uses, and the
watch's timer shuts that socket down at the deadline, which ends the blocked read with an error.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_local = threading.local()


class Watch:
    """The deadline of one exchange and the sockets it used (a redirect or retry adds one)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._expired = threading.Event()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    @property
    def expired(self) -> bool:
        """True once the deadline has passed."""
        return self._expired.is_set()

    def attach(self, connection: Any) -> None:
        """Watch the socket of `connection` (kept: http.client drops `conn.sock` once a response
        says `Connection: close`, while the response still reads from it)."""
        sock = getattr(connection, "sock", None)
        if sock is None:
            return  # not connected yet: `connect()` attaches it again
        with self._lock:
            if sock not in self._sockets:
                self._sockets.append(sock)
        if self.expired:
            _shut(sock)

    def _expire(self) -> None:
        self._expired.set()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def start(self) -> None:
        """Start counting."""
        self._timer.start()

    def cancel(self) -> None:
        """The exchange is over: stop the timer."""
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    """Wake a read blocked on `sock` (close() alone would not, on Linux)."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[Watch]:
    """Watch every connection this thread uses in the block; shut them down after `seconds`."""
    watch = Watch(seconds)
    previous = getattr(_local, "watch", None)
    _local.watch = watch
    watch.start()
    try:
        yield watch
    finally:
        watch.cancel()
        _local.watch = previous


def _attach(connection: Any) -> None:
    watch: Watch | None = getattr(_local, "watch", None)
    if watch is not None:
        watch.attach(connection)


class _WatchedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _attach(self)  # again: the socket exists only now, and the deadline may have passed meanwhile


class _WatchedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _attach(self)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection

    def _get_conn(self, timeout: float | None = None) -> Any:
        connection = super()._get_conn(timeout)
        _attach(connection)  # a pooled keep-alive connection is not connected again
        return connection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection

    def _get_conn(self, timeout: float | None = None) -> Any:
        connection = super()._get_conn(timeout)
        _attach(connection)
        return connection


_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """An adapter whose connections report to the current `deadline` (direct and HTTP-proxy routes)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS pools keep their own classes
            manager.pool_classes_by_scheme = dict(_POOLS)
        return manager
