"""Every parameter of our CTK 4.0.0 port equals the official collection's (issue 9, section 2).

The official collection is read from TMF622_CTK_DIR (it is TM Forum's, not in this repository) and each
request's test script is reduced to the facts our scenario file states as data: the expected status, the
mandatory attribute list, each type check and body-includes check with its attribute, the captured
globals, the identity branches with their key global, the IDPO02 branch, the array check, whether the
script checks the body itself or each element, and the request itself (folder, name, method, URL, body,
headers). `official_facts` and `our_facts` produce the same shape, so one `!=` finds any drift.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from ctk_suite.kits.official.scenario import RequestSpec, Scenario, load_scenario
from tmf622_scenarios import scenario_path

COLLECTION = "TMF622-ProductOrdering-v4.0.0.testkit.json"
ROOT = "{{Product_Ordering}}"

_STATUS = re.compile(
    r"pm\.test\(\"(Status code is \d+)\", function \(\) \{\s*pm\.response\.to\.have\.status\((\d+)\)"
)
_REQUIRED = re.compile(r"var requiredAttributes = \[([^\]]*)\]")
_TYPE = re.compile(
    r"pm\.test\('([^']+)', function\(\) \{ pm\.expect\(instance\[\"(\w+)\"\]\)\.to\.be\.a\('(\w+)'\)"
)
_INCLUDE = re.compile(
    r"pm\.test\('([^']+)', function \(\) \{\s*"
    r"pm\.expect\(pm\.response\.text\(\)\)\.to\.include\(instance\['(\w+)'\]\)"
)
_CAPTURE = re.compile(r"pm\.globals\.set\('(\w+)', instance\['(\w+)'\]\)")
_BRANCH = re.compile(r"if \(instance\.id == pm\.globals\.get\(\"(\w+)\"\)\) \{(.*?)\n\s*\}", re.DOTALL)
_IDENTITY = re.compile(
    r"pm\.test\('(\w+ is )' \+ pm\.globals\.get\(\"(\w+)\"\), function\(\) "
    r"\{pm\.expect\(instance\['(\w+)'\]\) == pm\.globals\.get\('(\w+)'\);\}\)"
)
_UNEXPECTED = re.compile(r"pm\.test\('(\w+ not expected on this test)'")


@dataclasses.dataclass(frozen=True)
class Facts:
    """What one request of either kit sends and asserts, in comparable form."""

    scenario: str
    name: str
    method: str
    path: str
    body: Any
    headers: dict[str, str]
    statuses: frozenset[tuple[str, int]]
    mandatory: tuple[tuple[str, ...], ...]  # the attribute list of each mandatory-attributes check
    types: frozenset[tuple[str, str, str]]  # (assertion name, attribute, JSON type)
    includes: frozenset[tuple[str, str]]  # (assertion name, attribute)
    captures: dict[str, str]  # global -> attribute of the created order
    identities: frozenset[tuple[str, str, str, str]]  # (name prefix, global shown, attribute, key global)
    unexpected: frozenset[tuple[str, str]]  # (assertion name, key global)
    array_check: bool
    per_element: bool  # the script checks each element of a non-empty array, not the body itself


def official_facts(item: dict[str, Any], folder: str) -> Facts:
    script = "\n".join(
        next((e["script"]["exec"] for e in item.get("event", []) if e["listen"] == "test"), [])
    )
    request = item["request"]
    raw_body = request.get("body", {}).get("raw")
    required = {tuple(json.loads(f"[{m.replace(chr(39), chr(34))}]")) for m in _REQUIRED.findall(script)}
    identities, unexpected = set(), set()
    for key, branch in _BRANCH.findall(script):
        identities |= {(p, shown, attr, key) for p, shown, attr, _ in _IDENTITY.findall(branch)}
        unexpected |= {(name, key) for name in _UNEXPECTED.findall(branch)}
    return Facts(
        scenario=folder,
        name=item["name"],
        method=request["method"],
        path=request["url"]["raw"].removeprefix(ROOT),
        body=json.loads(raw_body) if raw_body else None,
        headers={h["key"]: h["value"] for h in request.get("header", [])},
        statuses=frozenset((name, int(code)) for name, code in _STATUS.findall(script)),
        mandatory=tuple(sorted(required)),
        types=frozenset(_TYPE.findall(script)),
        includes=frozenset(_INCLUDE.findall(script)),
        captures=dict(_CAPTURE.findall(script)),
        identities=frozenset(identities),
        unexpected=frozenset(unexpected),
        array_check="'Array not expected as response'" in script,
        per_element="forEach" in script,
    )


def our_facts(scenario: Scenario, spec: RequestSpec) -> Facts:
    def of(kind: str) -> list[Any]:
        return [a for a in spec.assertions if a.kind == kind]

    return Facts(
        scenario=spec.scenario,
        name=spec.name,
        method=spec.method,
        path=spec.path,
        body=spec.body,
        headers=dict(scenario.headers),
        statuses=frozenset((a.name, int(a.params["status"])) for a in of("status_code")),
        mandatory=tuple(sorted({tuple(a.params["attributes"]) for a in of("mandatory_attributes")})),
        types=frozenset((a.name, a.params["attribute"], a.params["type"]) for a in of("attribute_type")),
        includes=frozenset((a.name, a.params["attribute"]) for a in of("body_includes_value")),
        captures=dict(spec.captures),
        identities=frozenset(
            (
                a.name.partition("{{")[0],
                a.name.partition("{{")[2].rstrip("}"),
                a.params["attribute"],
                a.params.get("keyVariable", "IDPO01"),
            )
            for a in of("identity")
        ),
        unexpected=frozenset((a.name, a.params["keyVariable"]) for a in of("unexpected_instance")),
        array_check=bool(of("not_array")),
        per_element=spec.instances == "each" and bool(of("mandatory_attributes")),
    )


def facts_diff(collection: dict[str, Any], scenario: Scenario) -> list[str]:
    """One line per request whose facts differ, naming the fields; empty when the port is exact."""
    official = [
        official_facts(item, folder["name"]) for folder in collection["item"] for item in folder["item"]
    ]
    ours = [our_facts(scenario, spec) for spec in scenario.requests]
    lines = (
        [f"request count: official {len(official)}, ours {len(ours)}"] if len(official) != len(ours) else []
    )
    for theirs, mine in zip(official, ours, strict=False):
        for field in dataclasses.fields(Facts):
            if getattr(theirs, field.name) != getattr(mine, field.name):
                lines.append(
                    f"{theirs.scenario} {theirs.name} [{theirs.method}] {field.name}: "
                    f"official {getattr(theirs, field.name)!r}, ours {getattr(mine, field.name)!r}"
                )
    return lines


@pytest.fixture(scope="module")
def collection(official_ctk_dir: Path, ctk_unavailable) -> dict[str, Any]:
    path = official_ctk_dir / COLLECTION
    if not path.is_file():
        ctk_unavailable(f"{path} is missing")
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def test_every_parameter_of_the_port_equals_the_official_one(collection: dict[str, Any]) -> None:
    assert facts_diff(collection, load_scenario(scenario_path())) == []


def test_the_facts_are_really_read_from_the_scripts(collection: dict[str, Any]) -> None:
    by_id = official_facts(collection["item"][0]["item"][2], "N1")
    assert by_id.mandatory == (("productOrderItem", "href", "id", "orderDate", "relatedParty", "state"),)
    assert by_id.statuses == {("Status code is 200", 200)}
    assert len(by_id.types) == 5
    assert len(by_id.includes) == 3
    assert by_id.identities == {
        ("href is ", "HREFPO01", "href", "IDPO01"),
        ("id is ", "IDPO01", "id", "IDPO01"),
        ("orderDate is ", "ORDERDATEPO01", "orderDate", "IDPO01"),
    }
    assert by_id.unexpected == {("IDPO02 not expected on this test", "IDPO02")}
    create = official_facts(collection["item"][0]["item"][0], "N1")
    assert create.captures == {"HREFPO01": "href", "IDPO01": "id", "ORDERDATEPO01": "orderDate"}
    assert (create.array_check, create.per_element) == (True, False)


def _mutated(scenario: Scenario, index: int, **changes: Any) -> Scenario:
    requests = list(scenario.requests)
    requests[index] = dataclasses.replace(requests[index], **changes)
    return dataclasses.replace(scenario, requests=tuple(requests))


def test_dropping_state_from_the_mandatory_attributes_is_caught(collection: dict[str, Any]) -> None:
    scenario = load_scenario(scenario_path())
    spec = scenario.requests[2]
    assertions = tuple(
        dataclasses.replace(
            a, params={**a.params, "attributes": [x for x in a.params["attributes"] if x != "state"]}
        )
        if a.kind == "mandatory_attributes"
        else a
        for a in spec.assertions
    )
    diff = facts_diff(collection, _mutated(scenario, 2, assertions=assertions))
    assert len(diff) == 1
    assert diff[0].startswith("N1 /ProductOrder/{{IDPO01}} [GET] mandatory: official (('productOrderItem'")


@pytest.mark.parametrize(
    ("index", "changes", "field"),
    [
        (0, {"captures": {"IDPO01": "id", "HREFPO01": "href"}}, "captures"),
        (8, {"path": "productOrder/404"}, "path"),
        (0, {"instances": "each"}, "per_element"),
    ],
)
def test_a_changed_capture_path_or_instance_mode_is_caught(
    collection: dict[str, Any], index: int, changes: dict[str, Any], field: str
) -> None:
    diff = facts_diff(collection, _mutated(load_scenario(scenario_path()), index, **changes))
    assert [line.split("]", 1)[1].split(":")[0].strip() for line in diff] == [field]


def test_a_changed_expected_status_is_caught(collection: dict[str, Any]) -> None:
    scenario = load_scenario(scenario_path())
    spec = scenario.requests[8]
    assertions = tuple(dataclasses.replace(a, params={"status": 400}) for a in spec.assertions)
    diff = facts_diff(collection, _mutated(scenario, 8, assertions=assertions))
    assert diff == [
        "E1 /ProductOrder/404ID [GET] statuses: official frozenset({('Status code is 404', 404)}), "
        "ours frozenset({('Status code is 404', 400)})"
    ]
