"""The three shared checks of the generated conformance-profile rules (`CP5-*`, conformance.yaml as data).

One check serves every rule of its kind; the rule's `params` say which resource, operation or attribute
path (`agreement.id`) and the line of conformance.yaml it comes from.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ctk_suite.core.failures import describe
from ctk_suite.kits.extended.records import Blocked, BodySchema, Evidence, NotApplicable, Sent
from ctk_suite.kits.extended.run import check
from ctk_suite.kits.extended.v5.probes import CANCEL, ERROR, HUB, ORDER, cancel_request, created
from ctk_suite.kits.extended.verdicts import Failures, client_error, json_array, json_object, matches_schema

if TYPE_CHECKING:
    from ctk_suite.kits.extended.run import ExtendedRun

#: (resource, operation) -> the (probe, request key) answers that show it is supported.
OPERATIONS = {
    ("ProductOrder", "POST"): (("v5.create", "create"),),
    ("ProductOrder", "GET"): (("v5.retrieve", "retrieve"), ("v5.list", "list")),
    ("CancelProductOrder", "POST"): (("v5.cancel", "cancel"),),
    ("CancelProductOrder", "GET"): (("v5.cancel", "retrieve"), ("v5.cancel", "list")),
}
#: resource -> the (probe, request key) answers whose bodies hold instances of it.
INSTANCES = {
    "ProductOrder": (("v5.create", "create"), ("v5.retrieve", "retrieve"), ("v5.list", "list")),
    "CancelProductOrder": (("v5.cancel", "cancel"), ("v5.cancel", "retrieve"), ("v5.cancel", "list")),
    "Hub": (("v5.hub", "hub"),),
}
#: An attribute the profile requires only in some state (its comment, conformance.yaml line 277:
#: completionDate "if product order is completed").
ONLY_WHEN = {("ProductOrder", "completionDate"): ("state", "completed")}
#: Attributes of a `ProductRefOrValue` the profile marks M (lines 1340, 1343) that only a reference can hold:
#: a product value (`@type` Product, in an `add` item) describes a product not instantiated yet, which has no
#: id or href. Holding one would also fail the official kit, whose discriminator-less `oneOf` refuses a
#: product that matches both ProductRef and Product (docs/ctk-5.0.0-defects.md).
REFERENCE_ONLY = frozenset(
    {("ProductOrder", "productOrderItem.product.id"), ("ProductOrder", "productOrderItem.product.href")}
)
#: Answers that say an optional resource is not implemented at all.
UNSUPPORTED = frozenset({404, 405, 501})
Instance = tuple[Sent, str, Any]


def params(run: ExtendedRun) -> tuple[str, str]:
    """(resource, name) of the rule being evaluated."""
    assert run.rule is not None, "a profile check runs only inside ExtendedRun.evaluate"
    return run.rule.params["resource"], run.rule.params["name"]


def answer(run: ExtendedRun, probe_name: str, key: str) -> Sent:
    """The answer that counts for `key` of a probe (a 202 followed); Blocked when it was not sent."""
    evidence = run.probe(probe_name)
    if key not in evidence.sent:
        raise Blocked(f"{probe_name}: no {key} request could be sent")
    return evidence[f"{key}.follow"] if f"{key}.follow" in evidence.sent else evidence[key]


@check("cp5-operation")
def operation(run: ExtendedRun) -> Failures:
    """A mandatory operation answers with the resource (POST: 201, or 202 followed; GET: 200)."""
    resource, method = params(run)
    failures: Failures = []
    for probe_name, key in OPERATIONS[(resource, method)]:
        sent = answer(run, probe_name, key)
        first = run.probe(probe_name)[key]
        wanted = (201, 202) if method == "POST" else (200,)
        if first.status not in wanted:
            failures.append(first.fail("status", " or ".join(map(str, wanted)), f"HTTP {first.status}"))
        else:
            failures += json_array(sent) if key == "list" else json_object(sent)
    return failures


def instances(run: ExtendedRun, resource: str) -> list[Instance]:
    """Every instance of `resource` in a 2xx answer of the level: (answer, JSON path, instance)."""
    found: list[Instance] = []
    for probe_name, key in INSTANCES[resource]:
        with contextlib.suppress(Blocked):  # a flow that could not run shows no instance
            sent = answer(run, probe_name, key)
            if sent.status is None or not 200 <= sent.status < 300 or sent.status == 202:
                continue  # an accepted answer not followed holds no resource to judge
            body = sent.json
            items = enumerate(body) if isinstance(body, list) else [(None, body)]
            found += [(sent, "$" if i is None else f"$[{i}]", item) for i, item in items]
    return found


def hub_supported(run: ExtendedRun) -> None:
    """NotApplicable when POST /hub says notifications are not implemented."""
    sent = run.probe("v5.hub")["hub"]
    if sent.status in UNSUPPORTED:
        raise NotApplicable(f"{sent.request} answered HTTP {sent.status}: the server has no hub")


def parents(instance: Any, where: str, segments: list[str]) -> Iterator[tuple[str, Any]]:
    """The values at `segments` below `instance`, arrays flattened, with their JSON paths."""
    if not segments:
        yield where, instance
        return
    if isinstance(instance, list):
        for i, item in enumerate(instance):
            yield from parents(item, f"{where}[{i}]", segments)
    elif isinstance(instance, dict) and instance.get(segments[0]) is not None:
        yield from parents(instance[segments[0]], f"{where}.{segments[0]}", segments[1:])


def holders(found: list[Instance], path: str) -> list[tuple[Sent, str, Any]]:
    """The objects that must hold the last segment of `path` (the instances for a top-level one)."""
    *above, _ = path.split(".")
    return [
        (sent, at, value)
        for sent, where, item in found
        for at, value in parents(item, where, above)
        for value in (value if isinstance(value, list) else [value])
    ]


def judge(sent: Sent, where: str, holder: Any, leaf: str, resource: str | None) -> Failures:
    """`holder` carries `leaf`; an `@type` is a non-empty string (top level: the resource or a subclass)."""
    if not isinstance(holder, dict):
        return [sent.fail(where, f"an object holding {leaf}", describe(holder))]
    value = holder.get(leaf)
    if value is None:
        return [sent.fail(f"{where}.{leaf}", "present (conformance profile: M)", "absent")]
    if leaf == "@type" and (not isinstance(value, str) or not value):
        return [sent.fail(f"{where}.{leaf}", "a non-empty string", describe(value))]
    if resource and leaf == "@type" and resource not in (value, holder.get("@baseType")):
        return [
            sent.fail(f"{where}.@type", f"{resource} or a subclass (@baseType {resource})", describe(value))
        ]
    return []


def _is_reference(holder: Any) -> bool:
    return isinstance(holder, dict) and str(holder.get("@type", "")).endswith("Ref")


def required_here(resource: str, name: str, found: list[Instance]) -> list[Instance]:
    """The instances the attribute is required of (ONLY_WHEN narrows them)."""
    if (condition := ONLY_WHEN.get((resource, name))) is None:
        return found
    attribute, value = condition
    return [i for i in found if isinstance(i[2], dict) and i[2].get(attribute) == value]


@check("cp5-attribute")
def attribute(run: ExtendedRun) -> Failures:
    """A mandatory attribute is in every response instance, wherever its parent is."""
    resource, name = params(run)
    if resource == "Hub":
        hub_supported(run)
    found = instances(run, resource)
    if not found:
        raise Blocked(f"no response of the level carried a {resource}")
    if not (found := required_here(resource, name, found)):
        raise NotApplicable(f"no {resource} in the responses was in the state that requires {name}")
    if not (held := holders(found, name)):
        parent = name.rpartition(".")[0]
        raise NotApplicable(f"no {resource} in the responses carried {parent}: nothing to judge")
    if (resource, name) in REFERENCE_ONLY and not (held := [h for h in held if _is_reference(h[2])]):
        raise NotApplicable(f"every {name.rpartition('.')[0]} in the responses is a value, not a reference")
    leaf, top = name.rpartition(".")[2], resource if "." not in name else None
    return [f for sent, where, holder in held for f in judge(sent, where, holder, leaf, top)]


def without(body: Any, path: str) -> tuple[Any, int]:
    """A copy of `body` with the attribute at `path` removed wherever it is; how many were removed."""
    copied = copy.deepcopy(body)
    *above, leaf = path.split(".")
    removed = 0
    for _, holder in parents(copied, "$", above):
        for member in holder if isinstance(holder, list) else [holder]:
            if isinstance(member, dict) and leaf in member:
                del member[leaf]
                removed += 1
    return copied, removed


def valid_body(run: ExtendedRun, resource: str) -> tuple[str, Any, BodySchema]:
    """(collection, a body the server should accept, the schema of its answer) for POST of `resource`."""
    if resource == "ProductOrder":
        return "productOrder", run.target.payload(), ORDER
    if resource == "CancelProductOrder":
        return "cancelProductOrder", cancel_request(created(run)), CANCEL
    return "hub", {"@type": "Hub", "callback": run.listener().callback_url}, HUB


def post_without(run: ExtendedRun, resource: str, name: str) -> Sent:
    """POST `resource` without `name` (once per run); NotApplicable when the body has none to leave out."""

    def gather(run: ExtendedRun) -> Evidence:
        collection, body, expects = valid_body(run, resource)
        lacking, removed = without(body, name)
        if not removed:
            return Evidence({}, {"why": f"the create body has no {name} to leave out"})
        sent = run.send(f"without {name}", "POST", collection, body=lacking, expects=expects)
        hub_id = sent.json.get("id") if isinstance(sent.json, dict) else None
        if resource == "Hub" and isinstance(hub_id, str) and sent.status in (200, 201):
            run.subscriptions.append(hub_id)  # wrongly accepted: unregister it at the end
        return Evidence({"post": sent}, {"why": None})

    if resource == "Hub":
        hub_supported(run)
    evidence = run.gathered(f"v5.post.{resource}.{name}", gather)
    if evidence.values["why"]:
        raise NotApplicable(evidence.values["why"])
    return evidence["post"]


@check("cp5-post")
def post_mandatory(run: ExtendedRun) -> Failures:
    """A create lacking a mandatory attribute is refused: a 4xx with a v5 Error body."""
    sent = post_without(run, *params(run))
    return client_error(sent) or matches_schema(sent, ERROR)
