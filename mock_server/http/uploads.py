"""Request bodies arrive in bounded size and time, or the request ends before any handler runs.

aiohttp enforces `client_max_size` only while reading, and waits for a body as long as the client
likes: one stalled upload held a connection and its handler forever. This middleware refuses a
declared `Content-Length` over the limit before reading a byte (413), and reads every body within a
deadline (408, RFC 9110 section 15.5.9, connection closed). The body it has read stays cached on the
request, so handlers read it again at no cost.
"""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from mock_server.http.errors import ApiError, error_response


def upload_middleware(max_bytes: int, deadline_s: float) -> Middleware:
    """Bodies of at most `max_bytes`, received within `deadline_s` seconds."""

    @web.middleware
    async def bounded_upload(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.body_exists:
            declared = request.content_length
            if declared is not None and declared > max_bytes:
                raise ApiError(413, f"Content-Length {declared} is over the limit of {max_bytes} bytes")
            try:
                async with asyncio.timeout(deadline_s):
                    await request.read()
            except TimeoutError:
                return _too_slow(deadline_s)
        return await handler(request)

    return bounded_upload


def _too_slow(deadline_s: float) -> web.StreamResponse:
    """408, and the connection closes: the rest of the body may still be on its way."""
    response = error_response(408, f"The request body did not arrive within {deadline_s:g} s")
    response.force_close()
    return response
