"""One queued event as bytes, one HTTP attempt to deliver it, and the bounded log of every attempt.

An event is serialised once, when it is published: the queue then holds compact bytes shared by
every listener's lane (a snapshot: later changes of the resource do not leak in), not a deep copy of
the resource as Python objects, several times its size. Its size is what the byte budget counts.

The log is served at ``GET /_mock/deliveries``. Logged URLs lose their user info, query string
and fragment: callbacks may carry credentials or tokens.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from yarl import URL

from mock_server.domain.clock import Clock, timestamp
from mock_server.http.responses import JSON_CONTENT_TYPE, dump_json
from mock_server.notify.envelopes import EventKind

_HEADERS = {"Content-Type": JSON_CONTENT_TYPE}


@dataclass(frozen=True, slots=True)
class QueuedEvent:
    """A published event as its listeners receive it: the envelope's JSON bytes."""

    event_id: str
    event_type: EventKind
    body: bytes

    @property
    def size(self) -> int:
        return len(self.body)

    @classmethod
    def of(cls, event_type: EventKind, envelope: Mapping[str, Any]) -> QueuedEvent:
        """The envelope serialised into bytes of exactly its size: orjson's output keeps the capacity
        of its growing buffer (8 MiB reserved for a 0.9 MB order), which a queue would hold for long.
        """
        body = memoryview(dump_json(envelope)).tobytes()
        return cls(str(envelope["eventId"]), event_type, body)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt got: the listener's status, or why there was none."""

    status: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


async def post_event(session: aiohttp.ClientSession, url: str, body: bytes, timeout: float) -> Outcome:
    """One POST with its own timeout. Never raises (except cancellation): a misbehaving listener
    must never stop a lane.
    """
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    try:
        post = session.post(url, data=body, headers=_HEADERS, timeout=client_timeout, allow_redirects=False)
        async with post as response:
            return Outcome(status=response.status)
    except TimeoutError:
        return Outcome(error=f"timeout after {timeout}s")
    except Exception as exc:  # any failure of the listener or the connection is an outcome
        return Outcome(error=f"{type(exc).__name__}: {exc}")


class DeliveryLog:
    """The last `size` attempts (and events given up or dropped without one), oldest first."""

    def __init__(self, size: int, clock: Clock) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._clock = clock

    def record(
        self, event: QueuedEvent, subscription_id: str | None, url: str | None, attempt: int, outcome: Outcome
    ) -> None:
        """`attempt` 0 means the event was dropped before any attempt (a full queue)."""
        self._entries.append(
            {
                "eventId": event.event_id,
                "eventType": event.event_type.value,
                "subscriptionId": subscription_id,
                "url": redact(url) if url else None,
                "attempt": attempt,
                "status": outcome.status,
                "error": outcome.error,
                "time": timestamp(self._clock()),
            }
        )

    def entries(self) -> list[dict[str, Any]]:
        """A copy, oldest first."""
        return list(self._entries)

    def clear(self) -> None:
        self._entries.clear()


@functools.lru_cache(maxsize=1024)  # one per lane and event type: a given-up burst logs thousands
def redact(url: str) -> str:
    """The URL without user info, query or fragment: callbacks may carry credentials or tokens."""
    return str(URL(url).with_user(None).with_query(None).with_fragment(None))
