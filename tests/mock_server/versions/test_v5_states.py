"""The v5 state tables cover exactly the states of the v5 OAS enums, and every state is reachable."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from mock_server.versions.tmf622_v5 import states
from tmf622_schemas import load_schema


def oas_enum(name: str) -> set[str]:
    return set(load_schema(name, version="5")["enum"])


@pytest.mark.parametrize(
    ("enum", "table"),
    [
        ("ProductOrderStateType", states.ORDER_TRANSITIONS),
        ("ProductOrderItemStateType", states.ITEM_TRANSITIONS),
        ("TaskStateType", states.TASK_TRANSITIONS),
    ],
)
def test_each_table_lists_exactly_the_oas_states(enum: str, table: Mapping[str, frozenset[str]]) -> None:
    assert set(table) == oas_enum(enum)
    assert set().union(*table.values()) <= oas_enum(enum)


def test_initial_states_are_the_oas_ones() -> None:
    assert set(states.INITIAL_STATES) == oas_enum("InitialProductOrderStateType")


@pytest.mark.parametrize(
    ("table", "starts"),
    [
        (states.ORDER_TRANSITIONS, set(states.INITIAL_STATES)),
        (states.ITEM_TRANSITIONS, {"acknowledged"}),
        (states.TASK_TRANSITIONS, {"acknowledged"}),
    ],
)
def test_every_state_is_reachable(table: Mapping[str, frozenset[str]], starts: set[str]) -> None:
    reached, frontier = set(starts), list(starts)
    while frontier:
        for target in table[frontier.pop()] - reached:
            reached.add(target)
            frontier.append(target)
    assert reached == set(table)


def test_accepted_orders_can_no_longer_be_cancelled() -> None:
    assert not states.ORDER.allows("inProgress.accepted", "assessingCancellation")
    assert states.ORDER.allows("inProgress", "inProgress.accepted")
    assert states.ORDER.refusal("completed", "draft") is not None
