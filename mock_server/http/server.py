"""The HTTP server around the app: bounded connections, and what aiohttp's parser refuses is a TMF Error.

aiohttp parses the request line, the headers and chunked bodies before the app and its error
middleware run. A request it cannot parse (a line or header over 8190 bytes, too many headers,
a NUL in a header, Content-Length with Transfer-Encoding, a bad chunk, non-HTTP bytes) would get
its `text/plain` 400 and a traceback in the log. Its connection protocol, `RequestHandler`, builds
that answer in `handle_error`; the runner below makes connections with one that answers a TMF
`Error` instead and logs one line, keeping the traceback for real server errors.

A shared mock must keep serving while clients misbehave (issue 18): a connection with no request in
progress, new or kept alive, is closed after `keepalive_timeout` (aiohttp's own timer, which also
runs from the moment a connection opens); a request head must be complete within `head_timeout` of
its first byte (written here: aiohttp has no head deadline); and at most `max_connections` are
served: at the cap a new connection closes the one idle longest (aiohttp has no cap either), so
silent connections cannot hold every file descriptor.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler, _ErrInfo

from mock_server.http.errors import error_response, parser_reason

LOG = logging.getLogger(__name__)


class TmfRequestHandler(RequestHandler):
    """aiohttp's connection protocol, answering the requests it cannot parse the way the app does."""

    __slots__ = ("_head_deadline", "_head_timeout")

    def __init__(self, *args: Any, head_timeout: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timeout = head_timeout
        self._head_deadline: asyncio.TimerHandle | None = None

    def idle(self) -> bool:
        """Waiting for a request (none begun, or its head not complete): nothing is lost by closing."""
        waiter = self._waiter
        return waiter is not None and not waiter.done() and self._current_request is None

    def data_received(self, data: bytes) -> None:
        """Also fail the body being read when the parser refuses a later part of it.

        aiohttp's C parser drops the body of a request already handed to the app when a later
        chunk size is bad (`zz`): the handler would wait for it until the client gives up. Its
        error goes to that body instead, and the handler answers it (http.errors).
        Bytes that leave a head incomplete start its deadline, a complete head stops it (a head
        that arrives whole, the usual case, costs no timer).
        """
        queued = len(self._messages)
        super().data_received(data)
        if len(self._messages) == queued:
            if self._head_deadline is None and self._head_timeout is not None and self.idle():
                self._head_deadline = self._loop.call_later(self._head_timeout, self._head_too_slow)
            return
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None
        request = self._current_request
        if request is None:
            return
        refused = self._messages[-1][0]
        if isinstance(refused, _ErrInfo) and not request.content.is_eof():
            request.content.set_exception(refused.exc)
            request.content.feed_eof()  # nothing more to read: no lingering read after the answer

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if self.idle():  # still no complete head: a slow or stalled client (slowloris)
            self.force_close()

    def connection_lost(self, exc: BaseException | None) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None
        super().connection_lost(exc)

    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if status >= 500 or request.writer.output_size > 0:  # a server bug, or an answer half sent:
            return super().handle_error(request, status, exc, message)  # aiohttp's traceback and text
        reason = parser_reason(message, exc)
        LOG.warning("refused a request from %s that is not valid HTTP: %s", request.remote, reason)
        response = error_response(status, f"The request is not valid HTTP: {reason}")
        response.force_close()  # the stream cannot be trusted past the bad bytes
        return response


def connection_cap(reserved: int) -> int:
    """The open-files limit less `reserved` descriptors (the store, deliveries, logs), at least 16."""
    if sys.platform == "win32":
        return 512  # select()'s limit there
    import resource  # noqa: PLC0415 (POSIX only)

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(16, (65536 if soft == resource.RLIM_INFINITY else soft) - reserved)


class TmfServer(web.Server):
    """aiohttp's low-level server, making its connections with `TmfRequestHandler`; at most
    `max_connections` of them (0: no cap)."""

    def __init__(self, *args: Any, max_connections: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_connections = max_connections

    def __call__(self) -> RequestHandler:
        return TmfRequestHandler(self, loop=self._loop, **self._kwargs)

    def connection_made(self, handler: RequestHandler, transport: asyncio.Transport) -> None:
        super().connection_made(handler, transport)
        if self.max_connections and len(self._connections) > self.max_connections:
            self._make_room(handler, transport)

    def _make_room(self, new: RequestHandler, transport: asyncio.Transport) -> None:
        """Close the connection idle longest (oldest first), or the new one if every other is busy."""
        open_now = [(h, t) for h, t in self._connections.items() if not t.is_closing()]
        if len(open_now) <= self.max_connections:
            return  # the rest are closing already (aiohttp forgets them when their task ends)
        for handler, _ in open_now:
            if handler is not new and isinstance(handler, TmfRequestHandler) and handler.idle():
                handler.force_close()
                return
        transport.abort()


class TmfAppRunner(web.AppRunner):
    """`web.AppRunner` whose server is a `TmfServer`: serve the app with this, never the stock runner.
    `head_timeout` and `max_connections` are ours; every other keyword is aiohttp's (`keepalive_timeout`)."""

    def __init__(
        self,
        app: web.Application,
        *,
        head_timeout: float | None = None,
        max_connections: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(app, **kwargs)
        self._head_timeout = head_timeout
        self._max_connections = max_connections

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()  # starts the app, as the stock runner does
        return TmfServer(
            server.request_handler,
            request_factory=server.request_factory,
            handler_cancellation=server.handler_cancellation,
            max_connections=self._max_connections,
            head_timeout=self._head_timeout,
            **self._kwargs,
        )
