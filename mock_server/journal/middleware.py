"""The outermost middleware: every request but the test controls goes into the journal, with its status.

The body is taken only when the app read it (a refused request's body is never read for the journal:
that would let an unauthenticated client make the mock read what it was about to refuse).
"""

from __future__ import annotations

import time

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from mock_server.http.paths import CONTROL_PREFIX, is_control
from mock_server.journal.entries import RequestJournal, Sent


async def _read_body(request: web.Request) -> bytes | None:
    """The body if the handler read it to the end (then `read` returns aiohttp's cached copy)."""
    if not request.body_exists:
        return b""
    if not request.content.at_eof():
        return None
    try:
        return await request.read()
    except Exception:  # a body the parser refused (a bad chunk): the answer said so, the journal shows none
        return None


def journal_middleware(journal: RequestJournal, base_path: str) -> Middleware | None:
    """None when the journal is off (`--journal-size 0`)."""
    if not journal.enabled:
        return None
    # `is_control` costs microseconds per request; a plain prefix test rules out almost every path first.
    prefixes = (CONTROL_PREFIX, f"{base_path}{CONTROL_PREFIX}")

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(prefixes) and is_control(request.path, base_path):
            return await handler(request)
        logged, status = time.time(), 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:  # a redirect the error middleware lets through
            status = exc.status
            raise
        finally:
            body, headers = await _read_body(request), request.raw_headers
            sent = Sent(request.method, request.path, request.query_string, headers, body, status, logged)
            journal.add(sent)

    return record
