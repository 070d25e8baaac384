"""Fault injection: latency, a forced error status, a dropped connection, a malformed body.

Off unless `Settings.faults_file` or `Settings.faults_enabled` is set; then the front door
(`http.front_door`) hands each request to `FaultInjector.handle` inside its error answer, so a forced
status leaves as a TMF `Error` like any other. Per request, an `X-Mock-Fault` header wins over the
file's rules; otherwise the rules are tried in file order and the first whose route matches and
whose probability draw succeeds applies.
Control endpoints (`/_mock/...`) are never faulted: a test must always be able to reset the mock.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Handler

from mock_server.config.settings import Settings
from mock_server.faults.plan import Fault, FaultPlan, FaultSpecError, load_plan, parse_header
from mock_server.http.errors import ApiError, answered
from mock_server.http.paths import is_control, relative_path
from mock_server.http.responses import JSON_CONTENT_TYPE

LOG = logging.getLogger(__name__)

FAULT_HEADER = "X-Mock-Fault"
#: What a misconfigured proxy in front of an API typically answers instead of JSON.
NON_JSON_BODY = b"<html><head><title>Bad Gateway</title></head><body>upstream sent garbage</body></html>"
_DROPPED_HEADERS = frozenset({"content-length", "content-type", "content-encoding", "transfer-encoding"})

Sleep = Callable[[float], Awaitable[None]]


class FaultInjector:
    """Picks the fault of each request and applies it; `seed` makes the draws reproducible."""

    def __init__(self, plan: FaultPlan, base_path: str, *, sleep: Sleep = asyncio.sleep) -> None:
        self.plan = plan
        self.base_path = base_path
        # Not for security: a seeded generator is the point (reproducible fault sequences).
        self._random = random.Random(plan.seed)  # noqa: S311
        self._sleep = sleep
        self._applied: dict[int, int] = {}  # rule index -> requests it was applied to (for `times`)

    def choose(self, method: str, path: str, header: str | None) -> tuple[Fault, str] | None:
        """(fault, where it came from) or None; a malformed header is a 400 for the client to fix."""
        if is_control(path, self.base_path):
            return None
        if header is not None:
            try:
                return parse_header(header), f"header {FAULT_HEADER}"
            except FaultSpecError as exc:
                raise ApiError(400, str(exc)) from None
        relative = relative_path(path, self.base_path)
        for index, rule in enumerate(self.plan.rules):
            used = self._applied.get(index, 0)
            if rule.times is not None and used >= rule.times:
                continue
            if rule.route.matches(method, relative) and self._draw(rule.probability):
                self._applied[index] = used + 1
                return rule.fault, rule.label
        return None

    def reset(self) -> None:
        """Rules with `times` fail their first requests again (`POST /_mock/reset`)."""
        self._applied.clear()

    def _draw(self, probability: float) -> bool:
        """Certain rules draw nothing, so adding one does not shift the sequence of the others."""
        return probability >= 1 or (probability > 0 and self._random.random() < probability)

    def latency_s(self, fault: Fault) -> float:
        if fault.latency_ms is None:
            return 0.0
        low, high = fault.latency_ms
        return (low if low == high else self._random.randint(low, high)) / 1000

    async def handle(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        chosen = self.choose(request.method, request.path, request.headers.get(FAULT_HEADER))
        if chosen is None:
            return await handler(request)
        fault, source = chosen
        LOG.info("injecting %s into %s %s (%s)", fault.describe(), request.method, request.path, source)
        if fault.latency_ms is not None:
            await self._sleep(self.latency_s(fault))
        if fault.status is not None:
            retry = {"Retry-After": fault.retry_after} if fault.retry_after is not None else None
            raise ApiError(fault.status, f"Fault injected by the mock ({source}): {fault.describe()}", retry)
        if fault.drop:
            return drop_connection(request)
        if fault.malformed is not None:
            return malformed(await answered(request, handler), fault.malformed)
        return await handler(request)


def drop_connection(request: web.Request) -> web.StreamResponse:
    """Close the connection before anything is written: the client sees it closed with no answer.

    aiohttp still wants a response object; writing it to the closed transport is a no-op.
    The request is not processed (nothing is stored), as when a load balancer drops it.
    """
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=444, reason="Connection Dropped")


def malformed(response: web.StreamResponse, kind: str) -> web.StreamResponse:
    """The handler's answer with a broken body: cut in half, or not JSON at all.

    The request WAS processed (an order may have been created): this is what a client sees when a
    body is damaged on the way. Status 200 and 201 are kept; anything else becomes 200, as with a
    proxy that answers garbage with a success status.
    """
    original = response.body if isinstance(response, web.Response) else None
    body = original if isinstance(original, bytes) else b""
    broken = NON_JSON_BODY if kind == "non-json" else body[: len(body) // 2] or b'{"'
    headers = {key: value for key, value in response.headers.items() if key.lower() not in _DROPPED_HEADERS}
    status = response.status if response.status in {200, 201} else 200
    return web.Response(status=status, body=broken, headers={**headers, "Content-Type": JSON_CONTENT_TYPE})


def fault_injector(settings: Settings, base_path: str) -> FaultInjector | None:
    """The injector for these settings, or None when fault injection is off (the default). Rules'
    routes are relative to `base_path`, the default API's."""
    if settings.faults_file is None and not settings.faults_enabled:
        return None
    plan = load_plan(settings.faults_file) if settings.faults_file is not None else FaultPlan()
    return FaultInjector(plan, base_path)
