"""Optional credentials: one set for the API, another for the `/_mock/*` test controls.

The API accepts `Authorization: Bearer <api_token>` or `<api_key_header>: <api_key>`, as deployments
do; the controls accept `Authorization: Bearer <control_token>`. Each part is open while its secret
is unset. Health and the OpenAPI document stay open for probes and tools. A missing or wrong
credential gets 401 with a TMF `Error` and `WWW-Authenticate`; the secrets are compared in constant
time and never written to a message or the log.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping, Sequence

from aiohttp import web

from mock_server.access.hosts import is_loopback
from mock_server.config.settings import Settings
from mock_server.http.errors import ApiError
from mock_server.http.paths import is_control, relative_path
from mock_server.openapi.document import DOCUMENT_NAME

#: Paths (relative to any version's base path, or at the root) answered without credentials.
OPEN_PATHS = frozenset({"/health", f"/{DOCUMENT_NAME}"})
#: The developer's pages (mock_server/pages): no data, and a browser sends no bearer token.
OPEN_PAGES = frozenset({"/", "/docs"})
OPEN_ASSETS = "/docs/assets/"
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="tmf622-mock"'}


def _same(given: str | None, secret: str | None) -> bool:
    return given is not None and secret is not None and hmac.compare_digest(given.encode(), secret.encode())


def _bearer(headers: Mapping[str, str]) -> str | None:
    scheme, _, token = headers.get("Authorization", "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def api_accepts(settings: Settings, headers: Mapping[str, str]) -> bool:
    return _same(_bearer(headers), settings.api_token) or _same(
        headers.get(settings.api_key_header), settings.api_key
    )


def admitted(settings: Settings, base_paths: Sequence[str], request: web.Request, control: bool) -> bool:
    """Whether this request may go on: open parts and paths need nothing, the others their secret."""
    if control:
        return settings.control_token is None or _same(_bearer(request.headers), settings.control_token)
    if not api_protected(settings) or is_open(base_paths, request.path):
        return True
    return api_accepts(settings, request.headers)


def is_open(base_paths: Sequence[str], path: str) -> bool:
    """`base_paths`: every registered version's, served or not (the first the default API's)."""
    if path in OPEN_PAGES or path.startswith(OPEN_ASSETS):
        return True
    return any(relative_path(path, base) in OPEN_PATHS for base in base_paths)


def api_protected(settings: Settings) -> bool:
    return settings.api_token is not None or settings.api_key is not None


def refusal(settings: Settings, control: bool) -> ApiError:
    """The 401, telling what to send (never what was expected)."""
    if control:
        wanted = "the control token as 'Authorization: Bearer <token>'"
    else:
        ways = ["'Authorization: Bearer <token>'"] if settings.api_token else []
        ways += [f"the API key in '{settings.api_key_header}'"] if settings.api_key else []
        wanted = " or ".join(ways)
    part = "test controls" if control else "API"
    return ApiError(401, f"The {part} of this mock needs credentials: send {wanted}", _CHALLENGE)


def credential_check(settings: Settings, base_paths: Sequence[str]) -> Callable[[web.Request], None] | None:
    """The check for these settings (it raises the 401), or None while no part has a secret (the default).
    `base_paths`: every registered version's, the default API's first (its `/_mock/*` are controls too)."""
    if not api_protected(settings) and settings.control_token is None:
        return None

    def authenticate(request: web.Request) -> None:
        control = is_control(request.path, base_paths[0])
        if not admitted(settings, base_paths, request, control):
            raise refusal(settings, control)

    return authenticate


def exposure_warning(settings: Settings) -> str | None:
    """One line when the mock listens beyond this machine with a part left open, else None."""
    open_parts = [
        name
        for name, protected in (("the API", api_protected(settings)), ("/_mock/*", settings.control_token))
        if not protected
    ]
    if is_loopback(settings.host) or not open_parts:
        return None
    return (
        f"tmf622-mock: warning: listening on {settings.host}, beyond this machine, without authentication "
        f"of {' and '.join(open_parts)}; set TMF622_MOCK_API_TOKEN (or TMF622_MOCK_API_KEY) and "
        "TMF622_MOCK_CONTROL_TOKEN"
    )
