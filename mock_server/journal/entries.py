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
from datetime import UTC, datetime
from itertools import count
from typing import Any, NamedTuple

from mock_server.domain.clock import timestamp

BODY_BYTES = 4096
VALUE_CHARS = 512
MASK = "***"
#: Always masked (lower case); the configured API key header is added to these.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key", "x-mock-token"})


class Sent(NamedTuple):  # a tuple: built for every request, so as cheap to make as possible
    """One request as it arrived, and the status it got; `body` is None when the mock never read it."""

    method: str
    path: str
    query: str
    headers: tuple[tuple[bytes, bytes], ...]  # as received (aiohttp's raw_headers: no copy)
    body: bytes | None
    status: int
    at: float  # POSIX time


class RequestJournal:
    def __init__(self, size: int, api_key_header: str) -> None:
        self._sent: deque[tuple[int, Sent, bool]] = deque(maxlen=size or 1)
        self.enabled = size > 0
        self._secret = secret_headers(api_key_header)
        self._ids = count(1)

    def add(self, sent: Sent) -> None:
        """Keep `sent`, its body and header values cut to their bounds (copied only when too long)."""
        body, headers, cut = sent.body, sent.headers, False
        if body is not None and len(body) > BODY_BYTES:
            body, cut = body[:BODY_BYTES], True
        if any(len(value) > VALUE_CHARS for _, value in headers):
            headers = tuple((name, value[:VALUE_CHARS]) for name, value in headers)
        if body is not sent.body or headers is not sent.headers:
            sent = sent._replace(headers=headers, body=body)
        self._sent.append((next(self._ids), sent, cut))

    def entries(self, method: str | None = None, path: str | None = None) -> list[dict[str, Any]]:
        """Oldest first, as JSON-ready dicts; only those with this method and path when given."""
        return [
            self._entry(number, sent, cut)
            for number, sent, cut in self._sent
            if (method is None or sent.method == method.upper()) and (path is None or sent.path == path)
        ]

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

    def _masked(self, headers: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
        """Header bytes decoded as aiohttp does (UTF-8, undecodable bytes replaced), secrets masked."""
        shown: dict[str, str] = {}
        for raw_name, raw_value in headers:
            name = raw_name.decode("utf-8", "replace")
            text = self._mask(name, raw_value.decode("utf-8", "replace"))
            shown[name] = f"{shown[name]}, {text}" if name in shown else text
        return shown

    def _mask(self, name: str, value: str) -> str:
        return masked(name, value, self._secret)


def secret_headers(api_key_header: str) -> frozenset[str]:
    """The header names (lower case) whose values never leave the mock in clear."""
    return SECRET_HEADERS | {api_key_header.lower()}


def masked(name: str, value: str, secret: frozenset[str]) -> str:
    """`value` as the journal and the access log show it: an Authorization keeps its scheme only."""
    lowered = name.lower()
    if lowered not in secret:
        return value
    scheme, _, rest = value.strip().partition(" ")
    keeps_scheme = lowered.endswith("authorization") and rest and scheme.isalpha()
    return f"{scheme} {MASK}" if keeps_scheme else MASK
