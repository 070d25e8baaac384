"""Schemathesis against the running mock: one counted Hypothesis run per operation and generation mode.

Checks on every answer:
- `not_a_server_error`: no 5xx;
- `content_type_conformance`: the documented media type (not for 204, which has no content,
  although swagger's global `produces` covers it);
- `response_schema_conformance` and `response_headers_conformance` (X-Total-Count...), against the
  document as written (cases come from a copy with bounded arrays, see spec_documents.MAX_ITEMS);
  a `?fields=` answer is a TMF630 projection, not a whole resource, so `check_field_selection`
  judges its body instead;
- negative cases: `negative_data_rejection` (a 4xx for data the spec forbids), unless the only
  negated part is the body and either that body is valid against the document as written (it
  broke only the bound, or a format with no JSON meaning such as swagger's `float`), or it is a
  PATCH: a merge patch (RFC 7386) is not a resource, members it omits keep their value and `null`
  deletes one, so `{"billingAccount": {"name": "x"}}` is fine when the order already has a
  billingAccount.id. What such a PATCH leaves is judged instead: the 200 answer is the patched
  resource, validated against the resource schema like every other answer.
Not run: `positive_data_acceptance`. The mock refuses, on purpose, data the v4 swagger's generated
schemas allow: `productOrderItem.state` on create (a server-owned field the swagger lists under
"Skipped properties"), negative `offset`/`limit`, callbacks that are not http(s) URLs, and cancel
requests for unknown orders. Stateful-link checks need links, which neither document has.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from random import Random

import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import Case, CheckFunction, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import AcceptedNegativeData, FailureGroup
from schemathesis.core.result import Ok
from schemathesis.core.transport import Response
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
)

from tests.support.hardening.spec_documents import SpecPair, body_validator

POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
#: Replaces every operation's CI budget by this many cases per mode, generated at random.
EXAMPLES_ENV = "TMF622_FUZZ_EXAMPLES"
#: TMF630 attribute selection: `?fields=` answers with the named first-level attributes plus these.
ALWAYS_SELECTED = frozenset({"id", "href"})
TIMEOUT_S = 10
#: Valid cases of one operation after which at least one must have succeeded (every CI run does).
SUCCESS_EXPECTED_AFTER = 30


@dataclass(frozen=True)
class Plan:
    """How many generated cases one operation gets in CI, per generation mode."""

    positive: int
    negative: int = 0

    def runs(self, override: int | None) -> Iterator[tuple[GenerationMode, int]]:
        for mode, budget in ((POSITIVE, self.positive), (NEGATIVE, self.negative)):
            if budget:
                yield mode, budget if override is None else override


def examples_override() -> int | None:
    """`TMF622_FUZZ_EXAMPLES=5000`: 5,000 random cases per operation and mode instead of the CI plan."""
    raw = os.environ.get(EXAMPLES_ENV, "").strip()
    return int(raw) if raw else None


def collection_of(operation: APIOperation) -> str:
    """`/productOrder/{id}` and `/productOrder` -> `productOrder` (whatever the prefix)."""
    return operation.path.removesuffix("/{id}").rsplit("/", 1)[-1]


@dataclass
class IdPool:
    """Ids the fuzz run created, per collection, so by-id operations also reach real resources."""

    ids: dict[str, list[str]] = field(default_factory=dict)

    def add(self, collection: str, resource_id: str) -> None:
        self.ids.setdefault(collection, []).append(resource_id)

    def pick(self, collection: str, chance: Random) -> str | None:
        """A known id three times in four; None (keep the generated id) otherwise."""
        known = self.ids.get(collection, [])
        return chance.choice(known) if known and chance.random() >= 0.25 else None

    def discard(self, collection: str, resource_id: str) -> None:
        known = self.ids.get(collection, [])
        if resource_id in known:
            known.remove(resource_id)


#: Creations first, so reads, patches and cancellations find resources; orders before cancellations
#: (which need orders). Deletions come last, subscriptions first, so few listeners see the events.
COLLECTION_ORDER = ("productOrder", "cancelProductOrder", "hub")
DELETION_ORDER = ("hub", "cancelProductOrder", "productOrder")
METHOD_ORDER = ("POST", "GET", "PATCH")


def _rank(value: str, order: tuple[str, ...]) -> int:
    return order.index(value) if value in order else len(order)


def run_order(operation: APIOperation) -> tuple[bool, int, int, str]:
    """Sort key: creations, reads and patches by collection, then deletions (see above)."""
    collection, method = collection_of(operation), operation.method.upper()
    if method == "DELETE":
        return True, _rank(collection, DELETION_ORDER), 0, operation.path
    return False, _rank(collection, COLLECTION_ORDER), _rank(method, METHOD_ORDER), operation.path


def check_field_selection(case: Case, response: Response, always: frozenset[str] = ALWAYS_SELECTED) -> None:
    """`?fields=a,b`: only a, b and the `always` attributes (TMF622B: id and href) come back, in objects."""
    selected = {name.strip().split(".")[0] for name in str(case.query["fields"]).split(",")}
    body = response.json()
    for resource in body if isinstance(body, list) else [body]:
        assert isinstance(resource, dict), f"{case.method} {case.formatted_path}: {resource!r}"
        extra = set(resource) - selected - always
        assert not extra, f"fields={case.query['fields']!r} but the mock also returned {sorted(extra)}"


def _excused_negative(spec: SpecPair, case: Case, group: FailureGroup) -> bool:
    """An accepted "negative" body that was not negative after all (see module doc)."""
    if not all(isinstance(failure, AcceptedNegativeData) for failure in group.exceptions):
        return False
    assert case.meta is not None, "a generated case carries its generation metadata"
    negated = {location.name for location, info in case.meta.components.items() if info.mode.is_negative}
    if negated != {"BODY"}:
        return False
    if case.method.upper() == "PATCH":  # RFC 7386: the patched resource is judged, not the patch
        return True
    validator = body_validator(spec.document, case.operation.path, case.method, case.media_type)
    return bool(validator.is_valid(case.body))


class Fuzzer:
    """Runs generated cases of one document against the mock and counts them.

    `callback` replaces every generated hub callback: the mock posts notifications there, and a
    fuzzed URL could point anywhere; it must stay on loopback.
    """

    #: What a `?fields=` answer holds beside the named attributes.
    always_selected = ALWAYS_SELECTED

    def __init__(self, spec: SpecPair, base_url: str, callback: str) -> None:
        self.spec = spec
        self.base_url = base_url
        self.callback = callback
        self.pool = IdPool()
        self.session = requests.Session()
        self.statuses: dict[str, dict[int, int]] = {}

    def close(self) -> None:
        self.session.close()

    def operations(self) -> list[APIOperation]:
        """Operations to generate from, in the order `run_order` explains."""
        found = []
        for result in self.spec.generation.get_all_operations():
            assert isinstance(result, Ok), f"schemathesis cannot read an operation: {result.err()}"
            found.append(result.ok())
        return sorted(found, key=run_order)

    def run_plan(self, plan: Mapping[str, Plan], override: int | None) -> int:
        """Every operation of the document, each as planned (the plan must name them all);
        derandomized (the same cases every CI run) unless `override` asks for a longer run.
        """
        operations = self.operations()
        assert sorted(operation.label for operation in operations) == sorted(plan)
        return sum(
            self.run(operation, mode, examples, derandomize=override is None)
            for operation in operations
            for mode, examples in plan[operation.label].runs(override)
        )

    def positive_runs_without_success(self) -> list[str]:
        """Runs of valid cases that never got a 2xx: the fuzzing missed the API (wrong URL, ids).
        Runs shorter than SUCCESS_EXPECTED_AFTER cases are too short to tell.
        """
        return [
            run
            for run, statuses in self.statuses.items()
            if run.endswith(POSITIVE.value)
            and sum(statuses.values()) >= SUCCESS_EXPECTED_AFTER
            and not any(200 <= status < 300 for status in statuses)
        ]

    def case_strategy(self, operation: APIOperation, mode: GenerationMode) -> st.SearchStrategy[Case]:
        return operation.as_strategy(generation_mode=mode)

    def run(self, operation: APIOperation, mode: GenerationMode, examples: int, derandomize: bool) -> int:
        """`examples` cases of `operation`; raises on the first failed check (no shrinking)."""
        count = 0
        strategy = st.tuples(self.case_strategy(operation, mode), st.integers(0, 2**32 - 1).map(Random))

        @settings(
            max_examples=examples,
            derandomize=derandomize,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(drawn=strategy)
        def one_case(drawn: tuple[Case, Random]) -> None:
            nonlocal count
            case, chance = drawn
            self._aim(case, chance)
            self._exchange(case, mode)
            count += 1

        one_case()
        return count

    def _aim(self, case: Case, chance: Random) -> None:
        """Point most by-id cases at resources that exist, and every hub callback at loopback."""
        collection = collection_of(case.operation)
        existing = self.pool.pick(collection, chance)
        if existing is not None and "id" in (case.path_parameters or {}):
            case.path_parameters["id"] = existing
        body = case.body
        if isinstance(body, dict):
            reference = body.get("productOrder")
            order_id = self.pool.pick("productOrder", chance)
            if isinstance(reference, dict) and isinstance(reference.get("id"), str) and order_id:
                reference["id"] = order_id
            if collection == "hub" and isinstance(body.get("callback"), str):
                body["callback"] = self.callback

    def _exchange(self, case: Case, mode: GenerationMode) -> None:
        response = case.call(base_url=self.base_url, session=self.session, timeout=TIMEOUT_S)
        tally = self.statuses.setdefault(f"{case.operation.label} {mode.value}", {})
        tally[response.status_code] = tally.get(response.status_code, 0) + 1
        self._check_transport(case, response, mode)
        answer_checks: list[CheckFunction] = [response_headers_conformance]
        if "fields" not in (case.query or {}):
            answer_checks.append(response_schema_conformance)
        elif response.status_code == 200:
            check_field_selection(case, response, self.always_selected)
        self._twin(case).validate_response(response, checks=answer_checks)
        self._remember(case, response)

    def _check_transport(self, case: Case, response: Response, mode: GenerationMode) -> None:
        checks: list[CheckFunction] = [not_a_server_error]
        if response.status_code != 204:
            checks.append(content_type_conformance)
        if mode is NEGATIVE:
            checks.append(negative_data_rejection)
        try:
            case.validate_response(response, checks=checks)
        except FailureGroup as group:
            if not _excused_negative(self.spec, case, group):
                raise

    def _twin(self, case: Case) -> Case:
        """The same request on the document as written, whose response schemas are unbounded."""
        operation = self.spec.spec.find_operation_by_label(case.operation.label)
        assert operation is not None, case.operation.label
        return operation.Case(
            path_parameters=case.path_parameters,
            query=case.query,
            headers=case.headers,
            body=case.body,
            media_type=case.media_type,
        )

    def _remember(self, case: Case, response: Response) -> None:
        collection = collection_of(case.operation)
        if case.method.upper() == "POST" and response.status_code == 201:
            self.pool.add(collection, json.loads(response.content)["id"])
        elif case.method.upper() == "DELETE" and response.status_code == 204:
            self.pool.discard(collection, str(case.path_parameters["id"]))
