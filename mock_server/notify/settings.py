"""The delivery tuning of the notifier, drawn from the run-time `Settings` (their defaults are the ones)."""

from __future__ import annotations

from dataclasses import dataclass

from mock_server.config.settings import (
    NOTIFY_ATTEMPTS,
    NOTIFY_BACKOFF_S,
    NOTIFY_BREAKER_COOLDOWN_S,
    NOTIFY_BREAKER_FAILURES,
    NOTIFY_CONNECTIONS,
    NOTIFY_QUEUE_BYTES,
    NOTIFY_QUEUE_SIZE,
    NOTIFY_TIMEOUT_S,
    Settings,
)

#: Longest back-off between two attempts, however many failed before.
MAX_BACKOFF_S = 5.0
#: Entries of the delivery log (`GET /_mock/deliveries`); the oldest go first.
DELIVERY_LOG_SIZE = 1000


@dataclass(frozen=True)
class NotifierSettings:
    """Bounds of the queue (deliveries and their bytes), the retry policy and the circuit breaker."""

    queue_size: int = NOTIFY_QUEUE_SIZE
    queue_bytes: int = NOTIFY_QUEUE_BYTES
    max_attempts: int = NOTIFY_ATTEMPTS
    base_delay: float = NOTIFY_BACKOFF_S
    max_delay: float = MAX_BACKOFF_S
    attempt_timeout: float = NOTIFY_TIMEOUT_S
    breaker_failures: int = NOTIFY_BREAKER_FAILURES
    breaker_cooldown: float = NOTIFY_BREAKER_COOLDOWN_S
    log_size: int = DELIVERY_LOG_SIZE
    connections: int = NOTIFY_CONNECTIONS

    def __post_init__(self) -> None:
        # A zero bound would hold nothing, and zero attempts would deliver nothing.
        counts = (
            self.queue_size,
            self.queue_bytes,
            self.max_attempts,
            self.breaker_failures,
            self.log_size,
            self.connections,
        )
        if min(counts) < 1:
            raise ValueError(
                "queue sizes, attempts, breaker failures, log size and connections must be at least 1"
            )
        if min(self.base_delay, self.max_delay) < 0 or min(self.attempt_timeout, self.breaker_cooldown) <= 0:
            raise ValueError("delays must be >= 0, attempt_timeout and breaker_cooldown > 0")

    @classmethod
    def of(cls, settings: Settings) -> NotifierSettings:
        """The delivery tuning the run-time settings ask for."""
        return cls(
            queue_size=settings.notify_queue_size,
            queue_bytes=settings.notify_queue_bytes,
            max_attempts=settings.notify_attempts,
            base_delay=settings.notify_backoff_s,
            attempt_timeout=settings.notify_timeout_s,
            breaker_failures=settings.notify_breaker_failures,
            breaker_cooldown=settings.notify_breaker_cooldown_s,
            connections=settings.notify_connections,
        )

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        return float(min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))
