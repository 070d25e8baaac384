"""TMF `Error` bodies, and the one function that turns every exception into one (`answer_for`): an
HTTP-level `ApiError` with its status, a domain refusal (`domain.errors`) by its kind."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.typedefs import Handler
from aiohttp.web_protocol import RequestPayloadError

from mock_server.domain.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, TooLarge
from mock_server.http.responses import json_response

LOG = logging.getLogger(__name__)

#: Headers of an aiohttp HTTPException that describe its plain-text body, not the error.
_BODY_HEADERS = frozenset({"content-type", "content-length", "content-encoding"})


class ApiError(Exception):
    """A request refused at the HTTP level (media type, size, credentials, host): a TMF `Error` with this
    status. Rules of the resources raise `domain.errors` instead."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


#: The status of each kind of domain refusal (the most specific kind first).
DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (InvalidInput, 400),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (TooLarge, 413),
)


def domain_status(exc: DomainError) -> int:
    """The HTTP status of a domain refusal; a kind not in the table is a refusal of the input (400)."""
    return next((status for kind, status in DOMAIN_STATUS if isinstance(exc, kind)), 400)


#: aiohttp's parser message may quote the offending bytes: enough to name them, never all of them.
MAX_REASON_CHARS = 200
#: How much of a client's parameter name or value an Error message quotes.
SHOWN_CHARS = 80


def shown(text: str) -> str:
    """`text` quoted for an Error message, cut to SHOWN_CHARS: name the input, never echo all of it."""
    return repr(text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "...")


def parser_reason(message: str | None, exc: BaseException | None = None) -> str:
    """aiohttp's multi-line parser message (the bytes, a caret under them) as one short line."""
    if not message and isinstance(exc, HttpProcessingError):
        message = exc.message
    text = message or (str(exc) if exc is not None else "") or "unreadable request"
    first = text.strip().splitlines()[0].rstrip(":").strip()
    return first if len(first) <= MAX_REASON_CHARS else first[: MAX_REASON_CHARS - 3] + "..."


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str) -> ApiError:
    return ApiError(404, message)


def conflict(message: str) -> ApiError:
    return ApiError(409, message)


def unsupported_media_type(message: str) -> ApiError:
    return ApiError(415, message)


def error_body(status: int, message: str) -> dict[str, Any]:
    """The TMF `Error` resource (`code` and `reason` required, `status` a string)."""
    return {
        "code": str(status),
        "reason": HTTPStatus(status).phrase,
        "message": message,
        "status": str(status),
        "@type": "Error",
    }


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> web.Response:
    return json_response(error_body(status, message), status=status, headers=headers)


def _http_exception_message(request: web.Request, exc: web.HTTPException) -> str:
    """A message a client can act on, instead of aiohttp's `404: Not Found` text."""
    if isinstance(exc, web.HTTPMethodNotAllowed):
        allowed = ", ".join(sorted(exc.allowed_methods))
        return f"Method {request.method} is not allowed on {request.path}; allowed: {allowed}"
    if exc.status == 404:
        return f"No resource at {request.path}"
    return exc.text or exc.reason


def _from_http_exception(request: web.Request, exc: web.HTTPException) -> web.StreamResponse:
    if exc.status < 400:
        raise exc
    kept = {key: value for key, value in exc.headers.items() if key.lower() not in _BODY_HEADERS}
    return error_response(exc.status, _http_exception_message(request, exc), kept)


def _unreadable_body(request: web.Request, exc: Exception) -> web.StreamResponse:
    """A body the parser refused mid-way, or cut off by the client: one log line, a 400, closed."""
    reason = (
        "the client closed the connection" if isinstance(exc, ConnectionError) else parser_reason(None, exc)
    )
    LOG.warning(
        "could not read the body of %s %s from %s: %s", request.method, request.path, request.remote, reason
    )
    response = error_response(400, f"The request body could not be read: {reason}")
    response.force_close()  # the stream cannot be trusted past the bad bytes
    return response


def answer_for(request: web.Request, exc: Exception) -> web.StreamResponse:
    """The TMF `Error` answer to what a handler raised; a redirect (an HTTPException under 400) goes on."""
    if isinstance(exc, ApiError):
        return error_response(exc.status, exc.message, exc.headers)
    if isinstance(exc, DomainError):
        return error_response(domain_status(exc), exc.message)
    if isinstance(exc, web.HTTPException):
        return _from_http_exception(request, exc)
    if isinstance(exc, HttpProcessingError | RequestPayloadError | ConnectionResetError):
        return _unreadable_body(request, exc)
    LOG.error("unexpected error on %s %s", request.method, request.path, exc_info=exc)
    return error_response(500, "The server failed to handle the request; see its log.")


async def answered(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The handler's answer, or the TMF `Error` for what it raised: no exception leaves as a stack
    trace or a non-TMF body."""
    try:
        return await handler(request)
    except Exception as exc:
        return answer_for(request, exc)


#: `answered` as a middleware, for an app without the front door (tests of one part).
error_middleware = web.middleware(answered)
