"""A bounded ring of journal entries, each one request as a client sent it, with its secrets masked.

Bounded three ways so a busy or hostile client cannot grow it: `size` entries (oldest dropped
first), the first `BODY_BYTES` of each body, the first `VALUE_CHARS` of each header value.
Credentials never enter it: Authorization keeps only its scheme (`Bearer ***`), cookies and API
key headers become `***`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import count
from typing import Any

BODY_BYTES = 4096
VALUE_CHARS = 512
MASK = "***"
#: Always masked (lower case); the configured API key header is added to these.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key", "x-mock-token"})


@dataclass(frozen=True, slots=True)
class Sent:
    """One request as it arrived (before any check), and the status it got."""

    method: str
    path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    status: int
    logged: str


class RequestJournal:
    def __init__(self, size: int, api_key_header: str) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=size or 1)
        self.enabled = size > 0
        self._secret = SECRET_HEADERS | {api_key_header.lower()}
        self._ids = count(1)

    def add(self, sent: Sent) -> None:
        self._entries.append(
            {
                "id": next(self._ids),
                "loggedDate": sent.logged,
                "method": sent.method,
                "path": sent.path,
                "query": sent.query,
                "headers": self._masked(sent.headers),
                **_body(sent.body),
                "status": sent.status,
            }
        )

    def entries(self) -> list[dict[str, Any]]:
        """Oldest first."""
        return list(self._entries)

    def clear(self) -> None:
        self._entries.clear()

    def _masked(self, headers: Iterable[tuple[str, str]]) -> dict[str, str]:
        shown: dict[str, str] = {}
        for name, value in headers:
            text = self._mask(name, value)[:VALUE_CHARS]
            shown[name] = f"{shown[name]}, {text}" if name in shown else text
        return shown

    def _mask(self, name: str, value: str) -> str:
        lowered = name.lower()
        if lowered not in self._secret:
            return value
        scheme, _, rest = value.strip().partition(" ")
        keeps_scheme = lowered.endswith("authorization") and rest and scheme.isalpha()
        return f"{scheme} {MASK}" if keeps_scheme else MASK


def _body(raw: bytes | None) -> dict[str, Any]:
    """`body` as text (bytes that are not UTF-8 replaced), `null` when the mock never read it."""
    if raw is None:
        return {"body": None, "bodyTruncated": False}
    return {"body": raw[:BODY_BYTES].decode("utf-8", "replace"), "bodyTruncated": len(raw) > BODY_BYTES}
