"""Deterministic mode: counter ids and a stepping clock, so two runs of one request sequence match exactly.

- Ids are `00000000-0000-4000-8000-000000000001`, `...002`, ...: the shape of a version 4 UUID
  (version nibble 4, variant 8), so clients that check the format still accept them, with a
  decimal counter in the last group. An id a resource already holds (a seeded one, or one kept
  in a SQLite file from an earlier run) is skipped, never handed out twice: the ids the store holds
  are read once the store is filled (at start and after each reset); every later one is the
  counter's own.
- The clock starts at `Settings.clock_start` and every reading advances it by exactly 1 ms:
  each server-made timestamp (orderDate, completionDate, ...) is distinct and predictable.
  `POST /_mock/clock` sets the next reading; `POST /_mock/reset` restarts ids and clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from mock_server.store.base import Collection, Store
from mock_server.store.query import Query

#: Every reading of the deterministic clock moves it on by this much.
CLOCK_STEP = timedelta(milliseconds=1)
_ID_PREFIX = "00000000-0000-4000-8000-"
_ID_DIGITS = 12
#: Four-digit years with room to step: timestamps stay valid RFC 3339 date-times.
_YEARS = range(1970, 9000)


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date-time with an offset (`2026-01-01T00:00:00.000Z`) as aware UTC; ValueError else."""
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        raise ValueError(f"date-time {text!r} has no offset; add Z or +hh:mm")
    if not _YEARS.start <= moment.year < _YEARS.stop:
        raise ValueError(f"date-time {text!r} is outside the years {_YEARS.start}..{_YEARS.stop - 1}")
    return moment.astimezone(UTC)


def counter_id(number: int) -> str:
    """The `number`-th deterministic id (1-based)."""
    if not 0 < number < 10**_ID_DIGITS:
        raise ValueError(f"deterministic id number {number} is outside 1..{10**_ID_DIGITS - 1}")
    return f"{_ID_PREFIX}{number:0{_ID_DIGITS}d}"


class CounterIds:
    """`00000000-0000-4000-8000-000000000001`, then `...2`, ...; skips ids `taken` says exist."""

    def __init__(self, taken: Callable[[str], bool] = lambda _: False) -> None:
        self._taken = taken
        self._last = 0

    def __call__(self) -> str:
        self._last += 1
        while self._taken(candidate := counter_id(self._last)):
            self._last += 1
        return candidate

    def reset(self) -> None:
        self._last = 0


class SteppingClock:
    """Starts at `start`; each reading returns the current instant then moves it 1 ms on."""

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._next = start

    def __call__(self) -> datetime:
        now, self._next = self._next, self._next + CLOCK_STEP
        return now

    def peek(self) -> datetime:
        """The next reading, without consuming it."""
        return self._next

    def set(self, moment: datetime) -> None:
        """The next reading will be `moment` (time may go backwards: it is the tester's choice)."""
        self._next = moment

    def reset(self) -> None:
        self._next = self._start


class Determinism:
    """The id factory and clock of a deterministic app, reset together by `POST /_mock/reset`."""

    def __init__(self, clock_start: str) -> None:
        self.held: set[str] = set()
        self.ids = CounterIds(self.held.__contains__)
        self.clock = SteppingClock(parse_moment(clock_start))

    async def skip_held(self, store: Store, collections: Iterable[Collection]) -> None:
        """Ids skip those `store` holds now (seeded, or kept in a SQLite file from an earlier run):
        read once, at start and after a reset (deterministic mode is one process, on memory or SQLite)."""
        self.held.clear()
        for collection in collections:
            total = (await store.query(collection, Query(limit=0))).total
            page = await store.query(collection, Query(limit=total))
            self.held.update(str(resource.get("id")) for resource in page.resources())

    def reset(self) -> None:
        self.held.clear()
        self.ids.reset()
        self.clock.reset()
