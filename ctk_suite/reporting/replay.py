"""A failed request as a `curl` command line a person can paste: shell-quoted, secrets masked as `***`."""

from __future__ import annotations

import shlex

from ctk_suite.core.redaction import SecretRegistry, redact_body, redact_headers, redact_url
from ctk_suite.engine.records import UnitResult
from ctk_suite.http.client import Exchange

#: Headers `requests` adds that curl sets itself from the line (length, connection, host).
_TRANSPORT_HEADERS = frozenset({"content-length", "connection", "host", "transfer-encoding"})


def curl_command(exchange: Exchange, registry: SecretRegistry | None = None) -> str:
    """`curl -i -X POST 'https://.../productOrder' -H 'Content-Type: application/json' --data-raw '{...}'`:
    the request as it went out (auth headers included, masked), one line."""
    words = ["curl", "-i", "-X", exchange.method, redact_url(exchange.url, registry)]
    for name, value in redact_headers(exchange.request_headers, registry).items():
        if name.lower() not in _TRANSPORT_HEADERS:
            words += ["-H", f"{name}: {value}"]
    if exchange.request_body:
        words += ["--data-raw", redact_body(exchange.request_body, registry)]
    return shlex.join(words)


def reproduce(result: UnitResult, registry: SecretRegistry | None = None) -> str | None:
    """The curl line of a failed request (an assertion failed, or no usable answer); None otherwise."""
    failed = bool(result.failed) or result.error is not None
    return curl_command(result.exchange, registry) if failed and result.exchange is not None else None
