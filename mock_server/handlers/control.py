"""Test control endpoints under `/_mock/` (outside the TMF base path): reset to the seed, and the clock.

- ``POST /_mock/reset`` -> 204. Test isolation in one call: empties both collections, drops every
  hub subscription and the notifier's queued events and delivery log (when the app has a hub and a
  notifier), restarts the id counter and the clock in deterministic mode, then stores the seed
  files' entries again. After a reset the mock answers exactly as right after its start.
- ``GET /_mock/clock`` -> 200 ``{"now": <next reading>, "deterministic": <bool>}``.
- ``POST /_mock/clock`` with ``{"now": "2026-05-01T12:00:00.000Z"}`` -> 200 ``{"now": ...}``: in
  deterministic mode the next server timestamp is that instant (then +1 ms per reading). Without
  deterministic mode the clock is the real one: 409.
"""

from __future__ import annotations

from aiohttp import web

from mock_server.config.settings import Settings
from mock_server.domain.determinism import DETERMINISM_KEY, parse_moment
from mock_server.domain.resources import timestamp
from mock_server.domain.seed import SEED_KEY, Seed, is_empty, load_seed
from mock_server.http.bodies import read_object
from mock_server.http.errors import ApiError, bad_request
from mock_server.http.responses import json_response
from mock_server.keys import CLOCK, NEW_ID, SETTINGS, STORE
from mock_server.notify.hub import HUB_KEY
from mock_server.notify.notifier import NOTIFIER_KEY

CONTROL_PREFIX = "/_mock"


def href_root(app: web.Application) -> str:
    """`<public URL><base path>`; relative without a public URL (no request names the host here)."""
    settings = app[SETTINGS]
    return f"{settings.public_url or ''}{settings.base_path}"


def apply_seed(app: web.Application) -> None:
    app.get(SEED_KEY, Seed()).apply(app[STORE], app[NEW_ID], app[CLOCK], href_root(app))


def install_seed(app: web.Application, settings: Settings) -> None:
    """Read the seed files (SeedError before anything listens) and fill an empty store with them."""
    app[SEED_KEY] = load_seed(settings.seed_files)
    if app[SEED_KEY].entries and is_empty(app[STORE]):
        apply_seed(app)


def reset_app(app: web.Application) -> None:
    """Back to the state right after start (see the module docstring)."""
    if HUB_KEY in app:
        app[HUB_KEY].clear()
    if NOTIFIER_KEY in app:
        app[NOTIFIER_KEY].reset()
    if DETERMINISM_KEY in app:
        app[DETERMINISM_KEY].reset()
    with app[STORE].bulk():  # emptied and re-seeded in one transaction
        app[STORE].reset()
        apply_seed(app)


async def reset(request: web.Request) -> web.Response:
    reset_app(request.app)
    return web.Response(status=204)


async def read_clock(request: web.Request) -> web.Response:
    determinism = request.app.get(DETERMINISM_KEY)
    now = determinism.clock.peek() if determinism is not None else request.app[CLOCK]()
    return json_response({"now": timestamp(now), "deterministic": determinism is not None})


async def set_clock(request: web.Request) -> web.Response:
    determinism = request.app.get(DETERMINISM_KEY)
    if determinism is None:
        raise ApiError(409, "The clock can only be set in deterministic mode (--deterministic)")
    body = await read_object(request)
    now = body.get("now")
    if not isinstance(now, str):
        raise bad_request('$.now: give the next server time as a string, e.g. "2026-05-01T12:00:00.000Z"')
    try:
        determinism.clock.set(parse_moment(now))
    except (ValueError, OverflowError) as exc:
        raise bad_request(f"$.now: {str(exc)[:200]}") from None
    return json_response({"now": timestamp(determinism.clock.peek())})


def add_control_routes(app: web.Application) -> None:
    app.router.add_post(f"{CONTROL_PREFIX}/reset", reset)
    app.router.add_get(f"{CONTROL_PREFIX}/clock", read_clock)
    app.router.add_post(f"{CONTROL_PREFIX}/clock", set_clock)
