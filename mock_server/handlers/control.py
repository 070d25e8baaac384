"""Test control endpoints under `/_mock/` (outside the TMF base path): reset, delivery log, clock.

- ``POST /_mock/reset`` -> 204. Test isolation in one call: empties every collection, drops every
  hub subscription and the notifier's queued events and delivery log, restarts the id counter and
  the clock in deterministic mode, then stores the seed files' entries again. After a reset the
  mock answers exactly as right after its start.
- ``GET /_mock/<control name>/deliveries`` -> 200: every hub delivery attempt (and refused event) of
  a served version, oldest first (`/_mock/deliveries` for a control name of "").
- ``GET /_mock/requests`` -> 200: the request journal, oldest first (secrets masked; bounded by
  ``--journal-size``), ``?method=POST&path=/x`` keeps the matching entries;
  ``DELETE /_mock/requests`` -> 204 empties it (reset does too).
- ``GET /_mock/clock`` -> 200 ``{"now": <next reading>, "deterministic": <bool>}``.
- ``POST /_mock/clock`` with ``{"now": "2026-05-01T12:00:00.000Z"}`` -> 200 ``{"now": ...}``: in
  deterministic mode the next server timestamp is that instant (then +1 ms per reading). Without
  deterministic mode the clock is the real one: 409.

A POST here needs `Content-Type: application/json` (415 otherwise), even without a body: a web page
can send a cross-origin `text/plain` or form POST without asking, but not a JSON one.
"""

from __future__ import annotations

import functools

from aiohttp import web
from aiohttp.typedefs import Handler

from mock_server.access.hosts import start_root
from mock_server.domain.clock import timestamp
from mock_server.domain.determinism import parse_moment
from mock_server.http.bodies import JSON, media_type, read_object
from mock_server.http.errors import ApiError, bad_request
from mock_server.http.responses import json_response
from mock_server.keys import (
    CATALOGUE_KEY,
    CHANNELS_KEY,
    CLOCK_KEY,
    DETERMINISM_KEY,
    FAULTS_KEY,
    JOURNAL_KEY,
    NEW_ID_KEY,
    SETTINGS_KEY,
    STORE_KEY,
    VERSION_SEEDS_KEY,
)
from mock_server.store.base import Catalogue


async def apply_seed(app: web.Application) -> None:
    """Store the seed files' entries (into an empty store: at start and after a reset): each served
    version's section, under its base path."""
    settings = app[SETTINGS_KEY]
    for base_path, seed in app[VERSION_SEEDS_KEY]:
        root = start_root(settings) if seed.absolute else settings.public_url or ""
        await seed.apply(app[STORE_KEY], app[NEW_ID_KEY], app[CLOCK_KEY], root + base_path)


async def reset_app(app: web.Application) -> None:
    """Back to the state right after start (see the module docstring)."""
    for channel in app[CHANNELS_KEY].values():  # every API's subscriptions and queued events
        await channel.hub.clear()
        channel.notifier.reset()
    app[JOURNAL_KEY].clear()
    if DETERMINISM_KEY in app:
        app[DETERMINISM_KEY].reset()
    if FAULTS_KEY in app:
        app[FAULTS_KEY].reset()
    async with app[STORE_KEY].bulk():  # emptied and re-seeded in one transaction
        await app[STORE_KEY].reset()
        await apply_seed(app)
    if DETERMINISM_KEY in app:  # ids skip the seeded ones
        catalogue: Catalogue = app[CATALOGUE_KEY]
        await app[DETERMINISM_KEY].skip_held(app[STORE_KEY], catalogue)


def json_only(handler: Handler) -> Handler:
    """415 unless `Content-Type: application/json`, checked before anything else (see the docstring)."""

    @functools.wraps(handler)
    async def checked(request: web.Request) -> web.StreamResponse:
        media_type(request, (JSON,))
        return await handler(request)

    return checked


@json_only
async def reset(request: web.Request) -> web.StreamResponse:
    await reset_app(request.app)
    return web.Response(status=204)


async def read_clock(request: web.Request) -> web.Response:
    determinism = request.app.get(DETERMINISM_KEY)
    now = determinism.clock.peek() if determinism is not None else request.app[CLOCK_KEY]()
    return json_response({"now": timestamp(now), "deterministic": determinism is not None})


@json_only
async def set_clock(request: web.Request) -> web.StreamResponse:
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


async def list_requests(request: web.Request) -> web.Response:
    """GET /_mock/requests[?method=POST][&path=/...]: what clients sent (controls excluded), oldest first."""
    unknown = sorted(set(request.query) - {"method", "path"})
    if unknown:
        raise bad_request(f"Unknown parameter {unknown[0][:50]!r}; filter with method and path")
    method, path = request.query.get("method"), request.query.get("path")
    return json_response(request.app[JOURNAL_KEY].entries(method, path))


async def clear_requests(request: web.Request) -> web.Response:
    request.app[JOURNAL_KEY].clear()
    return web.Response(status=204)


def deliveries_of(channel: str) -> Handler:
    """GET /_mock/<control name>/deliveries: a version's notifier's delivery log, oldest first."""

    async def list_channel_deliveries(request: web.Request) -> web.Response:
        return json_response(request.app[CHANNELS_KEY][channel].notifier.deliveries())

    return list_channel_deliveries
