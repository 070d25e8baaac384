"""Schemathesis cases generated from the official TMF622 v4.0.0 swagger, sent to the real mock.

Quirks of the document, neutralised explicitly: `host: serverRoot` and the basePath with a trailing
slash (the mock's real base URL is set instead), the eight client-side `/listener/...` paths (the
mock is the server, not a listener), and `ProductOrder_Update.required` (see
spec_documents.without_swagger_artefacts). The checks, and those left out: fuzzing.py.

The file comes from --tmf622-swagger, TMF622_SWAGGER, or ../shared/reference (conftest.py).
A longer, random run (that many cases per operation and mode):
    TMF622_FUZZ_EXAMPLES=2000 .venv/bin/pytest tests/hardening/test_fuzz_official_swagger.py -s
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager, closing
from pathlib import Path

from tests.support.hardening.fuzz_plans import SWAGGER_PLAN, for_this_run, planned_cases
from tests.support.hardening.fuzzing import Fuzzer, examples_override
from tests.support.hardening.spec_documents import spec_pair, without_swagger_artefacts

LISTENERS = "^/listener/"


def test_official_swagger_cases_get_documented_answers(
    official_swagger: Path,
    start_mock_server: Callable[..., AbstractContextManager[str]],
    dead_callback: str,
) -> None:
    override, plan = examples_override(), for_this_run(SWAGGER_PLAN)
    document = without_swagger_artefacts(json.loads(official_swagger.read_text(encoding="utf-8")))
    with (
        start_mock_server("--notify-attempts", "1") as base_url,
        closing(Fuzzer(spec_pair(document, base_url, LISTENERS), base_url, dead_callback)) as fuzzer,
    ):
        total = fuzzer.run_plan(plan, override)
    print(f"\n{total} cases from the official swagger; answers: {fuzzer.statuses}")
    assert total == planned_cases(plan, override)
    assert fuzzer.positive_runs_without_success() == []
