"""What the v4 and v5 fakes share: the request log, TMF630 attribute selection, an HTML page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

HTML = "<html><body>Service Unavailable</body></html>"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def log_requests(lines: list[str], headers: list[dict[str, str]], raw: bool = False) -> Any:
    """A middleware that logs `METHOD path?query` of every request, routed or not (what the tests read of
    the URLs a kit built; `raw`: the path as sent, percent-encoded), and the headers of each request a
    handler answers (not of one refused 404 or 405 by routing: the DELETE of a server without DELETE)."""

    @web.middleware
    async def log(request: web.Request, handler: Handler) -> web.StreamResponse:
        lines.append(f"{request.method} {request.raw_path if raw else request.path_qs}")
        if request.match_info.http_exception is None:
            headers.append(dict(request.headers))
        return await handler(request)

    return log


def selected(order: dict[str, Any], fields: str, always: set[str]) -> dict[str, Any]:
    """TMF630 attribute selection: the attributes `fields` names, and those a server always gives."""
    keep = {*fields.split(","), *always}
    return {key: value for key, value in order.items() if key in keep}
