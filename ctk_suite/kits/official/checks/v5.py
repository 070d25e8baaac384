"""Check kinds of the official v5 kit (Cypress, `ctk.cy.js`): our strict verdict, and the kit's own beside it.

"Tests status" is `expect(status).to.be.oneOf(statusCodes)`. "Each attribute Test" is
`validateMandatoryAttr` (`individualizatedTests.js`): every mandatory key of the response compared with
the value the POST response had for it (`Cypress.env(key)`, set by `createVariableGlobal`). The official
version reads a dotted key (`agreement.id`) as one flat key of both objects, so it compares `undefined`
with `undefined` and passes; on a list it checks only the instances whose `id` loosely equals the created
one. Ours resolves dotted keys through objects and arrays (every value created must come back) and
requires the created order where the request targets it (`docs/ctk-5.0.0-defects.md`).
"""

from __future__ import annotations

from typing import Any

from ctk_suite.core.failures import Failure, Failures, Kind, NotRun, clip, describe
from ctk_suite.core.js import UNDEFINED, js_loose_equal, json_equal, member
from ctk_suite.kits.official.checks.kinds import CheckContext, child_path, register
from ctk_suite.kits.official.scenario import AssertionSpec

#: `createdOrder` values: the created order must be in the response, or is compared only when listed.
REQUIRED, IF_LISTED = "required", "ifListed"
#: `answers: array`: the request lists orders (TMF630), so its answer must be an array.
ARRAY = "array"


def _statuses(spec: AssertionSpec) -> list[int]:
    return [int(status) for status in spec.params["statuses"]]


def status_one_of(ctx: CheckContext, spec: AssertionSpec) -> Failures:
    """`expect(response.status).to.be.oneOf(statusCodes)` (`validate.js`)."""
    wanted = _statuses(spec)
    if ctx.exchange.status in wanted:
        return ()
    shown = " or ".join(f"HTTP {status}" for status in wanted)
    return (ctx.fail("status", shown, f"HTTP {ctx.exchange.status}"),)


# Registered below the function, not with `@`: mutmut 3 leaves a decorated function unmutated (issue 22).
register("status_one_of", params=("statuses",), needs_json=False, failure_kind=Kind.STATUS)(status_one_of)


def mandatory_keys_official(ctx: CheckContext, spec: AssertionSpec) -> Failures:
    """`validateMandatoryAttr` as the v5 kit runs it (`ctk.cy.js` "Each attribute Test")."""
    created_id = ctx.variables.kept(_key_variable(spec))
    body = ctx.body
    if isinstance(body, list):
        if any(element is None for element in body):  # `instance.id` on null throws: the test fails
            return (ctx.note("TypeError: Cannot read properties of null (reading 'id')"),)
        targets = [(f"$[{i}]", e) for i, e in enumerate(body) if js_loose_equal(member(e, "id"), created_id)]
    elif body is None:
        return (ctx.note("TypeError: Cannot read properties of null"),)
    else:
        targets = [("$", body)]
    return tuple(
        ctx.fail(child_path(where, key), f"{_shown(expected)} (as created)", _shown(seen))
        for where, instance in targets
        for key in _keys(spec)
        if not json_equal(seen := member(instance, key), expected := ctx.variables.kept(key))
    )


def mandatory_keys(ctx: CheckContext, spec: AssertionSpec) -> Failures | NotRun:
    """Every mandatory key of the created order, dotted keys resolved, equal to what the POST returned."""
    variable = _key_variable(spec)
    created_id = ctx.variables.get(variable)
    if created_id is None:
        return (ctx.note(ctx.variables.reason(variable), Kind.PRECONDITION),)
    if spec.params.get("answers") == ARRAY and not isinstance(ctx.body, list):
        # The kit checks a single object as if it were the element (`ctk.cy.js` 90, 106-109).
        return (ctx.fail("$", "a list of orders (a JSON array)", describe(ctx.body)),)
    if not_orders := _not_orders(ctx):
        return not_orders
    kept = ctx.variables.kept(variable)
    found = _created(ctx.body, created_id if kept is UNDEFINED else kept)
    if not found:
        return _missing_created(ctx, spec, created_id)
    return tuple(
        failure
        for where, instance in found
        for key in _keys(spec)
        for failure in _compare_key(ctx, where, instance, key)
    )


