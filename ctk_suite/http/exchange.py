"""`Exchange`: one request and what came back, immutable; the record every layer above reads.

A run keeps its exchanges until the reports are written: a large body stays in a temporary file
(`StoredBody`) and its text is decoded for the few readers in a row that ask (issue 17).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ctk_suite.core.recent import Recent
from ctk_suite.http.body import StoredBody

#: The texts last decoded: a check reads one body many times in a row (the official kit searches it once
#: per listed order), never all of a run's bodies at once, which the exchanges would hold for the run.
_TEXTS: Recent[str] = Recent(2)


@dataclass(frozen=True)
class Exchange:
    """What was sent and what came back (or the transport error instead of a usable response)."""

    method: str
    url: str
    request_headers: Mapping[str, str]
    request_body: bytes | None
    status: int | None = None
    response_headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: The response body: bytes, or a large one kept in a file (read back as `body`).
    kept: bytes | StoredBody = field(default=b"", repr=False)
    elapsed_ms: float = 0.0
    error: str | None = None
    attempts: int = 1  # more than 1 only after connection errors on an idempotent request
    #: The body went past the size limit and was cut: `kept` holds an excerpt of its first bytes.
    truncated: bool = False
    #: Bytes of body received, when more than `kept` holds (a cut body).
    received: int | None = None

    @property
    def body(self) -> bytes:
        """The response body (the excerpt of a cut one)."""
        return self.kept.read() if isinstance(self.kept, StoredBody) else self.kept

    @property
    def size(self) -> int:
        """Bytes of response body received (what Newman sums as "data received")."""
        if self.received is not None:
            return self.received
        return self.kept.size if isinstance(self.kept, StoredBody) else len(self.kept)

    @property
    def text(self) -> str:
        """The body as text: the declared charset, else UTF-8 (RFC 8259 section 8.1), BOM dropped."""
        return _TEXTS.get(self, self._decoded)  # decoded once for the readers in a row

    def _decoded(self) -> str:
        return self.body.decode(self._charset(), errors="replace").removeprefix("\ufeff")

    def strict_text(self) -> str:
        """The body as text; UnicodeDecodeError when it is not valid in its charset (a JSON body must be)."""
        return self.body.decode(self._charset()).removeprefix("\ufeff")

    def header(self, name: str) -> str | None:
        """A response header, by case-insensitive name (RFC 9110 section 5.1)."""
        return next((v for k, v in self.response_headers.items() if k.lower() == name.lower()), None)

    def _charset(self) -> str:
        for part in (self.header("Content-Type") or "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip("\"'")
                return charset if _text_codec(charset) else "utf-8"
        return "utf-8"


def _text_codec(name: str) -> bool:
    """A codec from bytes to text that can replace what it cannot decode (not base64, idna, undefined...)."""
    try:
        b"\xff".decode(name, "replace")
    except (LookupError, ValueError):  # ValueError: UnicodeError, or a NUL or a lone surrogate in the name
        return False
    return True
