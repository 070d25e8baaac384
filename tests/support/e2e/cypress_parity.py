"""TM Forum's v5 spec run under the Cypress stand-in, and our port, on the same kind of server: `it` by `it`.

The stand-in (tests/support/e2e/cypress_standin.js) runs the kit's own `ctk.cy.js` from its folder
(TMF622_CTK5_DIR,
default `../shared/reference/ctk-5.0.0` beside the repository) under Mocha, with cy.request, the command
queue and the hook-failure rule as Cypress 12's code has them. Each server is a fresh fake
(tests/support/fakes/v5.py, config KIT) for each runner: both see an empty server, as a real run would.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from ctk_suite.kits.official.scenario import load_scenario
from tests.support.ctk_helpers import run_ctk
from tests.support.e2e.node_batch import REPO_ROOT, run_node_jobs
from tests.support.fakes import v5
from tmf622_scenarios import scenario_path

STANDIN = Path(__file__).with_name("cypress_standin.js")
STANDIN_TIMEOUT_S = 600
#: What the stand-in needs from node_modules (package.json devDependencies: scripts/bootstrap.sh).
NODE_PACKAGES = ("mocha", "chai", "ajv", "yamljs", "@cypress/request")
#: One `it` of the kit: (describe title, context title, it title).
It = tuple[str, str, str]


@contextlib.contextmanager
def _nothing_listening() -> Iterator[tuple[str, None]]:
    """An API root on a loopback port nobody listens on: every request is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield f"http://127.0.0.1:{port}{v5.BASE_PATH}/", None


#: Every server both runners are compared on: the correct fake, each fault alone, and no server at all.
SERVERS: dict[str, Callable[[], contextlib.AbstractContextManager[tuple[str, Any]]]] = {
    "correct": v5.serving,
    **{f"fault {f}": (lambda f=f: v5.serving(f)) for f in sorted(v5.KIT.defects)},
    "nothing listening": _nothing_listening,
}


def kit_root() -> Path:
    """The official v5 kit's DO_NOT_CHANGE folder (TMF622_CTK5_DIR or the shared reference copy)."""
    default = REPO_ROOT.parent / "shared" / "reference" / "ctk-5.0.0"
    folder = Path(os.environ.get("TMF622_CTK5_DIR") or default)
    return folder / "DO_NOT_CHANGE"


def missing_node_packages() -> list[str]:
    return [name for name in NODE_PACKAGES if not (REPO_ROOT / "node_modules" / name).is_dir()]


def _config(root: str) -> dict[str, Any]:
    """The kit's fixture config.json for `root`: the URL, and the headers and payload our port sends."""
    document = yaml.safe_load(scenario_path("ctk-5.0.0.yaml").read_text(encoding="utf-8"))
    payload = document["payloads"]["productOrderCreate"]
    return {
        "url": root.rstrip("/"),
        "headers": document["headers"],
        "payloads": {"ProductOrder": {"POST": {"payload": payload}}},
    }


def standin_reports(servers: list[str], out: Path) -> dict[str, tuple[str, Any]]:
    """Server -> (its API root, the stand-in's JSON report of the kit's run), one Node process for all."""
    chosen = {name: SERVERS[name] for name in servers}
    kit = str(kit_root().resolve())
    return run_node_jobs(
        STANDIN, kit, chosen, lambda root: {"config": _config(root)}, out=out, timeout_s=STANDIN_TIMEOUT_S
    )


def cypress_states(exported: dict[str, tuple[str, Any]]) -> dict[str, dict[It, tuple[str, str | None]]]:
    """Server -> `it` -> (state, error) as the kit gives them, from `standin_reports`."""
    return {
        name: {tuple(t["titles"]): (t["state"], t["error"]) for t in report["tests"]}  # type: ignore[misc]
        for name, (_, report) in exported.items()
    }


def port_states(server: str) -> dict[It, tuple[str, str]]:
    """`it` -> (official state, strict state) of our port's run against a fresh `server`."""
    scenario = load_scenario(scenario_path("ctk-5.0.0.yaml"))
    with SERVERS[server]() as (root, _):
        run = run_ctk(scenario, root)
    return {
        (result.group, result.name, a.name): (a.official_verdict.value, a.verdict.value)
        for result in run.results
        for a in result.assertions
    }


def differences(cypress: dict[It, tuple[str, str | None]], port: dict[It, tuple[str, str]]) -> list[str]:
    """Each `it` whose official state differs, or that only one side has."""
    lines = []
    for it in sorted(cypress.keys() | port.keys()):
        kit = cypress[it][0] if it in cypress else "missing"
        ours = port[it][0] if it in port else "missing"
        if kit != ours:
            error = (cypress.get(it, ("", None))[1] or "").splitlines()[:1]
            lines.append(f"{it[0].strip()} / {it[2]}: cypress {kit}, port official {ours} {error}")
    return lines
