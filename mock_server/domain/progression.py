"""Background steps of every version: order progressions and paced cancellations, stopped at shutdown.

They run when `Settings.auto_progress` is set or a `progression_file` is given, and never in
deterministic mode (there, every answer must be predictable, so the server only moves when a client
asks). What a step does is a version's rule (its progression and cancellation); the `Lifecycle`
paces them, keeps them and stops them with the app or on reset.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from aiohttp import web

from mock_server.config.settings import Settings

LOG = logging.getLogger(__name__)


def is_paced(settings: Settings) -> bool:
    """True when lifecycles run in the background (see the module docstring)."""
    return not settings.deterministic and bool(settings.auto_progress or settings.progression_file)


class Lifecycle:
    """The app's background steps, stopped at shutdown and on reset."""

    def __init__(self, paced: bool, delay: float) -> None:
        self.paced = paced
        #: Pause between two steps of a paced cancellation.
        self.delay = delay
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(self._guarded(coroutine))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guarded(self, coroutine: Coroutine[Any, Any, None]) -> None:
        """A failing step is logged; it must not take the server down or go unnoticed."""
        try:
            await coroutine
        except Exception:
            LOG.exception("background lifecycle step failed")

    @property
    def running(self) -> int:
        return len(self._tasks)

    async def lifetime(self, _app: web.Application) -> AsyncIterator[None]:
        """An `app.cleanup_ctx` entry: background steps end with the app."""
        yield
        await self.stop()

    async def stop(self) -> None:
        """Cancel every walk in flight (at shutdown, or on reset)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
