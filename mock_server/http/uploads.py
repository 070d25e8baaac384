"""Request bodies arrive in bounded size and time, or the request ends before any handler runs.

aiohttp enforces `client_max_size` only while reading, and waits for a body as long as the client
likes: one stalled upload held a connection and its handler forever. `read_bounded` refuses a
declared `Content-Length` over the limit before reading a byte (413), and reads every body within a
deadline (408, RFC 9110 section 15.5.9, connection closed), before any handler runs. The body it
has read stays cached on the request, so handlers read it again at no cost.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiohttp import web

from mock_server.http.errors import ApiError, error_response


@dataclass(frozen=True, slots=True)
class UploadLimits:
    """Bodies of at most `max_bytes`, received within `deadline_s` seconds."""

    max_bytes: int
    deadline_s: float


async def read_bounded(request: web.Request, limits: UploadLimits) -> web.StreamResponse | None:
    """Read the request's body (if any) within `limits`: None when it arrived, else the 408 to send;
    a body declared too large is a 413 (ApiError) before a byte is read."""
    if not request.body_exists:
        return None
    declared = request.content_length
    if declared is not None and declared > limits.max_bytes:
        raise ApiError(413, f"Content-Length {declared} is over the limit of {limits.max_bytes} bytes")
    if request.content.is_eof():  # the whole body came with the head (most do): nothing to wait for
        await request.read()
        return None
    try:
        async with asyncio.timeout(limits.deadline_s):
            await request.read()
    except TimeoutError:
        return _too_slow(limits.deadline_s)
    return None


def _too_slow(deadline_s: float) -> web.StreamResponse:
    """408, and the connection closes: the rest of the body may still be on its way."""
    response = error_response(408, f"The request body did not arrive within {deadline_s:g} s")
    response.force_close()
    return response
