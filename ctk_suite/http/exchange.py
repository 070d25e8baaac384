"""`Exchange`: one request and what came back, immutable; the record every layer above reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType


@dataclass(frozen=True)
class Exchange:
    """What was sent and what came back (or the transport error instead of a usable response)."""

    method: str
    url: str
    request_headers: Mapping[str, str]
    request_body: bytes | None
    status: int | None = None
    response_headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    body: bytes = b""
    elapsed_ms: float = 0.0
    error: str | None = None
    attempts: int = 1  # more than 1 only after connection errors on an idempotent request
    truncated: bool = False  # the body went past the size limit and was cut

    @property
    def size(self) -> int:
        """Bytes of response body received (what Newman sums as "data received")."""
        return len(self.body)

    @cached_property  # decoded once: body_includes_value searches it for every listed order
    def text(self) -> str:
        """The body as text: the declared charset, else UTF-8 (RFC 8259 section 8.1), BOM dropped."""
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
