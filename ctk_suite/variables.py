"""Variables captured from responses (IDPO01, ...) and the rendering of `{{VAR}}` templates."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from ctk_suite.scenario import PLACEHOLDER


class Variables:
    """Each variable is either a value or the reason it is unavailable, never a KeyError."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}
        self._reasons: dict[str, str] = {}

    def set(self, name: str, value: str) -> None:
        """Record a captured value."""
        self._values[name] = value
        self._reasons.pop(name, None)

    def unavailable(self, name: str, reason: str) -> None:
        """Record why `name` has no value (the producing request failed, was not run, ...)."""
        self._values.pop(name, None)
        self._reasons[name] = reason

    def get(self, name: str) -> str | None:
        """The value, or None when unavailable."""
        return self._values.get(name)

    def reason(self, name: str) -> str:
        """Why `name` is unavailable, prefixed by its name: `IDPO01 unavailable: ...`."""
        return f"{name} unavailable: {self._reasons.get(name, 'never captured')}"

    def missing(self, template: str) -> list[str]:
        """Variables of `template` that have no value, in order of appearance."""
        return [n for n in dict.fromkeys(PLACEHOLDER.findall(template)) if n not in self._values]

    def render(self, template: str, encode: Callable[[str], str] = str) -> str:
        """Substitute known variables (through `encode`); unknown placeholders stay as they are."""
        return PLACEHOLDER.sub(
            lambda m: encode(v) if (v := self._values.get(m[1])) is not None else m[0], template
        )


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
