"""Schemathesis cases generated from the mock's own OpenAPI document (`GET {base}/openapi.json`).

The document says what the mock implements (TMF630 filters, PATCH media types, 413/415, the hub's
GET), so its answers must match it exactly. The checks: fuzzing.py. A longer, random run:
    TMF622_FUZZ_EXAMPLES=2000 .venv/bin/pytest tests/hardening/test_fuzz_own_openapi.py -s
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, closing
from urllib.parse import urlsplit

import pytest
import requests
from schemathesis.schemas import APIOperation

from tests.support.hardening.fuzz_all_checks import AllChecksFuzzer
from tests.support.hardening.fuzz_plans import for_this_run, own_plan, planned_cases
from tests.support.hardening.fuzzing import Fuzzer, Plan, examples_override
from tests.support.hardening.spec_documents import spec_pair

TIMEOUT_S = 10


def test_own_openapi_cases_get_documented_answers(
    start_mock_server: Callable[..., AbstractContextManager[str]], dead_callback: str
) -> None:
    override = examples_override()
    with start_mock_server("--notify-attempts", "1") as base_url:
        answer = requests.get(f"{base_url}/openapi.json", timeout=TIMEOUT_S)
        assert answer.status_code == 200, f"the mock serves no {base_url}/openapi.json"
        parts = urlsplit(base_url)
        root = f"{parts.scheme}://{parts.netloc}"  # the document's paths carry the base path
        plan = for_this_run(own_plan(parts.path))
        with closing(Fuzzer(spec_pair(answer.json(), root), root, dead_callback)) as fuzzer:
            total = fuzzer.run_plan(plan, override)
    print(f"\n{total} cases from the mock's own OpenAPI document; answers: {fuzzer.statuses}")
    assert total == planned_cases(plan, override)
    assert fuzzer.positive_runs_without_success() == []


#: Cases per operation and mode for the every-check run: small and fixed (derandomized), so each
#: version's run stays well under a minute on a shared CI machine.
ALL_CHECKS_PLAN = Plan(positive=8, negative=4)


def plan_for(operation: APIOperation) -> Plan:
    """No negative cases where the only input is the path `id`: "", its one invalid value, cannot be sent."""
    negatable = operation.body or any(p.location != "path" for p in operation.iter_parameters())
    return ALL_CHECKS_PLAN if negatable else Plan(ALL_CHECKS_PLAN.positive)


#: (name in /openapi.json, what a `?fields=` answer always keeps).
VERSIONS = {"v4": frozenset({"id", "href"}), "v5": frozenset({"id", "href", "@type"})}


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_every_schemathesis_check_passes_on_each_own_document(
    start_mock_server: Callable[..., AbstractContextManager[str]], dead_callback: str, version: str
) -> None:
    """Issue 20: `--checks all` on each version's document, against the mock: no failure at all."""
    override = examples_override()
    with start_mock_server("--notify-attempts", "1") as base_url:
        parts = urlsplit(base_url)
        root = f"{parts.scheme}://{parts.netloc}"
        listed = requests.get(f"{root}/openapi.json", timeout=TIMEOUT_S).json()["documents"]
        url = next(each["url"] for each in listed if each["name"] == version)
        document = requests.get(f"{root}{url}", timeout=TIMEOUT_S).json()
        with closing(
            AllChecksFuzzer(spec_pair(document, root), root, dead_callback, VERSIONS[version])
        ) as fuzzer:
            plan = {operation.label: plan_for(operation) for operation in fuzzer.operations()}
            total = fuzzer.run_plan(plan, override)
    print(f"\n{version}: {len(plan)} operations, {total} cases, every check; answers: {fuzzer.statuses}")
    print(f"{version}: negative draws schemathesis could not generate: {fuzzer.generator_refusals}")
    assert total == planned_cases(plan, override)
