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

from ctk_suite.core.failures import ABSENT, Failure, Kind, clip, describe
from ctk_suite.kits.official.checks.kinds import CheckContext, NotRun, Verdict, child_path, register
from ctk_suite.kits.official.scenario import AssertionSpec

#: `createdOrder` values: the created order must be in the response, or is compared only when listed.
REQUIRED, IF_LISTED = "required", "ifListed"
#: `answers: array`: the request lists orders (TMF630), so its answer must be an array.
ARRAY = "array"


def _statuses(spec: AssertionSpec) -> list[int]:
    return [int(status) for status in spec.params["statuses"]]


@register("status_one_of", params=("statuses",), needs_json=False, failure_kind=Kind.STATUS)
def status_one_of(ctx: CheckContext, spec: AssertionSpec) -> Verdict:
    """`expect(response.status).to.be.oneOf(statusCodes)` (`validate.js`)."""
    wanted = _statuses(spec)
    if ctx.exchange.status in wanted:
        return ()
    shown = " or ".join(f"HTTP {status}" for status in wanted)
    return (ctx.fail("status", shown, f"HTTP {ctx.exchange.status}"),)


def mandatory_keys_official(ctx: CheckContext, spec: AssertionSpec) -> Verdict:
    """`validateMandatoryAttr` as the v5 kit runs it (`ctk.cy.js` "Each attribute Test")."""
    created_id = ctx.variables.kept(_key_variable(spec))
    body = ctx.body
    if isinstance(body, list):
        if any(element is None for element in body):  # `instance.id` on null throws: the test fails
            return (ctx.note("TypeError: Cannot read properties of null (reading 'id')"),)
        targets = [(f"$[{i}]", e) for i, e in enumerate(body) if js_loose_equal(_js_get(e, "id"), created_id)]
    elif body is None:
        return (ctx.note("TypeError: Cannot read properties of null"),)
    else:
        targets = [("$", body)]
    return tuple(
        ctx.fail(child_path(where, key), f"{_shown(expected)} (as created)", _shown(seen))
        for where, instance in targets
        for key in _keys(spec)
        if not json_equal(seen := _js_get(instance, key), expected := ctx.variables.kept(key))
    )


@register("mandatory_keys", params=("keys",), official=mandatory_keys_official)
def mandatory_keys(ctx: CheckContext, spec: AssertionSpec) -> Verdict | NotRun:
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
    found = _created(ctx.body, created_id if kept is ABSENT else kept)
    if not found:
        return _missing_created(ctx, spec, created_id)
    return tuple(
        failure
        for where, instance in found
        for key in _keys(spec)
        for failure in _compare_key(ctx, where, instance, key)
    )


def _not_orders(ctx: CheckContext) -> Verdict:
    """A list element that is not an object is no order (the official test throws on `null.id`)."""
    body = ctx.body
    elements = enumerate(body) if isinstance(body, list) else ()
    return tuple(
        ctx.fail(f"$[{i}]", "an order (a JSON object)", describe(e))
        for i, e in elements
        if not isinstance(e, dict)
    )


def _missing_created(ctx: CheckContext, spec: AssertionSpec, created_id: str) -> Verdict | NotRun:
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
        return [(f"$[{i}]", e) for i, e in enumerate(body) if json_equal(_js_get(e, "id"), created_id)]
    return [("$", body)] if json_equal(_js_get(body, "id"), created_id) else []


def _seen_ids(body: Any) -> str:
    if isinstance(body, list):
        return f"ids {clip(', '.join(_shown(_js_get(e, 'id')) for e in body)) or '(empty array)'}"
    return f"id {_shown(_js_get(body, 'id'))}" if isinstance(body, dict) else describe(body)


def _compare_key(ctx: CheckContext, where: str, instance: dict[str, Any], key: str) -> list[Failure]:
    """A flat key: the same value as created (or absent from both), as the official test. A dotted key:
    every value the created order had there comes back unchanged (a read may add values, such as a
    total computed later)."""
    if "." not in key:
        seen, expected = _js_get(instance, key), ctx.variables.kept(key)
        if json_equal(seen, expected):
            return []
        return [ctx.fail(child_path(where, key), f"{_shown(expected)} (as created)", _shown(seen))]
    seen_at = dict(resolve(instance, key))
    return [
        ctx.fail(where + path[1:], f"{_shown(want)} (as created)", _shown(seen_at.get(path, ABSENT)))
        for path, want in resolve(ctx.variables.kept_document(), key)
        if not json_equal(seen_at.get(path, ABSENT), want)
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


def _js_get(instance: Any, key: str) -> Any:
    """`instance[key]` in JavaScript, for a JSON value: a missing key (or a key of a non-object) is
    undefined (ABSENT). Null is handled by the callers (it throws)."""
    return instance.get(key, ABSENT) if isinstance(instance, dict) else ABSENT


def _shown(value: Any) -> str:
    return "undefined" if value is ABSENT else describe(value)


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


def js_loose_equal(left: Any, right: Any) -> bool:
    """JavaScript's `==` between two JSON values (or undefined), as `instance.id == Cypress.env('id')`."""
    nullish = (None, ABSENT)
    if left in nullish or right in nullish:
        return left in nullish and right in nullish
    if isinstance(left, str) and _is_number(right):
        return bool(_number(left) == right)
    if isinstance(right, str) and _is_number(left):
        return bool(_number(right) == left)
    if isinstance(left, dict | list) or isinstance(right, dict | list):
        return left is right  # object identity: two parsed JSON values are never the same object
    return json_equal(left, right)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(text: str) -> float | None:
    """`Number(text)` for the cases an id can take: blank is 0, anything unparsable NaN (None)."""
    stripped = text.strip()
    if not stripped:
        return 0.0
    try:
        return float(stripped)
    except ValueError:
        return None
