"""Variables captured from responses (IDPO01, ...) and the rendering of `{{VAR}}` templates."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from ctk_suite.failures import ABSENT
from ctk_suite.scenario import PLACEHOLDER


class Variables:
    """Each variable is either a value or the reason it is unavailable, never a KeyError."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}
        self._reasons: dict[str, str] = {}
        self._kept: dict[str, Any] = {}
        self._default_reason = "never captured"

    def set(self, name: str, value: str) -> None:
        """Record a captured value."""
        self._values[name] = value
        self._reasons.pop(name, None)

    def unavailable(self, name: str, reason: str) -> None:
        """Record why `name` has no value (the producing request failed, was not run, ...)."""
        self._values.pop(name, None)
        self._reasons[name] = reason

    def keep(self, name: str, value: Any) -> None:
        """Record a captured JSON value as it came (`Cypress.env(key, value)` keeps any value), and its
        JavaScript string form for templates (`String(value)`, as `String.prototype.replace` does)."""
        self._kept[name] = value
        self.set(name, js_string(value))

    def kept(self, name: str) -> Any:
        """The JSON value kept under `name`, or ABSENT (JavaScript's `undefined`)."""
        return self._kept.get(name, ABSENT)

    def kept_document(self) -> dict[str, Any]:
        """Every kept value under its name: the response a capture-all request kept, as one object."""
        return dict(self._kept)

    def otherwise(self, reason: str) -> None:
        """Why a variable nobody declared is unavailable (after a request that captures every attribute)."""
        self._default_reason = reason

    def get(self, name: str) -> str | None:
        """The value, or None when unavailable."""
        return self._values.get(name)

    def reason(self, name: str) -> str:
        """Why `name` is unavailable, prefixed by its name: `IDPO01 unavailable: ...`."""
        return f"{name} unavailable: {self._reasons.get(name, self._default_reason)}"

    def missing(self, template: str) -> list[str]:
        """Variables of `template` that have no value, in order of appearance."""
        return [n for n in dict.fromkeys(PLACEHOLDER.findall(template)) if n not in self._values]

    def render(self, template: str, encode: Callable[[str], str] = str, missing: str | None = None) -> str:
        """Substitute known variables (through `encode`); unknown placeholders stay as they are, or become
        `missing` when it is given (the v5 kit's `String(undefined)`)."""

        def value(found: re.Match[str]) -> str:
            known = self._values.get(found[1])
            if known is not None:
                return encode(known)
            return found[0] if missing is None else missing

        return PLACEHOLDER.sub(value, template)


def js_string(value: Any) -> str:
    """JavaScript's `String(value)` for a JSON value: what a template substitution of it sends."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))  # JavaScript has one number type: 5.0 prints as 5
    if isinstance(value, list):
        return ",".join("" if item is None else js_string(item) for item in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def url_encode(value: str) -> str:
    """Percent-encode a substituted value for a URL path segment or query value (RFC 3986 section 2.1).

    Stricter than Postman (which sends most characters raw): a `+` in an orderDate offset would
    otherwise reach the server as a space. A lone surrogate (JSON allows "\\ud800" in a captured id) is
    sent as the three bytes it would take in UTF-8: there is no valid encoding of it to send.
    """
    return quote(value, safe=":", errors="surrogatepass")


def apply_quote(template: str, variables: tuple[str, ...], quote_char: str) -> str:
    """Wrap the placeholders of `variables` in `quote_char` (the `?orderDate='...'` variant)."""
    for name in variables:
        template = template.replace(f"{{{{{name}}}}}", f"{quote_char}{{{{{name}}}}}{quote_char}")
    return template
