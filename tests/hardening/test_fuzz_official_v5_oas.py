"""Schemathesis cases generated from TM Forum's official TMF622 v5.0.0 OAS, sent to the real mock's v5 API.

The same runner and checks as for the v4 swagger (fuzzing.py): no 5xx, documented media types, answers
valid against the document, forbidden data refused. Neutralised, explicitly: `servers`
(`https://serverRoot`; the mock's v5 base URL is set instead) and the `/listener/...` paths (the mock
is the server, not a listener), and the `oneOf` of the discriminated unions (`PartyRefOrPartyRoleRef`,
`ProductRefOrValue`, ...), which become `anyOf` as in our generated schemas (schemas/v5/README.md): TMF
schemas are open, so `{"@type": "PartyRef", "id": "1"}` also matches PartyRoleRef and "exactly one"
refuses every valid document; `@type` picks the member (the mock enforces that; schemathesis checks
that a response's root `@type` is one its discriminator maps). The file comes from TMF622_V5_OAS or
../shared/reference.
"""

from __future__ import annotations

import copy
import json
import os
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager, closing
from pathlib import Path
from random import Random
from typing import Any, NoReturn

import pytest
from schemathesis import Case

from tests.support.hardening.fuzz_plans import planned_cases
from tests.support.hardening.fuzzing import Fuzzer, Plan, collection_of, examples_override
from tests.support.hardening.spec_documents import SpecPair, spec_pair

LISTENERS = "^/listener/"
OAS_NAME = "TMF622-ProductOrdering-v5.0.0.oas.json"
DEFAULT_OAS = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / OAS_NAME
V4_BASE_PATH = "/tmf-api/productOrderingManagement/v4"
V5_BASE_PATH = "/tmf-api/productOrderingManagement/v5"

#: Cases per operation (positive, negative), kept small: the run stays well under a minute.
V5_PLAN = {
    "POST /productOrder": Plan(40, 20),
    "GET /productOrder": Plan(30, 20),
    "GET /productOrder/{id}": Plan(30),
    "PATCH /productOrder/{id}": Plan(60, 20),
    "DELETE /productOrder/{id}": Plan(20),
    "POST /cancelProductOrder": Plan(30, 20),
    "GET /cancelProductOrder": Plan(20, 10),
    "GET /cancelProductOrder/{id}": Plan(20),
    "POST /hub": Plan(20, 10),
    "DELETE /hub/{id}": Plan(10),
}

PATCH_MEDIA_TYPES = {
    "application/json",
    "application/merge-patch+json",
    "application/json-patch+json",
    "application/json-patch-query+json",
}
#: `@type` of the bodies whose root the OAS discriminator maps to one name (see V5Fuzzer).
TYPE_NAMES = {"productOrder": "ProductOrder", "cancelProductOrder": "CancelProductOrder"}


class V5Fuzzer(Fuzzer):
    """Generated `@type`s are random strings, and the mock stores only the type the OAS mapping names
    (a random one is a 400). Three bodies in four get that name, so the other operations find orders.
    """

    #: v5 requires `@type` of every entity, so a projection keeps it (versions/tmf622_v5/handlers.py).
    always_selected = frozenset({"id", "href", "@type"})

    def __init__(self, spec: SpecPair, base_url: str, callback: str) -> None:
        super().__init__(spec, base_url, callback)
        self.patch_media_types: Counter[str] = Counter()

    def _aim(self, case: Case, chance: Random) -> None:
        super()._aim(case, chance)
        if case.method.upper() == "PATCH":
            self.patch_media_types[str(case.media_type)] += 1
        type_name = TYPE_NAMES.get(collection_of(case.operation))
        if type_name and isinstance(case.body, dict) and chance.random() >= 0.25:
            case.body["@type"] = type_name


def unions_as_any_of(document: dict[str, Any]) -> dict[str, Any]:
    """A copy where every `oneOf` beside a `discriminator` is an `anyOf` (see the module doc)."""
    fixed = copy.deepcopy(document)
    stack: list[Any] = [fixed]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "discriminator" in node and "oneOf" in node:
                node["anyOf"] = node.pop("oneOf")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return fixed


@pytest.fixture(scope="module")
def official_v5_oas(ctk_unavailable: Callable[[str], NoReturn]) -> Path:
    path = Path(os.environ.get("TMF622_V5_OAS") or DEFAULT_OAS)
    if not path.is_file():
        ctk_unavailable(f"the official v5 OAS {OAS_NAME} is not at {path}: set TMF622_V5_OAS")
    return path


def test_official_v5_oas_cases_get_documented_answers(
    official_v5_oas: Path,
    start_mock_server: Callable[..., AbstractContextManager[str]],
    dead_callback: str,
) -> None:
    override = examples_override()
    document = unions_as_any_of(json.loads(official_v5_oas.read_text(encoding="utf-8")))
    with start_mock_server("--notify-attempts", "1") as v4_url:
        base_url = v4_url.rstrip("/").removesuffix(V4_BASE_PATH) + V5_BASE_PATH
        with closing(V5Fuzzer(spec_pair(document, base_url, LISTENERS), base_url, dead_callback)) as fuzzer:
            total = fuzzer.run_plan(V5_PLAN, override)
    print(f"\n{total} cases from the official v5 OAS; answers: {fuzzer.statuses}")
    print(f"PATCH media types: {dict(fuzzer.patch_media_types)}")
    assert total == planned_cases(V5_PLAN, override)
    assert fuzzer.positive_runs_without_success() == []
    assert set(fuzzer.patch_media_types) == PATCH_MEDIA_TYPES  # every media type the OAS lists
