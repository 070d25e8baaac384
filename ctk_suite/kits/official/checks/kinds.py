"""The registry of check kinds that scenario assertions name; each returns failures as values.

A check gets the exchange (with its parsed body) and the assertion's spec. It returns a tuple of
failures (empty: passed), or None when the assertion does not apply to this response (only allowed
for assertions whose `emit` is not `always`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ctk_suite.core.failures import ABSENT, Failure, Kind, clip, describe
from ctk_suite.core.registry import Registry
from ctk_suite.http.client import Exchange
from ctk_suite.kits.official.scenario import AssertionSpec, Emit
from ctk_suite.kits.official.variables import Variables

Verdict = tuple[Failure, ...]


@dataclass(frozen=True)
class NotRun:
    """A check's answer when it cannot judge this response (what it compares is not there)."""

    reason: str


CheckFn = Callable[["CheckContext", AssertionSpec], Verdict | NotRun | None]

#: JSON types an `attribute_type` assertion may ask for, as chai's `to.be.a(...)` names them.
_JSON_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
}


@dataclass(frozen=True)
class CheckContext:
    """One response as the checks see it."""

    exchange: Exchange
    body: Any
    variables: Variables
    #: False for the create request, whose script treats the whole body as the instance.
    each_element: bool = True
    #: Cypress's `response.body.forEach`: an empty array has no instance at all (v5 kit).
    empty_array_empty: bool = False

    def instances(self) -> list[tuple[str, Any]]:
        """The instances the official script checks in this response."""
        if self.empty_array_empty and self.body == []:
            return []
        return instances(self.body) if self.each_element else [("$", self.body)]

    @property
    def request(self) -> str:
        """`METHOD url` of the exchange, for failure records."""
        return f"{self.exchange.method} {self.exchange.url}"

    def fail(self, where: str, expected: str, seen: str) -> Failure:
        """A failure of this request."""
        return Failure(request=self.request, where=where, expected=expected, seen=seen)

    def note(self, note: str, kind: Kind = Kind.ASSERTION) -> Failure:
        """A failure explained by a sentence rather than expected/seen."""
        return Failure(request=self.request, note=note, kind=kind)


@dataclass(frozen=True)
class CheckKind:
    """A registered check: its function, the parameters it requires, whether it reads the JSON body,
    the kind its failures are of, and whether the official kit's version of it can fail at all."""

    name: str
    run: CheckFn
    required_params: frozenset[str]
    needs_json: bool
    failure_kind: Kind = Kind.ASSERTION
    #: The official script asserts nothing (`pm.expect(x) == y`): its verdict is always a pass.
    officially_vacuous: bool = False
    #: How the official kit computes the same assertion, where it differs from `run` (its failures are
    #: only counted: pass or fail); None: the official verdict is ours.
    official: CheckFn | None = None


CHECK_KINDS: Registry[CheckKind] = Registry("check kind")


def register(
    name: str,
    *,
    params: tuple[str, ...] = (),
    needs_json: bool = True,
    failure_kind: Kind = Kind.ASSERTION,
    officially_vacuous: bool = False,
    official: CheckFn | None = None,
) -> Callable[[CheckFn], CheckFn]:
    """Class-free registration, as jsonschema's keyword table: the scenario file names the kind."""

    def decorate(run: CheckFn) -> CheckFn:
        kind = CheckKind(name, run, frozenset(params), needs_json, failure_kind, officially_vacuous, official)
        CHECK_KINDS.add(name, kind)
        return run

    return decorate


def get_check(name: str) -> CheckKind:
    """The check kind called `name`; KeyError lists the known ones."""
    return CHECK_KINDS.get(name)


def check_kinds() -> list[str]:
    """Names of every registered kind, sorted."""
    return sorted(CHECK_KINDS)


def instances(body: Any) -> list[tuple[str, Any]]:
    """What the official scripts check: each element of a non-empty array, else the body itself."""
    if isinstance(body, list) and body:
        return [(f"$[{index}]", item) for index, item in enumerate(body)]
    return [("$", body)]


def attribute(instance: Any, name: str) -> Any:
    """`instance[name]`, or ABSENT when the instance is not an object or has no such key."""
    return instance.get(name, ABSENT) if isinstance(instance, dict) else ABSENT


