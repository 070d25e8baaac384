"""Test control endpoints under `/_mock/` (outside the TMF base path): reset, delivery log, clock.

- ``POST /_mock/reset`` -> 204. Test isolation in one call: empties both collections, drops every
  hub subscription and the notifier's queued events and delivery log, restarts the id counter and
  the clock in deterministic mode, then stores the seed files' entries again. After a reset the
  mock answers exactly as right after its start.
- ``GET /_mock/deliveries`` -> 200: every hub delivery attempt (and refused event), oldest first.
- ``GET /_mock/clock`` -> 200 ``{"now": <next reading>, "deterministic": <bool>}``.
- ``POST /_mock/clock`` with ``{"now": "2026-05-01T12:00:00.000Z"}`` -> 200 ``{"now": ...}``: in
  deterministic mode the next server timestamp is that instant (then +1 ms per reading). Without
  deterministic mode the clock is the real one: 409.
"""

from __future__ import annotations

from aiohttp import web

from mock_server.domain.clock import timestamp
from mock_server.domain.determinism import parse_moment
from mock_server.http.bodies import read_object
from mock_server.http.errors import ApiError, bad_request
from mock_server.http.responses import json_response
from mock_server.keys import (
    CLOCK_KEY,
    DETERMINISM_KEY,
    HUB_KEY,
    NEW_ID_KEY,
    NOTIFIER_KEY,
    SEED_KEY,
    SETTINGS_KEY,
    STORE_KEY,
)


def apply_seed(app: web.Application) -> None:
    """Store the seed files' entries (into an empty store: at start and after a reset)."""
    root = app[SETTINGS_KEY].api_root
    app[SEED_KEY].apply(app[STORE_KEY], app[NEW_ID_KEY], app[CLOCK_KEY], root)


def reset_app(app: web.Application) -> None:
    """Back to the state right after start (see the module docstring)."""
    app[HUB_KEY].clear()
    app[NOTIFIER_KEY].reset()
    if DETERMINISM_KEY in app:
        app[DETERMINISM_KEY].reset()
    with app[STORE_KEY].bulk():  # emptied and re-seeded in one transaction
        app[STORE_KEY].reset()
        apply_seed(app)


async def reset(request: web.Request) -> web.Response:
    reset_app(request.app)
    return web.Response(status=204)


async def read_clock(request: web.Request) -> web.Response:
    determinism = request.app.get(DETERMINISM_KEY)
    now = determinism.clock.peek() if determinism is not None else request.app[CLOCK_KEY]()
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


async def list_deliveries(request: web.Request) -> web.Response:
    """GET /_mock/deliveries: the notifier's delivery log as a JSON array, oldest first."""
    return json_response(request.app[NOTIFIER_KEY].deliveries())
