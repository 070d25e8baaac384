"""The registry of check kinds that scenario assertions name; each returns failures as values.

A check gets the exchange (with its parsed body) and the assertion's spec. It returns a tuple of
failures (empty: passed), or None when the assertion does not apply to this response (only allowed
for assertions whose `emit` is not `always`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ctk_suite.core.failures import Failure, Failures, Kind, NotRun, clip, describe
from ctk_suite.core.js import JS_TYPES, UNDEFINED, member
from ctk_suite.core.registry import Registry
from ctk_suite.http.exchange import Exchange
from ctk_suite.kits.official.scenario import AssertionSpec, Emit
from ctk_suite.kits.official.variables import Variables

CheckFn = Callable[["CheckContext", AssertionSpec], Failures | NotRun | None]


@dataclass(frozen=True)
class CheckContext:
    """One response as the checks see it."""

    exchange: Exchange
    body: Any
    #: The captured values (none for a check that compares nothing captured: an extended check).
    variables: Variables = field(default_factory=Variables)
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


def child_path(where: str, name: str) -> str:
    """JSON path of attribute `name` under `where` (bracket form for names like `@type`)."""
    return f"{where}.{name}" if name.isidentifier() else f"{where}[{json.dumps(name)}]"


def status_code(ctx: CheckContext, spec: AssertionSpec) -> Failures:
    """`pm.response.to.have.status(N)`."""
    return has_status(ctx, int(spec.params["status"]))


# Registered below the function, not with `@`: mutmut 3 leaves a decorated function unmutated (issue 22).
register("status_code", params=("status",), needs_json=False, failure_kind=Kind.STATUS)(status_code)


def has_status(ctx: CheckContext, expected: int) -> Failures:
    """The response has status `expected` (the extended checks ask it too)."""
    if ctx.exchange.status == expected:
        return ()
    return (ctx.fail("status", f"HTTP {expected}", f"HTTP {ctx.exchange.status}"),)


def not_array(ctx: CheckContext, spec: AssertionSpec) -> Failures | None:
    """A create returns one resource: an array body is reported (and only then, as the official kit)."""
    if not isinstance(ctx.body, list):
        return None
    return (ctx.fail("$", "a single object", describe(ctx.body)),)


register("not_array")(not_array)


def mandatory_attributes(ctx: CheckContext, spec: AssertionSpec) -> Failures:
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


register("mandatory_attributes", params=("attributes",))(mandatory_attributes)


def attribute_type(ctx: CheckContext, spec: AssertionSpec) -> Failures:
    """`pm.expect(instance[attr]).to.be.a(type)`, on every instance."""
    name, wanted = str(spec.params["attribute"]), str(spec.params["type"])
    is_type = JS_TYPES[wanted]
    return tuple(
        ctx.fail(
            child_path(where, name), f"{'an' if wanted[0] in 'aeiou' else 'a'} {wanted}", describe(value)
        )
        for where, instance in ctx.instances()
        if not is_type(value := member(instance, name))
    )


register("attribute_type", params=("attribute", "type"))(attribute_type)


def body_includes_value(ctx: CheckContext, spec: AssertionSpec) -> Failures:
    """`pm.expect(pm.response.text()).to.include(instance[attr])`: a substring of the raw text.

    A missing value fails (chai cannot search for undefined); so does a non-string one (stricter
    than chai, which would coerce a number).
    """
    name = str(spec.params["attribute"])
    failures = []
    for where, instance in ctx.instances():
        value, path = member(instance, name), child_path(where, name)
        if not isinstance(value, str):
            failures.append(ctx.fail(path, "a string value to look for in the body", describe(value)))
        elif value not in ctx.exchange.text:
            failures.append(
                ctx.fail(path, f"the raw body to contain {clip(json.dumps(value))}", "it does not")
            )
    return tuple(failures)


register("body_includes_value", params=("attribute",))(body_includes_value)


def identity(ctx: CheckContext, spec: AssertionSpec) -> Failures | None:
    """The created order (id == IDPO01) has the captured value: the official check, made to compare.

    With emit `ifCreatedOrderListed` it applies only when that order is in the response. Otherwise it
    always applies: a missing order fails, and a single other order is compared (so its id differs).
    """
    key_variable = str(spec.params.get("keyVariable", "IDPO01"))
    key_attribute = str(spec.params.get("keyAttribute", "id"))
    key = ctx.variables.get(key_variable)
    records = _records(ctx.body)
    matched = [(w, r) for w, r in records if key is not None and member(r, key_attribute) == key]
    if not matched and spec.emit is Emit.IF_CREATED_ORDER_LISTED:
        return None
    if key is None:
        return (ctx.note(ctx.variables.reason(key_variable), Kind.PRECONDITION),)
    expected = ctx.variables.get(str(spec.params["variable"]))
    if expected is None:
        return (ctx.note(ctx.variables.reason(str(spec.params["variable"])), Kind.PRECONDITION),)
    if not matched and len(records) != 1:
        seen = ", ".join(str(member(r, key_attribute)) for _, r in records) or "none"
        return (ctx.note(f"created order {key} not in response (ids seen: {clip(seen)})"),)
    return _compare(ctx, matched or records, str(spec.params["attribute"]), expected)


register("identity", params=("attribute", "variable"), officially_vacuous=True)(identity)


def unexpected_instance(ctx: CheckContext, spec: AssertionSpec) -> Failures | None:
    """'IDPO02 not expected on this test': the order held in `keyVariable` is in the response.

    Emitted only then (the official script only logs it; ours fails it). Without a captured key (the
    4.0.0 kit never sets IDPO02) it is never emitted: only the official verdict exists then.
    """
    key = ctx.variables.get(str(spec.params["keyVariable"]))
    key_attribute = str(spec.params.get("keyAttribute", "id"))
    found = [w for w, r in _records(ctx.body) if key is not None and member(r, key_attribute) == key]
    if not found:
        return None
    return tuple(
        ctx.fail(child_path(w, key_attribute), f"no order {key} here", "it is listed") for w in found
    )


register("unexpected_instance", params=("keyVariable",), officially_vacuous=True)(unexpected_instance)


def _records(body: Any) -> list[tuple[str, Any]]:
    """The orders a response holds: array elements, or the object itself."""
    if isinstance(body, list):
        return [(f"$[{index}]", item) for index, item in enumerate(body)]
    return [("$", body)] if isinstance(body, dict) else []


def _compare(ctx: CheckContext, records: list[tuple[str, Any]], name: str, expected: str) -> Failures:
    return tuple(
        ctx.fail(child_path(where, name), describe(expected), describe(value))
        for where, record in records
        if (value := member(record, name)) != expected
    )


def header_present(ctx: CheckContext, spec: AssertionSpec) -> Failures:
    """The response carries header `header` (case-insensitive, RFC 9110 section 5.1)."""
    wanted = str(spec.params["header"])
    if _header(ctx.exchange, wanted) is not None:
        return ()
    return (ctx.fail(f"header {wanted}", "the header to be present", "no such header"),)


register("header_present", params=("header",), needs_json=False)(header_present)


def content_type(ctx: CheckContext, spec: AssertionSpec) -> Failures:
    """The media type of Content-Type (parameters such as charset ignored) is `media`."""
    return has_media_type(ctx, str(spec.params["media"]))


register("content_type", params=("media",), needs_json=False)(content_type)


def has_media_type(ctx: CheckContext, media: str) -> Failures:
    """The media type of Content-Type is `media` (the extended checks ask it too)."""
    wanted = media.lower()
    seen = (_header(ctx.exchange, "Content-Type") or "").split(";")[0].strip().lower()
    if seen == wanted:
        return ()
    return (ctx.fail("header Content-Type", wanted, seen or "no Content-Type"),)


def max_response_time(ctx: CheckContext, spec: AssertionSpec) -> Failures:
    """The whole exchange took at most `ms` milliseconds."""
    limit = float(spec.params["ms"])
    if ctx.exchange.elapsed_ms <= limit:
        return ()
    return (ctx.fail("response time", f"at most {limit:g} ms", f"{ctx.exchange.elapsed_ms:g} ms"),)


register("max_response_time", params=("ms",), needs_json=False)(max_response_time)


def location_matches_href(ctx: CheckContext, spec: AssertionSpec) -> Failures:
    """TMF622B v4.0.0: `href` "must be the same as the one set in Location header" of the create."""
    return location_is_href(ctx)


register("location_matches_href")(location_matches_href)


def location_is_href(ctx: CheckContext) -> Failures:
    """The Location header equals the body's `href` (the extended checks ask it too)."""
    location = _header(ctx.exchange, "Location")
    href = member(ctx.body, "href")
    if location is not None and location == href:
        return ()
    return (ctx.fail("$.href", f"the Location header {describe(location or UNDEFINED)}", describe(href)),)


def _header(exchange: Exchange, name: str) -> str | None:
    return next((v for k, v in exchange.response_headers.items() if k.lower() == name.lower()), None)


def validate_assertion(spec: AssertionSpec) -> None:
    """Reject, before anything is sent, an assertion whose kind or parameters are wrong."""
    kind = get_check(spec.kind)
    missing = kind.required_params - spec.params.keys()
    if missing:
        raise KeyError(f"{spec.name!r}: check {spec.kind} needs {', '.join(sorted(missing))}")
    if spec.kind == "attribute_type" and spec.params["type"] not in JS_TYPES:
        raise KeyError(f"{spec.name!r}: type must be one of {', '.join(sorted(JS_TYPES))}")
