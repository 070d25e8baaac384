"""Hide secrets (credential headers, URL user-info, token query parameters) before anything is reported."""

from __future__ import annotations

import re
from collections.abc import Mapping

REDACTED = "[REDACTED]"

# Headers that carry credentials by definition (RFC 9110 section 11, RFC 6265) or by common use.
_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "apikey"}
)
# Any other header or query parameter whose name contains one of these words is treated as a secret too.
_SECRET_WORDS = ("token", "secret", "password", "passwd", "api-key", "apikey", "api_key", "session", "auth")
_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@")
_QUERY_PAIR = re.compile(r"(?P<key>[?&;][^=&#\s]+)=(?P<value>[^&#\s]*)")


def is_secret_name(name: str) -> bool:
    """True for header or parameter names whose values must never be written."""
    lowered = name.lower()
    return lowered in _SECRET_HEADERS or any(word in lowered for word in _SECRET_WORDS)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of `headers` with secret values replaced."""
    return {name: REDACTED if is_secret_name(name) else value for name, value in headers.items()}


def redact_url(text: str) -> str:
    """Remove `user:password@` from URLs and the values of secret query parameters, anywhere in `text`."""
    text = _USERINFO.sub(rf"\g<scheme>{REDACTED}@", text)
    return _QUERY_PAIR.sub(_redact_pair, text)


def _redact_pair(match: re.Match[str]) -> str:
    key = match["key"]
    return f"{key}={REDACTED}" if is_secret_name(key[1:]) else match.group(0)
