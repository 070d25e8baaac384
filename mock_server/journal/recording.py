"""What the front door (`http.front_door`) journals of a request: all but the test controls, with the
status it got.

The body is taken only when the app read it (a refused request's body is never read for the journal:
that would let an unauthenticated client make the mock read what it was about to refuse).
"""

from __future__ import annotations

from aiohttp import web

from mock_server.http.paths import CONTROL_PREFIX, is_control
from mock_server.journal.entries import RequestJournal


async def _read_body(request: web.Request) -> bytes | None:
    """The body if the handler read it to the end (then `read` returns aiohttp's cached copy)."""
    if not request.content.at_eof():
        return None
    try:
        return await request.read()
    except Exception:  # a body the parser refused (a bad chunk): the answer said so, the journal shows none
        return None


class Recorder:
    """Puts requests into `journal`; `journaled(path)` says which."""

    def __init__(self, journal: RequestJournal, base_path: str) -> None:
        self.journal = journal
        self.base_path = base_path
        # `is_control` costs microseconds per request; a plain prefix test rules out almost every path first.
        self._prefixes = (CONTROL_PREFIX, f"{base_path}{CONTROL_PREFIX}")

    def journaled(self, path: str) -> bool:
        return not (path.startswith(self._prefixes) and is_control(path, self.base_path))

    async def record(self, request: web.Request, status: int, logged: float) -> None:
        """`request` as it arrived (POSIX time `logged`), answered with `status`."""
        body = await _read_body(request) if request.body_exists else b""
        self.keep(request, status, logged, body)

    def keep(self, request: web.Request, status: int, logged: float, body: bytes | None) -> None:
        """`record` once the body is known: a request without one (most) needs no coroutine."""
        method, path, query, headers = request.method, request.path, request.query_string, request.raw_headers
        self.journal.add((method, path, query, headers, body, status, logged))
