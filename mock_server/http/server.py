"""The HTTP server around the app: what aiohttp's parser refuses is answered with a TMF Error too.

aiohttp parses the request line, the headers and chunked bodies before the app and its error
middleware run. A request it cannot parse (a line or header over 8190 bytes, too many headers,
a NUL in a header, Content-Length with Transfer-Encoding, a bad chunk, non-HTTP bytes) would get
its `text/plain` 400 and a traceback in the log. Its connection protocol, `RequestHandler`, builds
that answer in `handle_error`; the runner below makes connections with one that answers a TMF622
`Error` instead and logs one line, keeping the traceback for real server errors.
"""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from mock_server.http.errors import error_response

LOG = logging.getLogger(__name__)

#: The parser's own message may quote the offending bytes: enough to name them, never all of them.
MAX_REASON_CHARS = 200


def parser_reason(message: str | None, exc: BaseException | None) -> str:
    """aiohttp's multi-line message (the bytes, a caret under them) as one short line."""
    text = message or (str(exc) if exc is not None else "") or "unreadable request"
    first = text.strip().splitlines()[0].rstrip(":").strip()
    return first if len(first) <= MAX_REASON_CHARS else first[: MAX_REASON_CHARS - 3] + "..."


class TmfRequestHandler(RequestHandler):
    """aiohttp's connection protocol, answering the requests it cannot parse the way the app does."""

    __slots__ = ()

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


class TmfServer(web.Server):
    """aiohttp's low-level server, making its connections with `TmfRequestHandler`."""

    def __call__(self) -> RequestHandler:
        return TmfRequestHandler(self, loop=self._loop, **self._kwargs)


class TmfAppRunner(web.AppRunner):
    """`web.AppRunner` whose server is a `TmfServer`: serve the app with this, never the stock runner."""

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()  # starts the app, as the stock runner does
        return TmfServer(
            server.request_handler,
            request_factory=server.request_factory,
            handler_cancellation=server.handler_cancellation,
            **self._kwargs,
        )
