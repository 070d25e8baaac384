"""One line per transport failure: what went wrong with which host, without a stack trace or a secret."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from ctk_suite.core.failures import printable
from ctk_suite.core.redaction import SecretRegistry, redact_text
from ctk_suite.http.auth import AuthError
from ctk_suite.http.body import BodyTooLarge
from ctk_suite.http.origin import OtherOriginRefused

__all__ = ["AUTH", "TRANSPORT", "BodyTooLarge", "Context", "describe"]

#: The prefix Allure's categories.json uses to tell transport errors from assertion failures.
TRANSPORT = "transport error"
AUTH = "auth error"
_MAX_CHARS = 300
_ERRNO = re.compile(r"\[Errno (?P<number>-?\d+)\] (?P<text>[^'\")\]]+)")
_SSL_REASON = re.compile(r"\[SSL[^\]]*\][^'\"()]*")
_REFUSED, _UNREACHABLE = {111, 61, 10061}, {113, 101, 65}
_DNS = {-2, -3, -5, 8, 11001}


@dataclass(frozen=True)
class Context:
    """What the message needs besides the exception."""

    url: str
    connect_s: float
    read_s: float
    max_redirects: int
    body_bytes: int = 0
    expected_bytes: int | None = None
    deadline_s: float | None = None  # set when the exchange's deadline passed


def describe(exc: BaseException, ctx: Context, registry: SecretRegistry | None = None) -> str:
    """`transport error: <what happened> (<host>)`, one line, secrets masked."""
    text = AUTH + ": " + str(exc) if isinstance(exc, AuthError) else f"{TRANSPORT}: {_what(exc, ctx)}"
    # printable: a bad status line or header comes back raw inside the exception (ESC, NUL...).
    return printable(redact_text(" ".join(text.split()), registry))[:_MAX_CHARS]


def _what(exc: BaseException, ctx: Context) -> str:
    host = urlsplit(ctx.url).netloc or ctx.url
    if ctx.deadline_s is not None:
        got = f"; {ctx.body_bytes} body bytes received" if ctx.body_bytes else ""
        return f"no complete response from {host} within {ctx.deadline_s:g} s (server too slow{got})"
    for kind, explain in _EXPLAINERS:
        if isinstance(exc, kind):
            return explain(exc, ctx, host)
    return f"{type(exc).__name__}: {_detail(exc)} ({host})"


def _tls(exc: BaseException, ctx: Context, host: str) -> str:
    reason = _SSL_REASON.search(str(exc))
    shown = reason[0].strip() if reason else _detail(exc)
    return f"TLS failure with {host}: {shown}"


def _connect_timeout(exc: BaseException, ctx: Context, host: str) -> str:
    return f"no connection to {host} within {ctx.connect_s:g} s (connect timeout)"


def _read_timeout(exc: BaseException, ctx: Context, host: str) -> str:
    return f"no answer from {host} within {ctx.read_s:g} s (read timeout)"


def _redirects(exc: BaseException, ctx: Context, host: str) -> str:
    return f"more than {ctx.max_redirects} redirects starting at {host} (redirect loop?)"


def _broken_body(exc: BaseException, ctx: Context, host: str) -> str:
    expected = f" of {ctx.expected_bytes}" if ctx.expected_bytes is not None else ""
    return f"connection to {host} broken after {ctx.body_bytes}{expected} body bytes ({_short(exc)})"


def _other_origin(exc: BaseException, ctx: Context, host: str) -> str:
    return str(exc)


def _connection(exc: BaseException, ctx: Context, host: str) -> str:
    errno = _ERRNO.search(str(exc))
    number = int(errno["number"]) if errno else None
    if "Read timed out" in str(exc):  # a read timeout in the middle of the body comes wrapped like this
        return _read_timeout(exc, ctx, host)
    if number in _REFUSED:
        return f"connection refused by {host} (nothing listens there)"
    if number in _DNS:
        return f"cannot resolve the host name of {host}"
    if number in _UNREACHABLE:
        return f"{host} is unreachable ({errno['text'].strip() if errno else ''})"
    if "RemoteDisconnected" in str(exc) or "Connection aborted" in str(exc):
        return f"{host} closed the connection without answering"
    return f"cannot reach {host}: {_detail(exc)}"


def _decoding(exc: BaseException, ctx: Context, host: str) -> str:
    return f"body from {host} cannot be decoded as its Content-Encoding says: {_short(exc)}"


def _too_large(exc: BaseException, ctx: Context, host: str) -> str:
    return f"body from {host} larger than {exc} bytes: stopped reading (truncated)"


_EXPLAINERS = (
    (requests.exceptions.SSLError, _tls),
    (requests.exceptions.ConnectTimeout, _connect_timeout),
    (requests.exceptions.ReadTimeout, _read_timeout),
    (requests.exceptions.TooManyRedirects, _redirects),
    (requests.exceptions.ChunkedEncodingError, _broken_body),
    (requests.exceptions.ContentDecodingError, _decoding),
    (BodyTooLarge, _too_large),
    (OtherOriginRefused, _other_origin),
    (requests.exceptions.ConnectionError, _connection),
)


def _short(exc: BaseException) -> str:
    """The innermost reason urllib3 wraps ("Connection broken: IncompleteRead(10 bytes read...)")."""
    text = " ".join(str(exc).split())
    match = re.search(r"(IncompleteRead\([^)]*\)|Connection reset by peer|InvalidChunkLength[^,)]*)", text)
    return match[0] if match else _detail(exc)


def _detail(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    errno = _ERRNO.search(text)
    detail = errno["text"].strip() if errno else text
    return detail[:160] or type(exc).__name__
