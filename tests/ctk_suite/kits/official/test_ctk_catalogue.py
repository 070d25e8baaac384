"""Pin the CTK 4.0.0 catalogue: requests, assertion names verbatim, counts, emission rules, check kinds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ctk_suite.kits.official.checks.catalogue import check_kinds, validate_assertion
from ctk_suite.kits.official.scenario import Emit, Scenario
from tests.support.ctk_helpers import INSTANCE_ASSERTIONS

INSTANCE = list(INSTANCE_ASSERTIONS)
IDENTITY = ["href is {{HREFPO01}}", "id is {{IDPO01}}", "orderDate is {{ORDERDATEPO01}}"]
#: The official scripts' second branch (`instance.id == pm.globals.get("IDPO02")`, never set in 4.0.0).
SECOND = ["href is {{HREFPO02}}", "id is {{IDPO02}}", "orderDate is {{ORDERDATEPO02}}"]
UNEXPECTED = ["IDPO02 not expected on this test"]

#: (title, always-present names, conditional names), in run order.
CATALOGUE = [
    ("N1 /ProductOrder [POST]", ["Status code is 201", *INSTANCE], ["Array not expected as response"]),
    ("N1 /ProductOrder [GET]", ["Status code is 200", *INSTANCE], [*IDENTITY, *SECOND]),
    ("N1 /ProductOrder/{{IDPO01}} [GET]", ["Status code is 200", *INSTANCE, *IDENTITY], UNEXPECTED),
    ("N2 /ProductOrder?fields=href [GET]", [], []),
    ("N2 /ProductOrder?fields=id [GET]", [], []),
    ("N2 /ProductOrder?id={{IDPO01}} [GET]", ["Status code is 200", *INSTANCE, *IDENTITY], UNEXPECTED),
    ("N2 /ProductOrder?fields=orderDate [GET]", [], []),
    (
        "N2 /ProductOrder?orderDate={{ORDERDATEPO01}} [GET]",
        ["Status code is 200", *INSTANCE, *IDENTITY],
        UNEXPECTED,
    ),
    ("E1 /ProductOrder/404ID [GET]", ["Status code is 404"], []),
]


def test_requests_in_certification_order(scenario: Scenario) -> None:
    assert [r.title for r in scenario.requests] == [title for title, _, _ in CATALOGUE]
    assert scenario.ctk_version == "4.0.0"


def test_assertion_names_verbatim(scenario: Scenario) -> None:
    for request, (title, always, conditional) in zip(scenario.requests, CATALOGUE, strict=True):
        emitted = {a.name for a in request.assertions if a.emit is Emit.ALWAYS}
        optional = {a.name for a in request.assertions if a.emit is not Emit.ALWAYS}
        assert (title, emitted, optional) == (title, set(always), set(conditional))


def test_sixty_always_present_plus_three_when_the_created_order_is_listed(scenario: Scenario) -> None:
    assertions = [a for r in scenario.requests for a in r.assertions]
    assert sum(a.emit is Emit.ALWAYS for a in assertions) == 60
    # Three identity checks of the created order on the list, and the IDPO02 branch: three names on the
    # list, "IDPO02 not expected on this test" on the three requests of the created order.
    assert sum(a.emit is Emit.IF_CREATED_ORDER_LISTED for a in assertions) == 3 + 3 + 3
    # The official "Array not expected as response" only ever appears to fail.
    assert [a.name for a in assertions if a.emit is Emit.IF_ARRAY] == ["Array not expected as response"]


def test_names_unique_per_request(scenario: Scenario) -> None:
    for request in scenario.requests:
        names = [a.name for a in request.assertions]
        assert len(names) == len(set(names)), request.title


def test_every_check_kind_used_is_registered(scenario: Scenario) -> None:
    used = {a.kind for r in scenario.requests for a in r.assertions}
    assert used <= set(check_kinds())
    assert used == {
        "status_code",
        "not_array",
        "mandatory_attributes",
        "attribute_type",
        "body_includes_value",
        "identity",
        "unexpected_instance",
    }
    for request in scenario.requests:
        for assertion in request.assertions:
            validate_assertion(assertion)


def test_post_payload_and_captures(scenario: Scenario) -> None:
    post = scenario.requests[0]
    assert post.body == {
        "productOrderItem": [{"id": "123", "action": "add"}],
        "relatedParty": [{"id": "456-dd-df45", "@referredType": "Individual"}],
    }
    assert dict(post.captures) == {"IDPO01": "id", "HREFPO01": "href", "ORDERDATEPO01": "orderDate"}
    assert dict(scenario.headers) == {"Accept": "application/json", "Content-Type": "application/json"}


PLAIN_TEST = re.compile(r"pm\.test\(\s*(['\"])([^'\"]*)\1\s*,")
IDENTITY_TEST = re.compile(r"pm\.test\('(\w+ is) ' \+ pm\.globals\.get\(\"(\w+)\"\)")


def _official_requests(folder: Path, name: str) -> list[tuple[str, str, str, set[str]]]:
    """(folder, request name, raw URL, pm.test names) of every request of an official collection."""
    collection = json.loads((folder / name).read_text(encoding="utf-8"))
    found = []
    for group in collection["item"]:
        for item in group["item"]:
            script = "\n".join(line for e in item.get("event", []) for line in e["script"]["exec"])
            names = {m[1] for m in PLAIN_TEST.findall(script)}
            names |= {f"{label} {{{{{var}}}}}" for label, var in IDENTITY_TEST.findall(script)}
            found.append((group["name"], item["name"], item["request"]["url"]["raw"], names))
    return found


@pytest.mark.parametrize(
    ("collection", "quote"),
    [
        ("TMF622-ProductOrdering-v4.0.0.testkit.json", ""),
        ("TMF622-ProductOrdering-v4.0.0.testkit.original-6db683a.json", "'"),
    ],
)
def test_matches_the_official_collection(
    scenario: Scenario, official_ctk_dir: Path, collection: str, quote: str
) -> None:
    """Same requests, names, paths and assertion names as TM Forum's kit (its IDPO02 branch included)."""
    official = _official_requests(official_ctk_dir, collection)
    assert len(official) == len(scenario.requests)
    for (group, name, url, names), request in zip(official, scenario.requests, strict=True):
        quoted = request.name.replace("{{ORDERDATEPO01}}", f"{quote}{{{{ORDERDATEPO01}}}}{quote}")
        assert (group, name) == (request.scenario, quoted)
        assert url.removeprefix("{{Product_Ordering}}") == request.path.replace(
            "{{ORDERDATEPO01}}", f"{quote}{{{{ORDERDATEPO01}}}}{quote}"
        )
        assert names == {a.name for a in request.assertions}, request.title
