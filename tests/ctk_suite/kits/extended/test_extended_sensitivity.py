"""Each extended check passes against a conforming server and fails when the rule it tests is broken."""

from __future__ import annotations

import pytest

from ctk_suite.kits.extended.catalogue import load_catalogue
from tests.support.extended_helpers import failing, run_extended
from tests.support.fakes.v4 import EXTENDED, EXTENDED_FAULTS, serving


def test_a_conforming_server_passes_every_check() -> None:
    with serving(config=EXTENDED) as (url, _):
        results = run_extended(url)
    assert failing(results) == {}
    assert list(results) == [rule.id for rule in load_catalogue().rules]


@pytest.mark.parametrize("fault", sorted(EXTENDED_FAULTS))
def test_a_broken_rule_fails_exactly_its_checks(fault: str) -> None:
    with serving(fault, config=EXTENDED) as (url, _):
        results = run_extended(url, event_timeout_s=0.5)
    assert set(failing(results)) == EXTENDED_FAULTS[fault], failing(results)


def test_every_check_is_proven_able_to_fail() -> None:
    proven = set().union(*EXTENDED_FAULTS.values())
    assert proven == {rule.id for rule in load_catalogue().rules}
