"""The circuit breaker of one listener: stop calling a listener that keeps failing, probe it later.

Closed: every attempt is made. After `failure_threshold` failed attempts in a row the circuit opens:
no attempt is made (the event is given up and logged at once, so a dead listener's lane drains
instead of holding events for its timeouts) until `cooldown` seconds have passed. Then it is half
open: the next attempt is a probe; success closes the circuit, failure opens it for another cool-down.
A lane delivers one event at a time, so there is never more than one probe.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum

Monotonic = Callable[[], float]


class CircuitState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "halfOpen"


class CircuitBreaker:
    """Counts failed attempts in a row; `monotonic` is injectable so tests step time themselves."""

    def __init__(
        self, failure_threshold: int, cooldown: float, monotonic: Monotonic = time.monotonic
    ) -> None:
        if failure_threshold < 1 or cooldown <= 0:
            raise ValueError("failure_threshold must be at least 1 and cooldown above 0")
        self.failure_threshold = failure_threshold
        self.cooldown = cooldown
        self._monotonic = monotonic
        self.failures = 0
        self.opened = 0
        self._opened_at: float | None = None

    @property
    def state(self) -> CircuitState:
        if self._opened_at is None:
            return CircuitState.CLOSED
        if self._monotonic() - self._opened_at < self.cooldown:
            return CircuitState.OPEN
        return CircuitState.HALF_OPEN

    def allows(self) -> bool:
        """May an attempt be made now (closed, or half open for the probe)?"""
        return self.state is not CircuitState.OPEN

    def succeeded(self) -> None:
        self.failures = 0
        self._opened_at = None

    def failed(self) -> None:
        """One more failed attempt; a failed probe, or the threshold reached, (re)opens the circuit."""
        self.failures += 1
        if self._opened_at is not None or self.failures >= self.failure_threshold:
            self._opened_at = self._monotonic()
            self.opened += 1
