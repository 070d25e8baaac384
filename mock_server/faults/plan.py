"""Fault plans: the YAML rules file and the `X-Mock-Fault` header, parsed into frozen, checked rules.

A faults file (every key but `route` optional; one of latency_ms, status, drop, malformed needed;
the paths are any API's, here an `orders` collection and its `cancellations`):

    seed: 622                      # seeds the random draws (probability, latency ranges)
    rules:
      - route: POST /orders        # METHOD PATH or PATH (any method); PATH relative to the base path
        probability: 0.2           # 0..1, default 1
        latency_ms: [100, 400]     # or 250, or "100-400"; waited before the outcome below
        status: 503                # answer this error status with a TMF Error, without processing
        retry_after: 2             # seconds in Retry-After (429 and 503 only; default 1 for them)
        times: 2                   # only the first 2 matching requests; later ones succeed
      - route: GET /orders/*       # `*` is one path segment, a final `**` any number of them
        drop: true                 # close the connection without answering
      - route: /cancellations
        malformed: truncated       # or non-json: process the request, then corrupt the answer's body

The header holds the same faults for one request: `status=503`, `retry-after=2`, `latency=200`
(or `100-400`), `drop`, `malformed` (or `malformed=non-json`), several joined by commas.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from http import HTTPStatus
from typing import Any, Literal

import yaml

Malformed = Literal["truncated", "non-json"]
MALFORMED_KINDS: tuple[Malformed, ...] = ("truncated", "non-json")
#: Longer waits would only hang a client's test run; a minute covers any client timeout worth testing.
MAX_LATENCY_MS = 60_000
#: Statuses whose answer tells the client when to come back (RFC 9110 10.2.3, RFC 6585 4).
RETRY_STATUSES = frozenset({429, 503})
DEFAULT_RETRY_AFTER_S = 1
MAX_RETRY_AFTER_S = 3600
RULE_KEYS = ("route", "probability", "latency_ms", "status", "retry_after", "drop", "malformed", "times")
FILE_KEYS = ("seed", "rules")
_LATENCY = re.compile(r"^\s*(\d{1,9})\s*(?:-\s*(\d{1,9})\s*)?$")
_METHOD = re.compile(r"^(\*|[A-Za-z]+)$")
HEADER_SYNTAX = "status=NNN, latency=MS or MS-MS, drop, malformed or malformed=non-json, retry-after=S"


class FaultSpecError(ValueError):
    """A fault rule or header that cannot be used; the message names the place and the fix."""


@dataclass(frozen=True, slots=True)
class Fault:
    """What to do to one request: an optional wait, then at most one outcome."""

    latency_ms: tuple[int, int] | None = None
    status: int | None = None
    drop: bool = False
    malformed: Malformed | None = None
    retry_after_s: int | None = None

    def __post_init__(self) -> None:
        outcomes = [self.status is not None, self.drop, self.malformed is not None]
        if sum(outcomes) > 1:
            raise FaultSpecError("choose one of status, drop and malformed, not several")
        if not any(outcomes) and self.latency_ms is None:
            raise FaultSpecError("no fault given; use latency_ms, status, drop or malformed")
        if self.retry_after_s is not None and self.status not in RETRY_STATUSES:
            raise FaultSpecError("retry_after goes with status 429 or 503 only")

    @property
    def retry_after(self) -> str | None:
        """The Retry-After value of a forced 429 or 503 (a client's back-off is what is tested)."""
        if self.status not in RETRY_STATUSES:
            return None
        return str(DEFAULT_RETRY_AFTER_S if self.retry_after_s is None else self.retry_after_s)

    def describe(self) -> str:
        parts = []
        if self.latency_ms is not None:
            low, high = self.latency_ms
            parts.append(f"latency={low}" if low == high else f"latency={low}-{high}")
        if self.status is not None:
            parts.append(f"status={self.status}")
        if self.retry_after_s is not None:
            parts.append(f"retry-after={self.retry_after_s}")
        if self.drop:
            parts.append("drop")
        if self.malformed is not None:
            parts.append(f"malformed={self.malformed}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class RoutePattern:
    """`POST /things`, `GET /things/*`, `/hub/**`: a method (or any) and path segments."""

    method: str
    segments: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> RoutePattern:
        parts = text.split()
        method, path = (parts[0], parts[1]) if len(parts) == 2 else ("*", parts[0] if parts else "")
        if len(parts) > 2 or not _METHOD.match(method) or not path.startswith("/"):
            raise FaultSpecError(f"route {text!r} is not 'METHOD /path' or '/path', e.g. 'GET /orders/*'")
        segments = tuple(path.strip("/").split("/")) if path.strip("/") else ()
        if "**" in segments[:-1]:
            raise FaultSpecError(f"route {text!r}: '**' may only be the last segment")
        return cls(method.upper(), segments)

    def matches(self, method: str, path: str) -> bool:
        """`path` is relative to the base path (or absolute outside it), e.g. `/things/42`."""
        if self.method not in {"*", method.upper()}:
            return False
        parts = tuple(path.strip("/").split("/")) if path.strip("/") else ()
        open_ended = self.segments[-1:] == ("**",)
        fixed = self.segments[:-1] if open_ended else self.segments
        if len(parts) < len(fixed) or (not open_ended and len(parts) != len(fixed)):
            return False
        return all(fnmatchcase(part, pattern) for part, pattern in zip(parts, fixed, strict=False))


@dataclass(frozen=True, slots=True)
class Rule:
    route: RoutePattern
    fault: Fault
    probability: float
    label: str  # `rule 1 (POST /things)`, shown in the injected Error message and the log
    times: int | None = None  # applies to the first `times` matching requests only (None: every one)


@dataclass(frozen=True, slots=True)
class FaultPlan:
    rules: tuple[Rule, ...] = ()
    seed: int | None = None


def parse_latency(value: Any) -> tuple[int, int]:
    """250, [100, 400] or "100-400" (milliseconds) -> (low, high)."""
    if isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value):
        low, high = value
    elif type(value) is int:
        low = high = value
    else:
        match = _LATENCY.match(value) if isinstance(value, str) else None
        if match is None:
            raise FaultSpecError(f"latency {value!r} is not milliseconds (250) or a range (100-400)")
        low, high = int(match[1]), int(match[2] or match[1])
    if not 0 <= low <= high <= MAX_LATENCY_MS:
        raise FaultSpecError(f"latency {value!r} must be 0 <= low <= high <= {MAX_LATENCY_MS} ms")
    return low, high


def parse_status(value: Any) -> int:
    """An error status the mock can name (400..599 with a standard reason phrase)."""
    text = str(value).strip() if type(value) in {int, str} else ""
    code = int(text) if text.isdigit() and len(text) == 3 else 0
    if not 400 <= code <= 599 or code not in HTTPStatus._value2member_map_:
        raise FaultSpecError(f"status {value!r} is not an HTTP error status (400..599), e.g. 503")
    return code


def parse_malformed(value: Any) -> Malformed:
    if value is True:
        return "truncated"
    for kind in MALFORMED_KINDS:
        if value == kind:
            return kind
    raise FaultSpecError(f"malformed {value!r} is not one of: truncated, non-json")


def parse_retry_after(value: Any) -> int:
    """Whole seconds (RFC 9110 delay-seconds), 0..MAX_RETRY_AFTER_S."""
    text = str(value).strip() if type(value) in {int, str} else ""
    if not text.isdigit() or not text.isascii() or int(text) > MAX_RETRY_AFTER_S:
        raise FaultSpecError(f"retry_after {value!r} is not whole seconds from 0 to {MAX_RETRY_AFTER_S}")
    return int(text)


def _times(value: Any) -> int:
    if type(value) is not int or value < 1:
        raise FaultSpecError(f"times {value!r} is not a whole number of 1 or more")
    return value


def _probability(value: Any) -> float:
    if type(value) not in {int, float} or not 0 <= value <= 1:
        raise FaultSpecError(f"probability {value!r} is not a number from 0 to 1, e.g. 0.25")
    return float(value)


def _unknown(keys: Any, known: tuple[str, ...], where: str) -> None:
    for key in keys:
        if key not in known:
            raise FaultSpecError(f"{where}: unknown key {key!r}; use {', '.join(known)}")


def parse_rule(data: Any, number: int) -> Rule:
    where = f"rules[{number - 1}]"
    if not isinstance(data, dict) or not isinstance(data.get("route"), str):
        raise FaultSpecError(f"{where}: needs a mapping with a 'route', e.g. 'route: POST /orders'")
    _unknown(data, RULE_KEYS, where)
    try:
        fault = Fault(
            latency_ms=parse_latency(data["latency_ms"]) if "latency_ms" in data else None,
            status=parse_status(data["status"]) if "status" in data else None,
            drop=_drop(data.get("drop", False)),
            malformed=parse_malformed(data["malformed"]) if "malformed" in data else None,
            retry_after_s=parse_retry_after(data["retry_after"]) if "retry_after" in data else None,
        )
        route = RoutePattern.parse(data["route"])
        probability = _probability(data.get("probability", 1))
        times = _times(data["times"]) if "times" in data else None
    except FaultSpecError as exc:
        raise FaultSpecError(f"{where}: {exc}") from None
    return Rule(route, fault, probability, f"rule {number} ({data['route'].strip()})", times)


def _drop(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FaultSpecError(f"drop {value!r} must be true or false")
    return value


def parse_plan(data: Any) -> FaultPlan:
    """A decoded faults file (an empty file is an empty plan)."""
    if data is None:
        return FaultPlan()
    if not isinstance(data, dict):
        raise FaultSpecError("must be a mapping with 'rules' (and optionally 'seed')")
    _unknown(data, FILE_KEYS, "top level")
    seed = data.get("seed")
    if seed is not None and type(seed) is not int:
        raise FaultSpecError(f"seed {seed!r} must be a whole number")
    rules = data.get("rules") or []
    if not isinstance(rules, list):
        raise FaultSpecError("rules must be a list of rules, each starting with '- route: ...'")
    return FaultPlan(tuple(parse_rule(rule, number) for number, rule in enumerate(rules, 1)), seed)


def load_plan(path: str) -> FaultPlan:
    """Read and check a faults file; every problem becomes a FaultSpecError naming the file."""
    try:
        with open(path, encoding="utf-8") as stream:
            return parse_plan(yaml.safe_load(stream))
    except OSError as exc:
        raise FaultSpecError(f"faults file {path!r}: cannot read it ({exc.strerror})") from None
    except yaml.YAMLError:
        raise FaultSpecError(f"faults file {path!r}: not valid YAML; fix the syntax") from None
    except FaultSpecError as exc:
        raise FaultSpecError(f"faults file {path!r}: {exc}") from None


def parse_header(value: str) -> Fault:
    """`status=503`, `latency=100-400, drop`, `malformed=non-json`: the faults of one request."""
    found: dict[str, Any] = {}
    for token in filter(None, (t.strip() for t in re.split(r"[,;]", value))):
        name, _, argument = (part.strip() for part in token.partition("="))
        found[_HEADER_FIELDS.get(name.lower(), name)] = _header_value(name.lower(), argument, token)
    try:
        return Fault(**found)
    except FaultSpecError as exc:
        raise FaultSpecError(f"X-Mock-Fault {value[:100]!r}: {exc}; use {HEADER_SYNTAX}") from None


_HEADER_PARSERS: Mapping[str, Callable[[str], Any]] = {
    "status": parse_status,
    "latency": parse_latency,
    "drop": lambda _: True,
    "malformed": lambda arg: parse_malformed(arg or True),
    "retry-after": parse_retry_after,
}
_HEADER_FIELDS = {
    "status": "status",
    "latency": "latency_ms",
    "drop": "drop",
    "malformed": "malformed",
    "retry-after": "retry_after_s",
}


def _header_value(name: str, argument: str, token: str) -> Any:
    if name not in _HEADER_PARSERS or (name == "drop" and argument):
        raise FaultSpecError(f"X-Mock-Fault: unknown fault {token[:50]!r}; use {HEADER_SYNTAX}")
    try:
        return _HEADER_PARSERS[name](argument)
    except FaultSpecError as exc:
        raise FaultSpecError(f"X-Mock-Fault: {exc}; use {HEADER_SYNTAX}") from None
