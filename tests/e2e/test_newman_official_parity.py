"""Our official verdicts equal Newman's, assertion for assertion, identity checks included (issue 9).

Newman 4.6.1 runs TM Forum's collection and our CTK runs its port against the same kind of server, each
on its own fresh instance: every deliberately broken server of tests/ctk_suite (fake_tmf622's faults)
and every branch-taking server (official_fake's modes). Newman runs in one Node process for all of them
(tests/e2e/newman_batch.js): starting Node is most of a run's time.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from newman_parity import newman_official, official_parity_diff, ours_official
from newman_runs import REPO_ROOT, VARIANTS, newman_binary

from ctk_suite.kits.official.run import CtkRun, RunSettings
from ctk_suite.kits.official.scenario import load_scenario
from ctk_suite.reporting.summary import request_json
from tmf622_scenarios import scenario_path

pytestmark = pytest.mark.newman
BATCH = Path(__file__).with_name("newman_batch.js")
BATCH_TIMEOUT_S = 240


def _load(name: str) -> ModuleType:
    """A server module of tests/ctk_suite (test folders are not packages: load it by path)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO_ROOT / f"tests/ctk_suite/{name}.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


fault_server, branch_server = _load("fake_tmf622"), _load("official_fake")
CASES = {
    "conformant": fault_server.serving,
    **{f"fault {f}": (lambda f=f: fault_server.serving(f)) for f in sorted(fault_server.FAULTS)},
    **{f"mode {m}": (lambda m=m: branch_server.serving(m)) for m in sorted(branch_server.MODES)},
}


def _newman_reports(collection: Path, out: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """Case -> (the API root Newman ran against, its JSON report)."""
    with contextlib.ExitStack() as stack:
        roots = {case: stack.enter_context(serve())[0] for case, serve in CASES.items()}
        jobs = [{"root": root, "export": str(out / f"{i}.json")} for i, root in enumerate(roots.values())]
        node = shutil.which("node") or "node"
        run = subprocess.run(
            [node, str(BATCH), str(collection), json.dumps(jobs)],
            capture_output=True,
            text=True,
            timeout=BATCH_TIMEOUT_S,
            check=False,
            cwd=REPO_ROOT,
        )
    assert run.returncode == 0, run.stderr[-2000:]
    return {
        case: (job["root"], json.loads(Path(job["export"]).read_text("utf-8")))
        for case, job in zip(roots, jobs, strict=True)
    }


def _ours(case: str) -> tuple[str, dict[str, Any]]:
    """Case -> (the API root our CTK ran against, the `requests` of its summary.json)."""
    scenario = load_scenario(scenario_path())
    with CASES[case]() as (root, _):
        run = CtkRun(scenario, RunSettings(root, {}, timeout_s=10.0))
        try:
            for spec in scenario.requests:
                run.execute(spec)
        finally:
            run.client.close()
    return root, {"requests": [request_json(result) for result in run.results]}


@pytest.fixture(scope="module")
def newman_reports(official_ctk_dir, ctk_unavailable, tmp_path_factory) -> dict[str, Any]:
    newman_binary(ctk_unavailable)  # installed by scripts/bootstrap.sh, with the library the batch uses
    collection = official_ctk_dir / VARIANTS["testkit"].collection
    if not collection.is_file():
        ctk_unavailable(f"{collection} is missing")
    return _newman_reports(collection, tmp_path_factory.mktemp("newman"))


@pytest.mark.parametrize("case", sorted(CASES))
def test_official_verdicts_equal_newmans(newman_reports, case: str) -> None:
    newman_root, report = newman_reports[case]
    assert report["run"]["stats"]["assertions"]["total"] > 0
    root, summary = _ours(case)
    diff = official_parity_diff(newman_official(report, newman_root), ours_official(summary, root))
    assert not diff, f"{case}: official verdicts differ from Newman's:\n" + "\n".join(diff)


def test_the_comparison_catches_a_changed_official_verdict(newman_reports) -> None:
    newman_root, report = newman_reports["mode idless_list"]
    root, summary = _ours("mode idless_list")
    altered = copy.deepcopy(summary)
    identity = next(
        a for r in altered["requests"] for a in r["assertions"] if a["name"].startswith("href is undefined")
    )
    identity["officialVerdict"] = "failed"
    dropped = altered["requests"][2]["assertions"].pop()
    diff = official_parity_diff(newman_official(report, newman_root), ours_official(altered, root))
    assert any("'href is undefined': newman passed, ctk official failed" in line for line in diff), diff
    assert any(f"{dropped['name']!r}: newman passed, ctk official missing" in line for line in diff), diff
