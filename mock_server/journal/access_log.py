"""`--access-log`: one console line per request, so a developer debugging a client sees each exchange.

A line reads `<time> <method> <path>[?query] <status> <ms>ms rid=<request id>[ <header>=<masked>...]`.
The request id is the client's `X-Request-ID` when it sends a usable one (so its own logs and the
mock's line up), else one made here; the answer carries it back in `X-Request-ID`. Credential
headers, and any header carrying one of the mock's own tokens, are shown the way the journal shows
them (`Authorization=Bearer ***`), by the journal's `Masking`; the path and query have the mock's
own tokens masked as in the journal too: a developer can see that a token was sent, never which.
The line goes to stderr, leaving stdout to the ready line.
"""

from __future__ import annotations

import re
import secrets
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from mock_server.domain.clock import timestamp
from mock_server.journal.entries import Masking

REQUEST_ID_HEADER = "X-Request-ID"
#: A client's id is echoed only when it is short and plain (no log injection through it).
_USABLE_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,64}$")
#: Paths and queries longer than this are cut in the line (a fuzzer's 10 kB query is one line still).
MAX_TARGET_CHARS = 300

Writer = Callable[[str], None]


def request_id(request: web.Request) -> str:
    sent = request.headers.get(REQUEST_ID_HEADER, "")
    return sent if _USABLE_ID.match(sent) else secrets.token_hex(8)


def _printable(text: str) -> str:
    """Control characters escaped, so one request is always one line."""
    return text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text


class AccessLog:
    """Formats and writes the lines; `write` is stderr unless a test gives another."""

    def __init__(self, masking: Masking, write: Writer | None = None) -> None:
        self._masking = masking
        self._write: Writer = write or _to_stderr

    def line(self, request: web.Request, status: int, elapsed_s: float, rid: str) -> str:
        path_qs = self._masking.text(request.path)
        if request.query_string:
            path_qs = f"{path_qs}?{self._masking.query(request.query_string)}"
        target = path_qs if len(path_qs) <= MAX_TARGET_CHARS else path_qs[:MAX_TARGET_CHARS] + "..."
        shown = [
            f"{name}={self._masking.header(name, value)}"
            for name, value in request.headers.items()
            if self._masking.carries_secret(name, value)
        ]
        moment = timestamp(datetime.now(UTC))
        parts = [
            moment,
            request.method,
            _printable(target),
            str(status),
            f"{elapsed_s * 1000:.1f}ms",
            f"rid={rid}",
        ]
        return " ".join([*parts, *(_printable(each) for each in shown)])

    def middleware(self, inner: Middleware) -> Middleware:
        """Step 0 of the front door, around everything: the line shows the status the client got."""

        async def answer(request: web.Request, handler: Handler) -> web.StreamResponse:
            rid, started, status = request_id(request), time.perf_counter(), 500
            try:
                response = await inner(request, handler)
                status = response.status
                if not response.prepared:
                    response.headers[REQUEST_ID_HEADER] = rid
                return response
            except web.HTTPException as exc:  # a redirect, which the TMF Error step lets through
                status = exc.status
                raise
            finally:
                self._write(self.line(request, status, time.perf_counter() - started, rid))

        return answer


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
