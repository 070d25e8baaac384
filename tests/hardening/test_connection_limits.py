"""Silent, slow and too many connections: the mock keeps serving (issue 18, item 1), over real sockets.

Seen before: at a file-descriptor limit of 1,024, 1,100 silent connections meant no other request
was served; 200 silent connections were still open after 100 s. The mock runs as a subprocess whose
own limit is set (never this process's); every loop here is bounded in count and time, and only
127.0.0.1 is used.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator

import requests

from mock_server.config.settings import IDLE_TIMEOUT_S
from tests.support.hardening.fd_limit import mock_with_fd_limit


@contextlib.contextmanager
def silent_connections(port: int, count: int) -> Iterator[list[socket.socket]]:
    """`count` connections that never send a byte; all closed on exit."""
    opened: list[socket.socket] = []
    try:
        for _ in range(count):
            opened.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        yield opened
    finally:
        for sock in opened:
            sock.close()


def closed_by_peer(sock: socket.socket, deadline: float) -> bool:
    """Wait (until `deadline`, monotonic) for the mock to close `sock`."""
    sock.settimeout(max(0.01, deadline - time.monotonic()))
    try:
        return sock.recv(1) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


def served(url: str, tries: int) -> int:
    """Requests answered 200 out of `tries`, each on a new connection; stops after 3 failures."""
    answered = failed = 0
    for _ in range(tries):
        try:
            response = requests.get(f"{url}/productOrder", headers={"Connection": "close"}, timeout=3)
            answered += response.status_code == 200
        except requests.RequestException:
            failed += 1
            if failed == 3:
                break
    return answered


def test_the_api_answers_while_more_silent_connections_are_open_than_the_fd_limit() -> None:
    """At `ulimit -n` 1,024, 1,100 silent connections; the deadlines are long so only the cap helps."""
    with mock_with_fd_limit(1024, "--idle-timeout", "120", "--head-timeout", "120") as (url, port):
        opened = silent_connections(port, 1100)
        with opened:
            assert served(url, 30) == 30


def test_silent_connections_are_closed_at_the_idle_deadline() -> None:
    assert IDLE_TIMEOUT_S <= 15  # the default: well before the 100 s seen before
    with mock_with_fd_limit(4096, "--idle-timeout", "1") as (url, port):
        started = time.monotonic()
        with silent_connections(port, 200) as opened:
            deadline = started + 10
            still_open = [sock for sock in opened if not closed_by_peer(sock, deadline)]
            elapsed = time.monotonic() - started
        assert still_open == []
        assert elapsed < 5, elapsed
        assert served(url, 3) == 3


def test_a_head_sent_byte_by_byte_is_closed_at_the_head_deadline() -> None:
    """A slowloris keeps sending, so it is never idle: the head deadline, not the idle one, ends it."""
    with mock_with_fd_limit(4096, "--head-timeout", "1", "--idle-timeout", "60") as (url, port):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET /productOrder HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            started, closed = time.monotonic(), False
            while not closed and time.monotonic() - started < 10:
                with contextlib.suppress(OSError):
                    sock.sendall(b"X")
                closed = closed_by_peer(sock, time.monotonic() + 0.2)  # paces the bytes, too
            assert closed
            assert time.monotonic() - started < 4
        assert served(url, 3) == 3
