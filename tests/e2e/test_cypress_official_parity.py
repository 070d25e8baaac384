"""Our v5 official states equal those of TM Forum's own spec run under the Cypress 12 stand-in, `it` for `it`.

The stand-in (cypress_standin.js, see cypress_parity.py) runs the kit's unchanged `ctk.cy.js` from its folder;
our port runs against a fresh copy of the same server. Every server of fakes/v5.py KIT (the correct one, each
fault alone) and a port nobody listens on: states `passed`, `failed` and `skipped` must be equal.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests.support.e2e.cypress_parity import (
    SERVERS,
    cypress_states,
    differences,
    kit_root,
    missing_node_packages,
    port_states,
    standin_reports,
)
from tests.support.once_per_run import once_per_run

pytestmark = pytest.mark.cypress
HOOK = "Because this error occurred during a `before all` hook we are skipping the remaining tests"
LIST = "Tests method GET and path /productOrder "
POST = "Tests method POST and path /productOrder "


@pytest.fixture(scope="module")
def cypress(ctk_unavailable: Callable[[str], NoReturn], tmp_path_factory: Any) -> dict[str, Any]:
    """Server -> `it` -> (state, error) under the stand-in, for every server at once."""
    if not (kit_root() / "cypress" / "e2e" / "production" / "ctk.cy.js").is_file():
        ctk_unavailable(f"the official TMF622 v5.0.0 CTK is not at {kit_root().parent}: set TMF622_CTK5_DIR")
    if missing := missing_node_packages():
        ctk_unavailable(f"node packages {missing} are not installed: run scripts/bootstrap.sh")
    out: Path = tmp_path_factory.mktemp("cypress")
    exported = once_per_run(tmp_path_factory, "cypress", lambda: standin_reports(sorted(SERVERS), out))
    return cypress_states(exported)


@pytest.mark.parametrize("server", sorted(SERVERS))
def test_official_states_equal_the_kits_under_cypress(cypress: dict[str, Any], server: str) -> None:
    kit = cypress[server]
    assert len(kit) == 41
    diff = differences(kit, port_states(server))
    assert not diff, f"{server}: official states differ from the kit's:\n" + "\n".join(diff)


def test_the_stand_in_gives_what_cypress_gave_in_the_issues_real_runs(cypress: dict[str, Any]) -> None:
    """Issue 21 ran TM Forum's kit under Cypress 12 itself: these are the states and messages it reported."""
    assert {state for state, _ in cypress["correct"].values()} == {"passed"}
    plain = cypress["fault json_as_text_plain"]
    schema = plain[(LIST, _context(plain, LIST), "Test schema")]
    assert schema[0] == "failed"
    assert (schema[1] or "").endswith("must be object")
    attributes = plain[(LIST, _context(plain, LIST), "Each attribute Test")]
    assert attributes[0] == "failed"
    assert (attributes[1] or "").startswith("expected undefined to equal")
    for fault in ("create_empty_body", "create_null"):
        states = {it[2]: found for it, found in cypress[f"fault {fault}"].items() if it[0] == POST}
        assert states["Tests status"][0] == "failed"
        assert HOOK in (states["Tests status"][1] or "")
        assert states["Test schema"] == ("skipped", None)


def test_the_comparison_catches_a_changed_state(cypress: dict[str, Any]) -> None:
    port = port_states("fault create_null")
    it = next(it for it in port if it[0] == POST and it[2] == "Test schema")
    port[it] = ("failed", "failed")
    assert differences(cypress["fault create_null"], port) == [
        f"{POST.strip()} / Test schema: cypress skipped, port official failed []"
    ]


def test_counts(cypress: dict[str, Any]) -> None:
    """Broken servers compared (every server but the correct one) and `it`s compared in all."""
    broken = [server for server in cypress if server != "correct"]
    assert len(broken) >= 30
    assert sum(len(states) for states in cypress.values()) == 41 * len(cypress)


def _context(states: dict[Any, Any], describe: str) -> str:
    return next(it[1] for it in states if it[0] == describe)
