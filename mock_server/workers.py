"""`tmf622-mock --workers N`: N processes serving one port, forked after the socket is bound (pre-fork).

The parent binds and listens, forks the workers (each runs its own event loop and app on the inherited
socket: the kernel hands each connection to one of them), prints the ready line once every worker is
up, forwards SIGTERM/SIGINT to them and waits. Only the PostgreSQL store can be shared by processes
(`Settings` refuses more than one worker otherwise). A worker that dies is not restarted: the others
keep serving the port.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import replace
from types import FrameType

from mock_server.config.settings import Settings

#: Runs one worker's server on the listening socket and calls its argument once it accepts; exit code.
Worker = Callable[[Settings, socket.socket, Callable[[], None]], int]


def listening_socket(host: str, port: int) -> socket.socket:
    """Bound and listening, inherited by every worker."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def run_workers(settings: Settings, worker: Worker, announce: Callable[[int], None]) -> int:
    """Fork `settings.workers` workers on one socket; `announce(port)` once all are ready; worst exit code."""
    sock = listening_socket(settings.host, settings.port)
    one = replace(settings, port=sock.getsockname()[1], workers=1)
    ready_read, ready_write = os.pipe()
    children = [_fork(one, sock, worker, ready_read, ready_write) for _ in range(settings.workers)]
    os.close(ready_write)
    sock.close()
    _forward_signals(children)
    with os.fdopen(ready_read, "rb") as ready:
        if len(ready.read(settings.workers)) == settings.workers:
            announce(one.port)
    return max(_exit_code(os.waitpid(pid, 0)[1]) for pid in children)


def _fork(one: Settings, sock: socket.socket, worker: Worker, ready_read: int, ready_write: int) -> int:
    pid = os.fork()
    if pid:
        return pid
    os.close(ready_read)
    code = 1

    def ready() -> None:
        os.write(ready_write, b"1")

    try:
        code = worker(one, sock, ready)
    finally:
        sys.stdout.flush()
        os._exit(code)


def _forward_signals(children: list[int]) -> None:
    def forward(signum: int, _frame: FrameType | None) -> None:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, forward)


def _exit_code(status: int) -> int:
    return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1
