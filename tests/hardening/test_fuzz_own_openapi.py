"""Schemathesis cases generated from the mock's own OpenAPI document (`GET {base}/openapi.json`).

The document says what the mock implements (TMF630 filters, PATCH media types, 413/415, the hub's
GET), so its answers must match it exactly. The checks: fuzzing.py. A longer, random run:
    TMF622_FUZZ_EXAMPLES=2000 .venv/bin/pytest tests/hardening/test_fuzz_own_openapi.py -s
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, closing
from urllib.parse import urlsplit

import requests
from fuzz_plans import own_plan, planned_cases
from fuzzing import Fuzzer, examples_override
from spec_documents import spec_pair

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
        plan = own_plan(parts.path)
        with closing(Fuzzer(spec_pair(answer.json(), root), root, dead_callback)) as fuzzer:
            total = fuzzer.run_plan(plan, override)
    print(f"\n{total} cases from the mock's own OpenAPI document; answers: {fuzzer.statuses}")
    assert total == planned_cases(plan, override)
    assert fuzzer.positive_runs_without_success() == []
