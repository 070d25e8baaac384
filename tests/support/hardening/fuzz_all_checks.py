"""Every schemathesis check (the CLI's `--checks all`) on the mock's own OpenAPI documents (issue 20).

Where fuzzing.Fuzzer judges TM Forum's documents, which the mock does not follow to the letter, and so
leaves some checks out, this judges the mock's own documents: they must say what it does, so every
registered check runs on every answer (stateful and authentication checks pass where their phase or a
security scheme is absent). Valid cases come from the bounded copy (spec_documents.MAX_ITEMS: fast to
generate, and valid in the document as written too); negative ones from the document as written (a
case breaking only a copy's bound would be a false "negative"). The run stays short: a fixed number
of derandomized cases per operation and mode.

One exception, stated: a schema-valid PATCH body may still not apply to the resource it targets (a
JSON Patch `path` the order does not have, a merge whose result breaks a rule), which no schema can
express; the mock answers 400, as TMF630 does for a patch it cannot apply (RFC 5789 2.2 leaves
the code to the server), and the documents say so. So a positive PATCH may get 400: every other check
still runs on it, `positive_data_acceptance` on every other operation.

What makes a generated request valid beyond any schema is supplied as a client would: positive cases
point at resources the run created (a reference to an unknown order is refused with 400, a valid
request about a missing one). Nothing else is rewritten: a v5 body's root `@type`, for one, comes
from the document's `const`.
"""

from __future__ import annotations

from random import Random

from hypothesis import reject
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from schemathesis import Case, CheckFunction, GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.errors import InvalidSchema
from schemathesis.core.transport import Response
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import positive_data_acceptance, response_schema_conformance

from tests.support.hardening.fuzzing import NEGATIVE, Fuzzer, check_field_selection, collection_of
from tests.support.hardening.spec_documents import SpecPair

DOC_URI = "urn:tmf622-mock:own-openapi"


def all_checks() -> list[CheckFunction]:
    """Every check schemathesis registers, as `--checks all` runs them."""
    load_all_checks()
    return list(CHECKS.get_all())  # type: ignore[arg-type]  # CheckClass items run through the same call


class AllChecksFuzzer(Fuzzer):
    """The Fuzzer's id pool and loopback callbacks; every check on every answer."""

    def __init__(self, spec: SpecPair, base_url: str, callback: str, kept: frozenset[str]) -> None:
        super().__init__(spec, base_url, callback)
        self.always_selected = kept
        self.checks = all_checks()
        registry: Registry[object] = Registry().with_resource(
            DOC_URI, Resource.from_contents(spec.document, default_specification=DRAFT202012)
        )
        self._registry = registry
        self.mode = GenerationMode.POSITIVE
        self.generator_refusals = 0

    def run(self, operation: APIOperation, mode: GenerationMode, examples: int, derandomize: bool) -> int:
        self.mode = mode
        if mode is NEGATIVE:  # from the document as written (see the module doc)
            found = self.spec.spec.find_operation_by_label(operation.label)
            assert found is not None, operation.label
            operation = found
        return super().run(operation, mode, examples, derandomize)

    def case_strategy(self, operation: APIOperation, mode: GenerationMode) -> st.SearchStrategy[Case]:
        """Negative cases whose mutated schema schemathesis itself cannot generate from are skipped.

        Its negative mutations of v5's composed schemas sometimes yield one its builder refuses
        (`InvalidSchema: Cannot generate an array with 1 demanded elements`): a limit of the generator,
        not an answer of the mock nor a flaw of the document (which openapi-spec-validator accepts).
        Such a draw is rejected like a failed `assume` and counted in `generator_refusals`.
        """
        cases = super().case_strategy(operation, mode)
        if mode is not NEGATIVE:
            return cases

        @st.composite
        def drawn(draw: st.DrawFn) -> Case:
            try:
                return draw(cases)
            except InvalidSchema:
                self.generator_refusals += 1
                reject()

        return drawn()

    def _aim(self, case: Case, chance: Random) -> None:
        super()._aim(case, _Always() if self.mode is not NEGATIVE else chance)

    def _exchange(self, case: Case, mode: GenerationMode) -> None:
        response = case.call(base_url=self.base_url, session=self.session, timeout=10)
        tally = self.statuses.setdefault(f"{case.operation.label} {mode.value}", {})
        tally[response.status_code] = tally.get(response.status_code, 0) + 1
        unapplicable_patch = case.method.upper() == "PATCH" and response.status_code == 400
        bounded = mode is not NEGATIVE  # generated from the bounded copy: judge answers by the original
        left_out = {
            *([positive_data_acceptance] if unapplicable_patch else []),
            *([response_schema_conformance] if bounded else []),
        }
        case.validate_response(response, checks=[c for c in self.checks if c not in left_out])
        if bounded:
            self._twin(case).validate_response(response, checks=[response_schema_conformance])
        self._whole_resource_unless_projected(case, response)
        self._remember(case, response)

    def _whole_resource_unless_projected(self, case: Case, response: Response) -> None:
        """The documents allow a projection wherever `?fields=` may be sent; without it, the answer
        must be the whole resource (and with it, hold only what was asked)."""
        if response.status_code != 200 or case.method.upper() != "GET":
            return
        if "fields" in (case.query or {}):
            check_field_selection(case, response, self.always_selected)
            return
        name = {"productOrder": "ProductOrder", "cancelProductOrder": "CancelProductOrder"}.get(
            collection_of(case.operation)
        )
        if name is None:
            return
        validator = Draft202012Validator(
            {"$ref": f"{DOC_URI}#/components/schemas/{name}"}, registry=self._registry
        )
        body = response.json()
        for resource in body if isinstance(body, list) else [body]:
            errors = [error.message for error in validator.iter_errors(resource)]
            assert not errors, f"{case.method} {case.formatted_path}: not a whole {name}: {errors[:3]}"


class _Always(Random):
    """A chance that always picks a known resource (random() never falls under the 1 in 4)."""

    def random(self) -> float:
        return 0.99
