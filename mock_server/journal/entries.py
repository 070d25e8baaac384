"""A bounded ring of journal entries, each one request as a client sent it, with its secrets masked.

Bounded three ways so a busy or hostile client cannot grow it: `size` entries (oldest dropped
first), the first `BODY_BYTES` of each body, the first `VALUE_CHARS` of each header value.
Recording only keeps references and short slices; the JSON (and the masking) is made when
`GET /_mock/requests` asks, so the journal costs the hot path little. Credentials never leave it:
Authorization keeps only its scheme (`Bearer ***`), cookies and API key headers become `***`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count
from typing import Any

from mock_server.domain.clock import timestamp

BODY_BYTES = 4096
VALUE_CHARS = 512
MASK = "***"
#: Always masked (lower case); the configured API key header is added to these.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key", "x-mock-token"})


@dataclass(frozen=True, slots=True)
class Sent:
    """One request as it arrived, and the status it got; `body` is None when the mock never read it."""

    method: str
    path: str
    query: str
    headers: Iterable[tuple[str, str]]
    body: bytes | None
    status: int
    at: float  # POSIX time


class RequestJournal:
    def __init__(self, size: int, api_key_header: str) -> None:
        self._sent: deque[tuple[int, Sent, bool]] = deque(maxlen=size or 1)
        self.enabled = size > 0
        self._secret = SECRET_HEADERS | {api_key_header.lower()}
        self._ids = count(1)

    def add(self, sent: Sent) -> None:
        """Keep `sent` with its headers and body cut to their bounds (nothing else is copied)."""
        body, cut = sent.body, False
        if body is not None and len(body) > BODY_BYTES:
            body, cut = body[:BODY_BYTES], True
        headers = tuple((name, value[:VALUE_CHARS]) for name, value in sent.headers)
        kept = Sent(sent.method, sent.path, sent.query, headers, body, sent.status, sent.at)
        self._sent.append((next(self._ids), kept, cut))

    def entries(self) -> list[dict[str, Any]]:
        """Oldest first, as JSON-ready dicts."""
        return [self._entry(number, sent, cut) for number, sent, cut in self._sent]

    def clear(self) -> None:
        self._sent.clear()

    def _entry(self, number: int, sent: Sent, cut: bool) -> dict[str, Any]:
        return {
            "id": number,
            "loggedDate": timestamp(datetime.fromtimestamp(sent.at, UTC)),
            "method": sent.method,
            "path": sent.path,
            "query": sent.query,
            "headers": self._masked(sent.headers),
            "body": None if sent.body is None else sent.body.decode("utf-8", "replace"),
            "bodyTruncated": cut,
            "status": sent.status,
        }

    def _masked(self, headers: Iterable[tuple[str, str]]) -> dict[str, str]:
        shown: dict[str, str] = {}
        for name, value in headers:
            text = self._mask(name, value)
            shown[name] = f"{shown[name]}, {text}" if name in shown else text
        return shown

    def _mask(self, name: str, value: str) -> str:
        lowered = name.lower()
        if lowered not in self._secret:
            return value
        scheme, _, rest = value.strip().partition(" ")
        keeps_scheme = lowered.endswith("authorization") and rest and scheme.isalpha()
        return f"{scheme} {MASK}" if keeps_scheme else MASK
