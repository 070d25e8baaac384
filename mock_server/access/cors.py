"""Optional CORS (Fetch standard) for browser clients of the mock: off unless origins are configured.

Hand-written rather than aiohttp-cors: that library wants every route wrapped one by one and adds
its own OPTIONS routes beside the routes table; here the front door (`http.front_door`) answers
preflights before credentials are asked and marks every answer (errors included) for the allowed
origins.
"""

from __future__ import annotations

from aiohttp import web

from mock_server.config.settings import Settings
from mock_server.http.errors import error_response

ALLOWED_METHODS = "GET, HEAD, POST, PATCH, DELETE, OPTIONS"
#: Response headers a browser script may read (paging counts, the new resource, fault back-off).
EXPOSED_HEADERS = "Location, X-Total-Count, X-Result-Count, Retry-After"
MAX_AGE_S = "600"
#: Longer Access-Control-Request-Headers lists are not echoed (a preflight must stay small).
_MAX_REQUEST_HEADERS = 1000


class CorsPolicy:
    def __init__(self, origins: tuple[str, ...]) -> None:
        self.any_origin = "*" in origins
        self.origins = frozenset(origins)

    def allows(self, origin: str) -> bool:
        return self.any_origin or origin.lower().rstrip("/") in self.origins

    def preflight(self, request: web.Request, origin: str) -> web.Response:
        """204 naming what the browser may send; 403 (a TMF Error) for an origin not allowed."""
        if not self.allows(origin):
            return error_response(403, f"Origin {origin[:100]!r} is not allowed; see --cors-origins")
        asked = request.headers.get("Access-Control-Request-Headers", "")[:_MAX_REQUEST_HEADERS]
        headers = {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": ALLOWED_METHODS,
            "Access-Control-Max-Age": MAX_AGE_S,
            "Vary": "Origin",
        }
        if asked.strip():
            headers["Access-Control-Allow-Headers"] = asked
        return web.Response(status=204, headers=headers)

    def mark(self, response: web.StreamResponse, origin: str) -> None:
        if self.allows(origin):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        vary = response.headers.get("Vary")  # caches must key the answer on Origin too
        response.headers["Vary"] = "Origin" if not vary else f"{vary}, Origin"


def cors_policy(settings: Settings) -> CorsPolicy | None:
    """The policy for these settings, or None when no origin is configured (the default)."""
    return CorsPolicy(settings.cors_origins) if settings.cors_origins else None


def is_preflight(request: web.Request) -> bool:
    return request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