def child_path(where: str, name: str) -> str:
    """JSON path of attribute `name` under `where` (bracket form for names like `@type`)."""
    return f"{where}.{name}" if name.isidentifier() else f"{where}[{json.dumps(name)}]"


@register("status_code", params=("status",), needs_json=False, failure_kind=Kind.STATUS)
def status_code(ctx: CheckContext, spec: AssertionSpec) -> Verdict:
    """`pm.response.to.have.status(N)`."""
    expected = int(spec.params["status"])
    if ctx.exchange.status == expected:
        return ()
    return (ctx.fail("status", f"HTTP {expected}", f"HTTP {ctx.exchange.status}"),)


@register("not_array")
def not_array(ctx: CheckContext, spec: AssertionSpec) -> Verdict | None:
    """A create returns one resource: an array body is reported (and only then, as the official kit)."""
    if not isinstance(ctx.body, list):
        return None
    return (ctx.fail("$", "a single object", describe(ctx.body)),)


@register("mandatory_attributes", params=("attributes",))
def mandatory_attributes(ctx: CheckContext, spec: AssertionSpec) -> Verdict:
    """`Object.keys(instance)` includes every listed attribute, on every instance."""
    wanted = [str(a) for a in spec.params["attributes"]]
    failures = []
    for where, instance in ctx.instances():
        if not isinstance(instance, dict):
            failures.append(
                ctx.fail(where, f"an object with attributes {', '.join(wanted)}", describe(instance))
            )
        elif missing := [a for a in wanted if a not in instance]:
            failures.append(
                ctx.fail(where, f"attributes {', '.join(wanted)}", f"missing {', '.join(missing)}")
            )
    return tuple(failures)


@register("attribute_type", params=("attribute", "type"))
def attribute_type(ctx: CheckContext, spec: AssertionSpec) -> Verdict:
    """`pm.expect(instance[attr]).to.be.a(type)`, on every instance."""
    name, wanted = str(spec.params["attribute"]), str(spec.params["type"])
    is_type = _JSON_TYPES[wanted]
    return tuple(
        ctx.fail(
            child_path(where, name), f"{'an' if wanted[0] in 'aeiou' else 'a'} {wanted}", describe(value)
        )
        for where, instance in ctx.instances()
        if not is_type(value := attribute(instance, name))
    )


@register("body_includes_value", params=("attribute",))
def body_includes_value(ctx: CheckContext, spec: AssertionSpec) -> Verdict:
    """`pm.expect(pm.response.text()).to.include(instance[attr])`: a substring of the raw text.

    A missing value fails (chai cannot search for undefined); so does a non-string one (stricter
    than chai, which would coerce a number).
    """
    name = str(spec.params["attribute"])
    failures = []
    for where, instance in ctx.instances():
        value, path = attribute(instance, name), child_path(where, name)
        if not isinstance(value, str):
            failures.append(ctx.fail(path, "a string value to look for in the body", describe(value)))
        elif value not in ctx.exchange.text:
            failures.append(
                ctx.fail(path, f"the raw body to contain {clip(json.dumps(value))}", "it does not")
            )
    return tuple(failures)


@register("identity", params=("attribute", "variable"), officially_vacuous=True)
def identity(ctx: CheckContext, spec: AssertionSpec) -> Verdict | None:
    """The created order (id == IDPO01) has the captured value: the official check, made to compare.

    With emit `ifCreatedOrderListed` it applies only when that order is in the response. Otherwise it
    always applies: a missing order fails, and a single other order is compared (so its id differs).
    """
    key_variable = str(spec.params.get("keyVariable", "IDPO01"))
    key_attribute = str(spec.params.get("keyAttribute", "id"))
    key = ctx.variables.get(key_variable)
    records = _records(ctx.body)
    matched = [(w, r) for w, r in records if key is not None and attribute(r, key_attribute) == key]
    if not matched and spec.emit is Emit.IF_CREATED_ORDER_LISTED:
        return None
    if key is None:
        return (ctx.note(ctx.variables.reason(key_variable), Kind.PRECONDITION),)
    expected = ctx.variables.get(str(spec.params["variable"]))
    if expected is None:
        return (ctx.note(ctx.variables.reason(str(spec.params["variable"])), Kind.PRECONDITION),)
    if not matched and len(records) != 1:
        seen = ", ".join(str(attribute(r, key_attribute)) for _, r in records) or "none"
        return (ctx.note(f"created order {key} not in response (ids seen: {clip(seen)})"),)
    return _compare(ctx, matched or records, str(spec.params["attribute"]), expected)


