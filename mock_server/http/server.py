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
from aiohttp.web_protocol import RequestHandler, _ErrInfo

from mock_server.http.errors import error_response, parser_reason

LOG = logging.getLogger(__name__)


class TmfRequestHandler(RequestHandler):
    """aiohttp's connection protocol, answering the requests it cannot parse the way the app does."""

    __slots__ = ()

    def data_received(self, data: bytes) -> None:
        """Also fail the body being read when the parser refuses a later part of it.

        aiohttp's C parser drops the body of a request already handed to the app when a later
        chunk size is bad (`zz`): the handler would wait for it until the client gives up. Its
        error goes to that body instead, and the handler answers it (http.errors).
        """
        queued = len(self._messages)
        super().data_received(data)
        request = self._current_request
        if request is None or len(self._messages) == queued:
            return
        refused = self._messages[-1][0]
        if isinstance(refused, _ErrInfo) and not request.content.is_eof():
            request.content.set_exception(refused.exc)
            request.content.feed_eof()  # nothing more to read: no lingering read after the answer

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
