"""A bounded ring of journal entries, each one request as a client sent it, with its secrets masked.

Bounded three ways so a busy or hostile client cannot grow it: `size` entries (oldest dropped
first), the first `BODY_BYTES` of each body, the first `VALUE_CHARS` of each header value.
Recording only keeps references and short slices; the JSON (and the masking) is made when
`GET /_mock/requests` asks, so the journal costs the hot path little. Credentials never leave it:
Authorization keeps only its scheme (`Bearer ***`), cookies and API key headers become `***`.
The mock's own secrets (API token, API key, control token) are masked wherever else a client put
them: the query string (however percent-encoded), the path, any header, the body; a secret cut by a
bound leaves no prefix behind.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import count
from typing import Any
from urllib.parse import unquote, unquote_plus

from mock_server.domain.clock import timestamp

BODY_BYTES = 4096
VALUE_CHARS = 512
MASK = "***"
#: Always masked (lower case); the configured API key header is added to these.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key", "x-mock-token"})
#: A value ending in this many leading characters of a secret (a bound cut it) loses them too.
MIN_CUT_PREFIX = 4


#: One request as it arrived, and the status it got: (method, path, query, headers as received
#: (aiohttp's raw_headers: no copy), body (None when the mock never read it), status, POSIX time).
#: A plain tuple: one is built for every request, and a NamedTuple's `__new__` cost a third of `add`.
Sent = tuple[str, str, str, tuple[tuple[bytes, bytes], ...], bytes | None, int, float]


def _any_over(headers: tuple[tuple[bytes, bytes], ...], limit: int) -> bool:
    """Whether a header value is longer than `limit`: a loop over the few pairs a request has beat
    `max(map(len, chain.from_iterable(...)))` by four times. (Names are never cut.)"""
    for _, value in headers:  # noqa: SIM110 - any() over a generator is several times slower here
        if len(value) > limit:
            return True
    return False


class RequestJournal:
    def __init__(self, size: int, api_key_header: str, secrets: Iterable[str | None] = ()) -> None:
        self._sent: deque[tuple[int, Sent, bool]] = deque(maxlen=size or 1)
        self.enabled = size > 0
        self.masking = Masking(api_key_header, secrets)
        self._ids = count(1)

    def add(self, sent: Sent) -> None:
        """Keep `sent`, its body and header values cut to their bounds (copied only when too long)."""
        method, path, query, headers, body, status, at = sent
        cut = body is not None and len(body) > BODY_BYTES
        long_headers = _any_over(headers, VALUE_CHARS)
        if cut or long_headers:
            if long_headers:
                headers = tuple((name, value[:VALUE_CHARS]) for name, value in headers)
            body = body[:BODY_BYTES] if body is not None else None
            sent = (method, path, query, headers, body, status, at)
        self._sent.append((next(self._ids), sent, cut))

    def entries(self, method: str | None = None, path: str | None = None) -> list[dict[str, Any]]:
        """Oldest first, as JSON-ready dicts; only those with this method and path when given."""
        return [
            self._entry(number, sent, cut)
            for number, sent, cut in self._sent
            if (method is None or sent[0] == method.upper()) and (path is None or sent[1] == path)
        ]

    def clear(self) -> None:
        self._sent.clear()

    def _entry(self, number: int, sent: Sent, cut: bool) -> dict[str, Any]:
        method, path, query, headers, body, status, at = sent
        return {
            "id": number,
            "loggedDate": timestamp(datetime.fromtimestamp(at, UTC)),
            "method": method,
            "path": self.masking.text(path),
            "query": self.masking.query(query),
            "headers": self._masked(headers),
            "body": None if body is None else self._body(body, cut),
            "bodyTruncated": cut,
            "status": status,
        }

    def _body(self, body: bytes, cut: bool) -> str:
        return self.masking.text(body.decode("utf-8", "replace"), cut)

    def _masked(self, headers: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
        """Header bytes decoded as aiohttp does (UTF-8, undecodable bytes replaced), secrets masked."""
        shown: dict[str, str] = {}
        for raw_name, raw_value in headers:
            name = raw_name.decode("utf-8", "replace")
            value = raw_value.decode("utf-8", "replace")
            text = self.masking.header(name, value, len(raw_value) >= VALUE_CHARS)
            shown[name] = f"{shown[name]}, {text}" if name in shown else text
        return shown


class Masking:
    """How a request's parts leave the mock, in the journal and in the access log alike: credential
    headers masked (an Authorization keeps its scheme), and the mock's own secrets (`secrets`) masked
    wherever else a client put them (query, path, any header, body)."""

    def __init__(self, api_key_header: str, secrets: Iterable[str | None] = ()) -> None:
        self.secret = secret_headers(api_key_header)
        self.values = known_forms(secrets)

    def header(self, name: str, value: str, cut: bool = False) -> str:
        """`value` of header `name` as shown: a listed header masked, any other with own secrets masked."""
        return masked(name, self.text(value, cut), self.secret)

    def carries_secret(self, name: str, value: str) -> bool:
        """The header is a listed credential header, or carries one of the mock's own secrets."""
        return name.lower() in self.secret or any(secret in value for secret in self.values)

    def query(self, query: str) -> str:
        """The query with secrets masked however each parameter percent-encodes them (shown decoded
        where one was found: the encodings of one token are too many to list)."""
        if not self.values or not query:
            return query
        parts = query.split("&")
        for index, part in enumerate(parts):
            # aiohttp's query_string is yarl's decoding: an unencoded `+` is already a space there
            for decoded in (part, unquote(part), unquote_plus(part), unquote(part).replace(" ", "+")):
                if any(value in decoded for value in self.values):
                    parts[index] = self.text(decoded)
                    break
        return "&".join(parts)

    def text(self, text: str, cut: bool = False) -> str:
        """`text` with the mock's own secrets masked; when it was `cut`, a trailing secret prefix too."""
        for value in self.values:
            if value in text:
                text = text.replace(value, MASK)
            if cut:
                text = _without_cut_prefix(text, value)
        return text


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


def known_forms(secrets: Iterable[str | None]) -> tuple[str, ...]:
    """The secrets that are set, longest first (one inside another is masked whole)."""
    return tuple(sorted({value for value in secrets if value}, key=len, reverse=True))


def _without_cut_prefix(text: str, value: str) -> str:
    """`text` without a trailing start of `value` (at least MIN_CUT_PREFIX characters long)."""
    for length in range(min(len(value) - 1, len(text)), MIN_CUT_PREFIX - 1, -1):
        if text.endswith(value[:length]):
            return f"{text[:-length]}{MASK}"
    return text
