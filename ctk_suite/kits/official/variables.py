"""Variables captured from responses (IDPO01, ...), kept as the official kit's globals hold them.

The official scripts store `instance['id']` with `pm.globals.set` whatever it is, and later requests read
it back: a global never set stays `{{IDPO01}}` in the URL and reads as `undefined`; one set from a missing
attribute reads as `null` and is an empty string in the URL (`?orderDate=`); a number is its decimal
string. Our strict checks use only a captured non-empty string; the rest is the reason it is unusable.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from ctk_suite.core.failures import ABSENT
from ctk_suite.kits.official.scenario import PLACEHOLDER


class _Undefined:
    """JavaScript's `undefined`: an attribute the response does not have."""

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED: Any = _Undefined()


class Variables:
    """Each variable is a value (any JSON value, or UNDEFINED), or unset with the reason; never a KeyError."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}
        self._reasons: dict[str, str] = {}
        self._kept: dict[str, Any] = {}
        self._default_reason = "never captured"

    def set(self, name: str, value: Any, reason: str | None = None) -> None:
        """Record a captured value, as `pm.globals.set` does; `reason` says why it is unusable to us."""
        self._values[name] = value
        if usable(value):
            self._reasons.pop(name, None)
        else:
            self._reasons[name] = reason or f"captured value {js_string(value)!r} is not a non-empty string"

    def unavailable(self, name: str, reason: str) -> None:
        """Record that `name` was never set (the producing request failed, was not run, ...)."""
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
        """The value our strict checks use: a captured non-empty string, else None."""
        value = self._values.get(name)
        return value if usable(value) else None

    def official(self, name: str) -> Any:
        """What `pm.globals.get(name)` returns: UNDEFINED when never set, None (null) when set from a
        missing attribute (the globals' store keeps no `undefined`), else the value."""
        if name not in self._values:
            return UNDEFINED
        value = self._values[name]
        return None if value is UNDEFINED else value

    def reason(self, name: str) -> str:
        """Why `name` is unusable, prefixed by its name: `IDPO01 unavailable: ...`."""
        return f"{name} unavailable: {self._reasons.get(name, self._default_reason)}"

    def missing(self, template: str) -> list[str]:
        """Variables of `template` never set, in order of appearance."""
        return [n for n in dict.fromkeys(PLACEHOLDER.findall(template)) if n not in self._values]

    def render_name(self, template: str) -> str:
        """An assertion name as the official script builds it: `'href is ' + pm.globals.get(...)`."""
        return PLACEHOLDER.sub(lambda m: js_string(self.official(m[1])), template)

    def render(self, template: str, encode: Callable[[str], str] = str, missing: str | None = None) -> str:
        """Substitute the variables set (their JavaScript string, through `encode`); the others stay as
        they are, or become `missing` when it is given (the v5 kit's `String(undefined)`)."""

        def value(found: re.Match[str]) -> str:
            if found[1] in self._values:
                return encode(js_string(self._values[found[1]]))
            return found[0] if missing is None else missing

        return PLACEHOLDER.sub(value, template)

    def render_url(self, template: str, encode: Callable[[str], str]) -> str:
        """A request path as Postman resolves it: an unset variable stays `{{NAME}}`, a null one is empty,
        any other value is its JavaScript string (through `encode`)."""

        def value(match: Any) -> str:
            if match[1] not in self._values:
                return str(match[0])
            found = self.official(match[1])
            return "" if found is None else encode(js_string(found))

        return PLACEHOLDER.sub(value, template)


def usable(value: Any) -> bool:
    """A value our strict checks compare with: a non-empty string."""
    return isinstance(value, str) and bool(value)


_JS_CONSTANTS = {id(UNDEFINED): "undefined", id(None): "null", id(True): "true", id(False): "false"}


def js_string(value: Any) -> str:
    """`String(value)` in JavaScript, for the JSON values a response holds (ECMA-262 ToString)."""
    if id(value) in _JS_CONSTANTS:
        return _JS_CONSTANTS[id(value)]
    if isinstance(value, int | float):
        return _js_number(_float(value)) if isinstance(value, float) or abs(value) >= 1e21 else str(value)
    if isinstance(value, list):
        return ",".join(_leaves(value))
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def _leaves(items: list[Any]) -> list[str]:
    """`Array.prototype.join` applied all the way down, without recursion (a body may nest past the
    stack): a non-empty array stands for its elements, an empty one, null or undefined for ""."""
    out: list[str] = []
    stack = [iter(items)]
    while stack:
        item = next(stack[-1], _END)
        if item is _END:
            stack.pop()
        elif isinstance(item, list) and item:
            stack.append(iter(item))
        else:
            out.append("" if item is None or item is UNDEFINED or item == [] else js_string(item))
    return out


_END = object()


def _float(number: float) -> float:
    """The JavaScript number of a JSON number: an integer past the largest double is Infinity."""
    try:
        return float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf


def _js_number(number: float) -> str:
    """Number::toString: integers without `.0`, exponents from 1e21 up and below 1e-6 as `1e+21`."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number.is_integer() and abs(number) < 1e21:
        return str(int(number))
    text = repr(number)
    if "e" not in text:
        return text
    mantissa, _, exponent = text.partition("e")
    return f"{mantissa.removesuffix('.0')}e{'+' if int(exponent) > 0 else '-'}{abs(int(exponent))}"


def js_loose_equal(left: Any, right: Any) -> bool:
    """`left == right` in JavaScript (ECMA-262 IsLooselyEqual) for JSON values and UNDEFINED."""
    nullish = (None, UNDEFINED)
    if left in nullish or right in nullish:
        return left in nullish and right in nullish
    if isinstance(left, list | dict) or isinstance(right, list | dict):
        if isinstance(left, list | dict) and isinstance(right, list | dict):
            return left is right  # two objects: equal only when they are one object
        left, right = _primitive(left), _primitive(right)
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    return _js_to_number(left) == _js_to_number(right)


def _primitive(value: Any) -> Any:
    return js_string(value) if isinstance(value, list | dict) else value


def _js_to_number(value: Any) -> float:
    """ToNumber for strings, booleans and numbers; NaN (never equal) when a string is not a number."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return _float(value)
    text = str(value).strip()
    if not text:
        return 0.0
    try:
        return float(int(text, 0)) if text.lower().startswith(("0x", "0o", "0b")) else float(text)
    except ValueError:
        return math.nan


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