@register("unexpected_instance", params=("keyVariable",), officially_vacuous=True)
def unexpected_instance(ctx: CheckContext, spec: AssertionSpec) -> Verdict | None:
    """'IDPO02 not expected on this test': the order held in `keyVariable` is in the response.

    Emitted only then (the official script only logs it; ours fails it). Without a captured key (the
    4.0.0 kit never sets IDPO02) it is never emitted: only the official verdict exists then.
    """
    key = ctx.variables.get(str(spec.params["keyVariable"]))
    key_attribute = str(spec.params.get("keyAttribute", "id"))
    found = [w for w, r in _records(ctx.body) if key is not None and attribute(r, key_attribute) == key]
    if not found:
        return None
    return tuple(
        ctx.fail(child_path(w, key_attribute), f"no order {key} here", "it is listed") for w in found
    )


def _records(body: Any) -> list[tuple[str, Any]]:
    """The orders a response holds: array elements, or the object itself."""
    if isinstance(body, list):
        return [(f"$[{index}]", item) for index, item in enumerate(body)]
    return [("$", body)] if isinstance(body, dict) else []


def _compare(ctx: CheckContext, records: list[tuple[str, Any]], name: str, expected: str) -> Verdict:
    return tuple(
        ctx.fail(child_path(where, name), describe(expected), describe(value))
        for where, record in records
        if (value := attribute(record, name)) != expected
    )


@register("header_present", params=("header",), needs_json=False)
def header_present(ctx: CheckContext, spec: AssertionSpec) -> Verdict:
    """The response carries header `header` (case-insensitive, RFC 9110 section 5.1)."""
    wanted = str(spec.params["header"])
    if _header(ctx.exchange, wanted) is not None:
        return ()
    return (ctx.fail(f"header {wanted}", "the header to be present", "no such header"),)


@register("content_type", params=("media",), needs_json=False)
def content_type(ctx: CheckContext, spec: AssertionSpec) -> Verdict:
    """The media type of Content-Type (parameters such as charset ignored) is `media`."""
    wanted = str(spec.params["media"]).lower()
    seen = (_header(ctx.exchange, "Content-Type") or "").split(";")[0].strip().lower()
    if seen == wanted:
        return ()
    return (ctx.fail("header Content-Type", wanted, seen or "no Content-Type"),)


@register("max_response_time", params=("ms",), needs_json=False)
def max_response_time(ctx: CheckContext, spec: AssertionSpec) -> Verdict:
    """The whole exchange took at most `ms` milliseconds."""
    limit = float(spec.params["ms"])
    if ctx.exchange.elapsed_ms <= limit:
        return ()
    return (ctx.fail("response time", f"at most {limit:g} ms", f"{ctx.exchange.elapsed_ms:g} ms"),)


@register("location_matches_href")
def location_matches_href(ctx: CheckContext, spec: AssertionSpec) -> Verdict:
    """TMF622B v4.0.0: `href` "must be the same as the one set in Location header" of the create."""
    location = _header(ctx.exchange, "Location")
    href = attribute(ctx.body, "href")
    if location is not None and location == href:
        return ()
    return (ctx.fail("$.href", f"the Location header {describe(location or ABSENT)}", describe(href)),)


def _header(exchange: Exchange, name: str) -> str | None:
    return next((v for k, v in exchange.response_headers.items() if k.lower() == name.lower()), None)


def validate_assertion(spec: AssertionSpec) -> None:
    """Reject, before anything is sent, an assertion whose kind or parameters are wrong."""
    kind = get_check(spec.kind)
    missing = kind.required_params - spec.params.keys()
    if missing:
        raise KeyError(f"{spec.name!r}: check {spec.kind} needs {', '.join(sorted(missing))}")
    if spec.kind == "attribute_type" and spec.params["type"] not in _JSON_TYPES:
        raise KeyError(f"{spec.name!r}: type must be one of {', '.join(sorted(_JSON_TYPES))}")
