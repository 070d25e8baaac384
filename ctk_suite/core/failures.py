"""Failures as values, and the one formatter that turns them into readable reasons."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

#: How many instance failures one reason lists before summarising the rest.
MAX_LISTED = 5
_MAX_VALUE_CHARS = 200  # long enough for a full href, so two hrefs can be compared
#: One rendered failure is at most this long, whatever the server sent (a JSON path through huge keys...).
MAX_LINE_CHARS = 600
#: What a one-line text for a terminal, an XML report or a UTF-8 file cannot hold: C0 and C1 controls
#: (line breaks, ESC), Unicode line and paragraph separators, lone surrogates (JSON allows "\ud800")
#: and the non-characters U+FFFE and U+FFFF (not XML 1.0 characters).
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


class _Absent:
    """Marker for an attribute that is not there at all (distinct from JSON null)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()


class Kind(StrEnum):
    """Why an assertion failed (or was not run); the order is the Allure categories' order."""

    TRANSPORT = "transport"  # no usable response: refused, reset, timeout, TLS, redirect loop
    AUTH = "auth"  # the token endpoint or the credentials were refused
    PRECONDITION = "precondition-not-met"  # a request or value it depends on is unavailable
    BODY = "body"  # the response body is not JSON
    STATUS = "status"  # the status code is not the expected one
    SCHEMA = "schema"  # the body does not match the TMF622 schema
    ASSERTION = "assertion"  # any other expectation of the kit
    INTERNAL = "internal"  # a check of ours crashed: never the server's fault, never a pass


@dataclass(frozen=True)
class Failure:
    """Why one assertion failed: what was expected and seen where, or a plain note.

    `where` is a JSON path into the response (`$[2].href`), `request` is `METHOD url`.
    A `note` (transport error, body not JSON, missing variable) replaces expected/seen.
    """

    request: str
    where: str = "$"
    expected: str = ""
    seen: str = ""
    note: str | None = None
    kind: Kind = Kind.ASSERTION


def render(failure: Failure) -> str:
    """One printable line: `$.href: expected a string, seen null`, or the note."""
    if failure.note is not None:
        line = failure.note
    else:
        line = f"{clip(failure.where)}: expected {failure.expected}, seen {failure.seen}"
    return clip(printable(line), MAX_LINE_CHARS)


def render_all(failures: tuple[Failure, ...]) -> str:
    """All failures of one assertion on one line, at most MAX_LISTED of them spelled out."""
    lines = [render(f) for f in failures[:MAX_LISTED]]
    hidden = len(failures) - MAX_LISTED
    if hidden > 0:
        lines.append(f"... and {hidden} more")
    return "; ".join(lines)


_TYPE_NAMES: tuple[tuple[type, str], ...] = (
    (bool, "a boolean"),  # before int: a bool is an int in Python, not in JSON
    (int, "a number"),
    (float, "a number"),
    (str, "a string"),
    (list, "an array"),
    (dict, "an object"),
)


def type_name(value: Any) -> str:
    """The JSON type of `value` with its article, as a person would say it."""
    if value is ABSENT:
        return "nothing (attribute absent)"
    if value is None:
        return "null"
    return next((name for kind, name in _TYPE_NAMES if isinstance(value, kind)), type(value).__name__)


def describe(value: Any) -> str:
    """A short rendering of a seen value: its type, and the value itself when it is small."""
    if value is ABSENT or value is None:
        return type_name(value)
    if isinstance(value, list):
        return f"an array of {len(value)} item{'' if len(value) == 1 else 's'}" if value else "an empty array"
    if isinstance(value, dict):
        return f"an object with keys {clip(', '.join(value)) or '(none)'}"
    return f"{type_name(value)} {clip(json.dumps(value, ensure_ascii=False))}"


def clip(text: str, limit: int = _MAX_VALUE_CHARS) -> str:
    """`text` cut to `limit` characters, marked when cut."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def printable(text: str) -> str:
    """`text` with each unprintable character written as its escape (`\\x1b`, `\\ud800`): one safe line."""
    return _UNPRINTABLE.sub(lambda found: found[0].encode("unicode_escape").decode("ascii"), text)
