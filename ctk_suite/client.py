"""Send one HTTP request and record it as an immutable `Exchange`; never asserts, never raises."""

from __future__ import annotations

import codecs
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from urllib.parse import urlsplit

import requests

from ctk_suite.redact import redact_url

_MAX_ERROR_CHARS = 300
_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\")]+")


@dataclass(frozen=True)
class Exchange:
    """What was sent and what came back (or the transport error instead of a response)."""

    method: str
    url: str
    request_headers: Mapping[str, str]
    request_body: bytes | None
    status: int | None = None
    response_headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    body: bytes = b""
    elapsed_ms: float = 0.0
    error: str | None = None

    @property
    def size(self) -> int:
        """Bytes of response body received (what Newman sums as "data received")."""
        return len(self.body)

    @cached_property  # decoded once: body_includes_value searches it for every listed order
    def text(self) -> str:
        """The body as text: the declared charset, else UTF-8 (RFC 8259 section 8.1), BOM dropped."""
        return self.body.decode(self._charset(), errors="replace").removeprefix("\ufeff")

    def _charset(self) -> str:
        content_type = next((v for k, v in self.response_headers.items() if k.lower() == "content-type"), "")
        for part in content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip("\"'")
                return charset if _known_codec(charset) else "utf-8"
        return "utf-8"


def _known_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


class HttpClient:
    """A `requests` session with a fixed timeout; one instance per CTK run."""

    def __init__(self, timeout_s: float) -> None:
        self._timeout_s = timeout_s
        self._session = requests.Session()

    def send(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None = None) -> Exchange:
        """Perform the request; a transport failure becomes `Exchange.error`, never an exception."""
        sent = Exchange(method, url, MappingProxyType(dict(headers)), body)
        started = time.perf_counter()
        try:
            response = self._session.request(
                method, url, headers=dict(headers), data=body, timeout=self._timeout_s
            )
            content = response.content
        except (requests.RequestException, ValueError, OSError) as exc:
            return _with_error(sent, exc, _ms_since(started))
        return Exchange(
            method=method,
            url=url,
            request_headers=sent.request_headers,
            request_body=body,
            status=response.status_code,
            response_headers=MappingProxyType(dict(response.headers)),
            body=content,
            elapsed_ms=_ms_since(started),
        )

    def close(self) -> None:
        """Release pooled connections."""
        self._session.close()


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _with_error(sent: Exchange, exc: BaseException, elapsed_ms: float) -> Exchange:
    return Exchange(
        sent.method,
        sent.url,
        sent.request_headers,
        sent.request_body,
        elapsed_ms=elapsed_ms,
        error=describe_error(exc, sent.url),
    )


def describe_error(exc: BaseException, url: str) -> str:
    """One short line naming the transport failure (the OS reason when there is one), no credentials.

    urllib3 wraps the cause in several layers ("Max retries exceeded ... (Caused by ...)"); the
    `[Errno N] reason` inside is what a person needs.
    """
    kind = "timeout" if isinstance(exc, requests.Timeout) else type(exc).__name__
    text = " ".join(str(exc).split())
    errno = _ERRNO.search(text)
    detail = f"{errno[0]} ({urlsplit(url).netloc})" if errno else text
    return redact_url(f"{kind}: {detail}")[:_MAX_ERROR_CHARS]
