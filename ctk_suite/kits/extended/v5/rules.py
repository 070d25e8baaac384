"""Checks of the v5 behaviour rules: PATCH media types, draft, 202, DELETE, cancel, fields, hub, schemas."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ctk_suite.core.failures import Failure, NotRun, describe
from ctk_suite.core.js import member
from ctk_suite.kits.extended.evidence import Blocked, Sent
from ctk_suite.kits.extended.expect import (
    equal,
    json_object,
    matches_schema,
    responded,
    status,
)
from ctk_suite.kits.extended.run import check
from ctk_suite.kits.extended.sweeps import judged
from ctk_suite.kits.extended.v5.conformance import UNSUPPORTED
from ctk_suite.kits.extended.v5.follow import location_path, outcome
from ctk_suite.kits.extended.v5.probes import ERROR
from ctk_suite.kits.extended.v5.probes_optional import ACKNOWLEDGED, DRAFT

if TYPE_CHECKING:
    from ctk_suite.kits.extended.run import ExtendedRun

MANDATORY_PROBES = ("v5.create", "v5.retrieve", "v5.list", "v5.cancel")
OPTIONAL_PROBES = (
    "v5.patch.merge",
    "v5.patch.json",
    "v5.patch.query",
    "v5.draft",
    "v5.delete",
    "v5.fields.post",
    "v5.fields.patch",
    "v5.hub",
    "v5.events",
    "v5.unhub",
)
#: What a `?fields=state` answer may hold (TMF630: the selection, plus the keys that identify it).
SELECTED = frozenset({"state", "id", "href", "@type"})
UNSUPPORTED_MEDIA = 415


def answered(evidence: Mapping[str, Sent], key: str, wanted: int) -> list[Failure]:
    """`key` answered `wanted` (or 202, followed to a 200); its outcome is a JSON object."""
    first, last = evidence[key], outcome(dict(evidence), key)
    if first.status == 202 and last is not first:
        return status(last, 200) or json_object(last)
    return status(first, wanted) or json_object(first)


def patched(run: ExtendedRun, probe_name: str, name: str, expected: Any) -> list[Failure] | NotRun:
    """The PATCH answered with the order holding `name` == `expected`, and the read-back agrees."""
    evidence = run.probe(probe_name)
    first = evidence["patch"]
    if first.status == UNSUPPORTED_MEDIA:
        return NotRun.inapplicable(
            f"{first.request} answered 415: the server does not support this media type"
        )
    if problems := answered(evidence.sent, "patch", 200):
        return problems
    last, back = outcome(dict(evidence.sent), "patch"), evidence["readBack"]
    return equal(last, f"$.{name}", member(last.json, name), expected) + (
        status(back, 200) or equal(back, f"$.{name}", member(back.json, name), expected)
    )


def patch_merge(run: ExtendedRun) -> list[Failure] | NotRun:
    return patched(run, "v5.patch.merge", "description", run.probe("v5.patch.merge").values["description"])


# Registered below the function, not with `@`: mutmut 3 leaves a decorated function unmutated (issue 22).
check("TMF622-v5-PATCH-MERGE")(patch_merge)


def patch_json(run: ExtendedRun) -> list[Failure] | NotRun:
    return patched(run, "v5.patch.json", "description", run.probe("v5.patch.json").values["description"])


check("TMF622-v5-PATCH-JSON")(patch_json)


def item_quantities(order: Any) -> dict[Any, Any]:
    """{item id: quantity} of an order."""
    items = member(order, "productOrderItem")
    listed = items if isinstance(items, list) else []
    return {member(i, "id"): member(i, "quantity") for i in listed if isinstance(i, dict)}


def patch_query(run: ExtendedRun) -> list[Failure] | NotRun:
    evidence = run.probe("v5.patch.query")
    first, values = evidence["patch"], evidence.values
    if first.status == UNSUPPORTED_MEDIA:
        return NotRun.inapplicable(
            f"{first.request} answered 415: the server does not support JSON Patch Query"
        )
    if problems := answered(evidence.sent, "patch", 200):
        return problems
    back = evidence["readBack"]
    before = {i: q for i, q in item_quantities(values["order"]).items() if i != values["itemId"]}
    expected = {**before, values["itemId"]: values["quantity"]}
    seen = item_quantities(back.json)
    return status(back, 200) or equal(back, "$.productOrderItem[*].quantity", seen, expected)


check("TMF622-v5-PATCH-QUERY")(patch_query)


def draft(run: ExtendedRun) -> list[Failure] | NotRun:
    evidence = run.probe("v5.draft")
    first = evidence["create"]
    if evidence.values["order"] is None:
        return NotRun.inapplicable(
            f"{first.request} answered HTTP {first.status}: the server takes no draft orders"
        )
    created = outcome(dict(evidence.sent), "create")
    failures = equal(created, "$.state", member(created.json, "state"), DRAFT)
    if evidence["patch"].status == UNSUPPORTED_MEDIA:
        return NotRun.inapplicable("the merge patch answered 415: the draft cannot be moved to acknowledged")
    moved = patched(run, "v5.draft", "state", ACKNOWLEDGED)
    return moved if isinstance(moved, NotRun) else failures + moved


check("TMF622-v5-DRAFT")(draft)


def every_answer(run: ExtendedRun, probes: Iterable[str]) -> list[tuple[str, Sent, Mapping[str, Sent]]]:
    """(key, answer, the probe's answers) of every request of `probes` that could run."""
    found = []
    for name in probes:
        with contextlib.suppress(Blocked):
            evidence = run.probe(name)
            found += [(key, sent, evidence.sent) for key, sent in evidence.sent.items()]
    return found


def async_202(run: ExtendedRun) -> list[Failure] | NotRun:
    accepted = [
        (k, s, all_)
        for k, s, all_ in every_answer(run, MANDATORY_PROBES + OPTIONAL_PROBES)
        if s.status == 202
    ]
    if not accepted:
        return NotRun.inapplicable("no answer was 202: the server processed every request synchronously")
    failures: list[Failure] = []
    for key, sent, all_sent in accepted:
        if location_path(run, sent) is None:
            failures.append(
                sent.fail(
                    "header Location",
                    "the URL of the accepted resource, in the API",
                    describe(sent.exchange.header("Location")),
                )
            )
            continue
        read = all_sent[f"{key}.follow"]
        failures += status(read, 404 if sent.exchange.method == "DELETE" else 200)
    return failures


check("TMF622-v5-ASYNC-202")(async_202)


def delete(run: ExtendedRun) -> list[Failure] | NotRun:
    evidence = run.probe("v5.delete")
    first = evidence["delete"]
    if first.status in (405, 501):
        return NotRun.inapplicable(f"{first.request} answered HTTP {first.status}: DELETE is not supported")
    # A 204 has no body to judge: the client reads none after it (http.client), whatever the server sends.
    if first.status != 202 and (problems := status(first, 204)):
        return problems
    back = evidence["readBack"]
    return status(back, 404) or matches_schema(back, ERROR)


check("TMF622-v5-DELETE")(delete)


def cancel(run: ExtendedRun) -> list[Failure]:
    evidence = run.probe("v5.cancel")
    if problems := answered(evidence.sent, "cancel", 201):
        return problems
    task, order = outcome(dict(evidence.sent), "cancel"), evidence.values["order"]
    body = task.json
    failures = equal(task, "$.productOrder.id", member(member(body, "productOrder"), "id"), order["id"])
    failures += [
        task.fail(f"$.{n}", "a non-empty string", describe(member(body, n)))
        for n in ("id", "state")
        if not isinstance(member(body, n), str) or not member(body, n)
    ]
    if "retrieve" not in evidence.sent:
        return failures
    read = evidence["retrieve"]
    return failures + (status(read, 200) or equal(read, "$.id", member(read.json, "id"), member(body, "id")))


check("TMF622-v5-CANCEL")(cancel)


def selected_only(sent: Sent) -> list[Failure]:
    """The answer holds state and nothing beyond SELECTED."""
    if problems := json_object(sent):
        return problems
    failures = [] if "state" in sent.json else [sent.fail("$.state", "the selected attribute", "absent")]
    if extra := sorted(set(sent.json) - SELECTED):
        failures.append(sent.fail("$", f"only {', '.join(sorted(SELECTED))}", f"also {', '.join(extra)}"))
    return failures


def fields_post(run: ExtendedRun) -> list[Failure]:
    evidence = run.probe("v5.fields.post")
    return answered(evidence.sent, "create", 201) or selected_only(outcome(dict(evidence.sent), "create"))


check("TMF622-v5-FIELDS-POST")(fields_post)


def fields_patch(run: ExtendedRun) -> list[Failure] | NotRun:
    evidence = run.probe("v5.fields.patch")
    if evidence["patch"].status == UNSUPPORTED_MEDIA:
        return NotRun.inapplicable("the merge patch answered 415: fields on PATCH cannot be tried")
    if problems := answered(evidence.sent, "patch", 200):
        return problems
    back, description = evidence["readBack"], evidence.values["description"]
    applied = status(back, 200) or equal(back, "$.description", member(back.json, "description"), description)
    return selected_only(outcome(dict(evidence.sent), "patch")) + applied


check("TMF622-v5-FIELDS-PATCH")(fields_patch)


def hub(run: ExtendedRun) -> list[Failure] | NotRun:
    evidence = run.probe("v5.hub")
    sent = evidence["hub"]
    if sent.status in UNSUPPORTED:
        return NotRun.inapplicable(f"{sent.request} answered HTTP {sent.status}: the server has no hub")
    if problems := status(sent, 201) or json_object(sent):
        return problems
    found = equal(sent, "$.callback", member(sent.json, "callback"), evidence.values["callback"])
    hub_id = member(sent.json, "id")
    if not (isinstance(hub_id, str) and hub_id):
        # Failed here, not "not checked": without an id there is no subscription to remove.
        return [*found, sent.fail("$.id", "a non-empty string", describe(hub_id))]
    removed = run.probe("v5.unhub")["unhub"]
    return found + status(removed, 204)


check("TMF622-v5-HUB")(hub)


def schema_of_status(sent: Sent) -> list[Failure]:
    """2xx: the expected v5 resource (a 204: no body); 4xx and 5xx: a v5 Error."""
    if missing := responded(sent):
        return missing
    code = sent.status or 0
    if code >= 400:
        return matches_schema(sent, ERROR)
    if code == 202 and sent.exchange.size == 0:
        return []
    if sent.expects is None or code == 204:
        return [] if sent.exchange.size == 0 else [sent.fail("$", "no body", f"{sent.exchange.size} bytes")]
    return matches_schema(sent, sent.expects)


def schemas_mandatory(run: ExtendedRun) -> list[Failure]:
    return [f for sent in judged(run, MANDATORY_PROBES) for f in schema_of_status(sent)]


check("TMF622-v5-SCHEMA-M")(schemas_mandatory)


def schemas_optional(run: ExtendedRun) -> list[Failure]:
    return [f for sent in judged(run, OPTIONAL_PROBES) for f in schema_of_status(sent)]


check("TMF622-v5-SCHEMA-O")(schemas_optional)