register("mandatory_keys", params=("keys",), official=mandatory_keys_official)(mandatory_keys)


def _not_orders(ctx: CheckContext) -> Failures:
    """A list element that is not an object is no order (the official test throws on `null.id`)."""
    body = ctx.body
    elements = enumerate(body) if isinstance(body, list) else ()
    return tuple(
        ctx.fail(f"$[{i}]", "an order (a JSON object)", describe(e))
        for i, e in elements
        if not isinstance(e, dict)
    )


def _missing_created(ctx: CheckContext, spec: AssertionSpec, created_id: str) -> Failures | NotRun:
    """The created order is not in the response: a failure where the request targets it."""
    if spec.params.get("createdOrder", REQUIRED) == IF_LISTED:
        return NotRun(
            f"the created order {clip(created_id)} is not in this page of the list: nothing compared"
        )
    return (ctx.fail("$", f"the created order (id {clip(created_id)})", _seen_ids(ctx.body)),)


def _created(body: Any, created_id: Any) -> list[tuple[str, Any]]:
    """Where the created order is in `body`: every array element with its id (each is compared, as the
    official test compares each), or the object itself."""
    if isinstance(body, list):
        return [(f"$[{i}]", e) for i, e in enumerate(body) if json_equal(member(e, "id"), created_id)]
    return [("$", body)] if json_equal(member(body, "id"), created_id) else []


def _seen_ids(body: Any) -> str:
    if isinstance(body, list):
        return f"ids {clip(', '.join(_shown(member(e, 'id')) for e in body)) or '(empty array)'}"
    return f"id {_shown(member(body, 'id'))}" if isinstance(body, dict) else describe(body)


def _compare_key(ctx: CheckContext, where: str, instance: dict[str, Any], key: str) -> list[Failure]:
    """A flat key: the same value as created (or absent from both), as the official test. A dotted key:
    every value the created order had there comes back unchanged (a read may add values, such as a
    total computed later)."""
    if "." not in key:
        seen, expected = member(instance, key), ctx.variables.kept(key)
        if json_equal(seen, expected):
            return []
        return [ctx.fail(child_path(where, key), f"{_shown(expected)} (as created)", _shown(seen))]
    seen_at = dict(resolve(instance, key))
    return [
        ctx.fail(where + path[1:], f"{_shown(want)} (as created)", _shown(seen_at.get(path, UNDEFINED)))
        for path, want in resolve(ctx.variables.kept_document(), key)
        if not json_equal(seen_at.get(path, UNDEFINED), want)
    ]


def resolve(value: Any, key: str) -> list[tuple[str, Any]]:
    """The values at dotted `key` under `value`, through objects and every element of arrays, each with
    its JSON path (`$.productOrderItem[1].product.id`); an absent step contributes nothing."""
    found: list[tuple[str, Any]] = [("$", value)]
    for step in key.split("."):
        found = [(child_path(path, step), item[step]) for path, item in _spread(found) if step in item]
    return found


def _spread(found: list[tuple[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """The objects among `found`, an array standing for each of its object elements."""
    objects: list[tuple[str, dict[str, Any]]] = []
    for path, value in found:
        if isinstance(value, dict):
            objects.append((path, value))
        elif isinstance(value, list):
            objects += [(f"{path}[{i}]", e) for i, e in enumerate(value) if isinstance(e, dict)]
    return objects


def _keys(spec: AssertionSpec) -> list[str]:
    return [str(key) for key in spec.params["keys"]]


def _key_variable(spec: AssertionSpec) -> str:
    return str(spec.params.get("keyVariable", "id"))


def _shown(value: Any) -> str:
    return "undefined" if value is UNDEFINED else describe(value)
