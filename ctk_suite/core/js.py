"""JavaScript's value semantics on JSON values, written once: what the official kits' scripts compute.

The official kits are JavaScript (Postman test scripts, Cypress specs). To predict their verdicts, and to
render values as they print them, the suite needs a few of the language's rules on parsed JSON values:
`undefined`, member access, `String(v)` (ECMA-262 ToString), `==` (IsLooselyEqual), chai's type names and
chai's `equal` / `deep.equal`. Our strict checks use the same `member` and `UNDEFINED`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Final


class _Undefined:
    """JavaScript's `undefined`: a member the value does not have (distinct from JSON null)."""

    def __repr__(self) -> str:
        return "undefined"


#: The one "not there" value of the suite: a missing attribute, a global never set.
UNDEFINED: Final[Any] = _Undefined()

#: chai's `to.be.a(name)` for the JSON types (chai's type of null is "null", of an array "array").
JS_TYPES: Mapping[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
}


def member(value: Any, name: str) -> Any:
    """`value[name]`: an object's member, a string's `length`; anything else is undefined."""
    if isinstance(value, dict):
        return value.get(name, UNDEFINED)
    if isinstance(value, str) and name == "length":
        return len(value)
    return UNDEFINED


_CONSTANTS = {id(UNDEFINED): "undefined", id(None): "null", id(True): "true", id(False): "false"}


def js_string(value: Any) -> str:
    """`String(value)` (ECMA-262 ToString) for the JSON values a response holds, and undefined."""
    if id(value) in _CONSTANTS:
        return _CONSTANTS[id(value)]
    if isinstance(value, int | float):
        return _number_string(_float(value)) if isinstance(value, float) or abs(value) >= 1e21 else str(value)
    if isinstance(value, list):
        return ",".join(_leaves(value))
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


_END = object()


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


def _float(number: float) -> float:
    """The JavaScript number of a JSON number: an integer past the largest double is Infinity."""
    try:
        return float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf


def _number_string(number: float) -> str:
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
    """`left == right` (ECMA-262 IsLooselyEqual) for JSON values and undefined."""
    nullish = (None, UNDEFINED)
    if left in nullish or right in nullish:
        return left in nullish and right in nullish
    if isinstance(left, list | dict) or isinstance(right, list | dict):
        if isinstance(left, list | dict) and isinstance(right, list | dict):
            return left is right  # two objects: equal only when they are one object
        left, right = _primitive(left), _primitive(right)
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    return _to_number(left) == _to_number(right)


def _primitive(value: Any) -> Any:
    return js_string(value) if isinstance(value, list | dict) else value


_PYTHON_ONLY = frozenset({"inf", "infinity", "nan"})


def _to_number(value: Any) -> float:
    """ToNumber for strings, booleans and numbers; NaN (never equal) when a string is not a number."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return _float(value)
    text = str(value).strip()
    if not text:
        return 0.0
    if "_" in text or (text.lstrip("+-").lower() in _PYTHON_ONLY and text.lstrip("+-") != "Infinity"):
        return math.nan  # Python's float() reads `1_0`, `inf` and `nan`; JavaScript's Number() does not
    try:
        return float(int(text, 0)) if text.lower().startswith(("0x", "0o", "0b")) else float(text)
    except ValueError:
        return math.nan


def json_equal(left: Any, right: Any) -> bool:
    """chai's `equal` for primitives and `deep.equal` for objects, on JSON values: numbers compare by
    value (1 and 1.0 are one JavaScript number), a boolean is never a number, undefined only equals
    undefined."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and bool(left == right)
    if isinstance(left, int | float) and isinstance(right, int | float):
        return bool(left == right)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(json_equal(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(json_equal(left[k], right[k]) for k in left)
    return type(left) is type(right) and bool(left == right)
