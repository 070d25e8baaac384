"""The server's sources of time and ids, and the one timestamp format every server-made date uses."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

#: Where the server reads the time (deterministic mode and tests inject their own).
Clock = Callable[[], datetime]
#: Where the server gets a new resource, event or subscription id.
IdSource = Callable[[], str]


def utc_now() -> datetime:
    """The real clock: aware UTC now."""
    return datetime.now(UTC)


def new_uuid() -> str:
    """The real id source: a random (version 4) UUID."""
    return str(uuid.uuid4())


def timestamp(moment: datetime) -> str:
    """UTC ISO 8601 with milliseconds and `Z` (`2026-11-27T10:00:00.000Z`), an RFC 3339 date-time.

    `isoformat` (C) rather than `strftime`: several times faster, and it pads years before 1000.
    """
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").removesuffix("+00:00") + "Z"
