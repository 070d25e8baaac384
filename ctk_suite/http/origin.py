"""The origin rule: credentials are sent only to the origin (RFC 6454) they were configured for.

`ProfileSession` (transport.py) applies it to every request and every redirect; a breach is
`OtherOriginRefused`, which errors.py explains in one line (docs/verdicts-and-credentials.md).
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlsplit

import requests

_DEFAULT_PORTS = {"http": 80, "https": 443}


class Origin(NamedTuple):
    """RFC 6454 origin: scheme, host and port (the default port of the scheme when none is written)."""

    scheme: str
    host: str
    port: int | None

    def __str__(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"


def origin_of(url: str) -> Origin:
    """The origin of `url` as `requests` would send it (host lower-cased and IDNA-encoded)."""
    try:
        prepared = requests.Request("GET", url).prepare().url or url
    except requests.RequestException:  # not a URL requests can send: compare it as written
        prepared = url
    parts = urlsplit(prepared)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: no origin matches it
        port = -1
    return Origin(scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme))


class OtherOriginRefused(requests.RequestException):
    """A redirect (or a request) to an origin the session's credentials were not configured for.

    Not followed, whatever the status (301, 302, 303, 307, 308): the exchange fails and names the target.
    """

    def __init__(self, target: str, allowed: Origin, status: int | None = None) -> None:
        what = f"HTTP {status} redirect to" if status is not None else "request to"
        super().__init__(
            f"{what} another origin refused: {target} (the credentials are only sent to {allowed})"
        )


def require_origin(url: str, allowed: Origin, status: int | None = None) -> None:
    """Nothing when `url` is of the origin `allowed`; else OtherOriginRefused (`status`: of a redirect)."""
    if origin_of(url) != allowed:
        raise OtherOriginRefused(url, allowed, status)
