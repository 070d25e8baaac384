"""The one middleware every request passes: the journal, CORS, the request checks and the error answer.

In order, outermost first:
0. the access log (`journal.access_log`, with --access-log) writes one line per request, with the
   status the client got and the time it took;
1. the journal (`journal.recording`) sees every request but the test controls, with its final status;
2. CORS (`access.cors`, when origins are configured) answers preflights before credentials are asked
   and marks every answer, errors included;
3. everything inside becomes a TMF `Error` (`http.errors.answer_for`) when it raises:
   - an `Accept` that excludes JSON is refused (406, `http.negotiation`) before credentials are asked,
     except by the pages (`/`, `/docs`), which answer a browser in HTML;
   - credentials (`access.auth`, when a secret is set) are checked (401);
   - the body is read, bounded in size and time (413, 408, `http.uploads`), before any handler;
   - faults (`faults.injector`, when on) are injected around the handler.

Each step is a function of its own module; this one only puts them in order, so the order is
stated once instead of being implied by a list of seven middlewares. (Whether it is faster is not
known: the A/B run against the seven layers, bench/results/issue11-ab-c56c4c7.json, ran this checkout's
mock on both sides; see bench/README.md, issue 17.)
The steps that are off are left out when the app is built, not tested per request.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from mock_server.access.auth import credential_check
from mock_server.access.cors import CorsPolicy, cors_policy, is_preflight
from mock_server.config.settings import Settings
from mock_server.faults.injector import FaultInjector
from mock_server.http.errors import answer_for
from mock_server.http.negotiation import refuse_unacceptable
from mock_server.http.uploads import UploadLimits, read_bounded
from mock_server.journal.access_log import AccessLog
from mock_server.journal.entries import RequestJournal
from mock_server.journal.recording import Recorder


def checked(settings: Settings, faults: FaultInjector | None, base_paths: Sequence[str]) -> Middleware:
    """Step 3: the checks in order, then the handler (through the faults when on); errors as TMF Errors."""
    authenticate = credential_check(settings, base_paths)
    limits = UploadLimits(settings.max_body_bytes, settings.body_timeout_s)

    async def answer(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            refuse_unacceptable(request)  # but on a page, which answers HTML to a browser
            if authenticate is not None:
                authenticate(request)
            if request.body_exists and (too_slow := await read_bounded(request, limits)) is not None:
                return too_slow
            if faults is not None:
                return await faults.handle(request, handler)
            return await handler(request)
        except Exception as exc:
            return answer_for(request, exc)

    return answer


def with_cors(policy: CorsPolicy, inner: Middleware) -> Middleware:
    """Step 2 around `inner`: preflights answered here, every other answer marked for its origin."""

    async def answer(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if origin is None:
            return await inner(request, handler)
        if is_preflight(request):
            return policy.preflight(request, origin)
        response = await inner(request, handler)
        policy.mark(response, origin)
        return response

    return answer


def with_journal(recorder: Recorder, inner: Middleware) -> Middleware:
    """Step 1 around `inner`: the request and the status it got go into the journal."""

    async def answer(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not recorder.journaled(request.path):
            return await inner(request, handler)
        logged, status = time.time(), 500
        try:
            response = await inner(request, handler)
            status = response.status
            return response
        except web.HTTPException as exc:  # a redirect, which `answer_for` lets through
            status = exc.status
            raise
        finally:
            if request.body_exists:
                await recorder.record(request, status, logged)
            else:
                recorder.keep(request, status, logged, b"")

    return answer


def front_door(
    settings: Settings, journal: RequestJournal, faults: FaultInjector | None, base_paths: Sequence[str]
) -> Middleware:
    """The app's only middleware for these settings, with the steps that are off left out. `base_paths`:
    every registered version's, the default API's first (`/_mock/*` under it are controls too)."""
    door = checked(settings, faults, base_paths)
    policy = cors_policy(settings)
    if policy is not None:
        door = with_cors(policy, door)
    if journal.enabled:
        door = with_journal(Recorder(journal, base_paths[0]), door)
    if settings.access_log:
        door = AccessLog(journal.masking).middleware(door)
    return web.middleware(door)
