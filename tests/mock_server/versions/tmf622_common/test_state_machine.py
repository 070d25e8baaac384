"""The transition tables: every state has a row, the documented moves pass, the others are refused."""

from __future__ import annotations

import pytest

from mock_server.domain.state_machine import Machine
from mock_server.versions.tmf622_common.states import ORDER, ORDER_ITEM, TASK, OrderState, TaskState
from tmf622_schemas import load_schema


@pytest.mark.parametrize(
    ("machine", "schema"),
    [(ORDER, "ProductOrderStateType"), (ORDER_ITEM, "ProductOrderItemStateType"), (TASK, "TaskStateType")],
)
def test_each_table_covers_exactly_the_schema_enum(machine: Machine, schema: str) -> None:
    enum = set(load_schema(schema)["enum"])
    assert set(machine.transitions) == enum
    assert set().union(*machine.transitions.values()) <= enum


def test_enums_match_the_schemas() -> None:
    assert {s.value for s in OrderState} == set(load_schema("ProductOrderStateType")["enum"])
    assert {s.value for s in TaskState} == set(load_schema("TaskStateType")["enum"])


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("acknowledged", "inProgress"),
        ("acknowledged", "rejected"),
        ("inProgress", "completed"),
        ("inProgress", "partial"),
        ("inProgress", "held"),
        ("held", "inProgress"),
        ("pending", "assessingCancellation"),
        ("assessingCancellation", "pendingCancellation"),
        ("assessingCancellation", "inProgress"),
        ("pendingCancellation", "cancelled"),
        ("completed", "completed"),
    ],
)
def test_allowed_order_moves(current: str, target: str) -> None:
    assert ORDER.allows(current, target)
    assert ORDER.refusal(current, target) is None


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("acknowledged", "completed"),
        ("acknowledged", "cancelled"),
        ("completed", "inProgress"),
        ("cancelled", "acknowledged"),
        ("rejected", "inProgress"),
        ("partial", "completed"),
        ("pendingCancellation", "inProgress"),
        ("inProgress", "acknowledged"),
    ],
)
def test_refused_order_moves_name_both_states(current: str, target: str) -> None:
    assert not ORDER.allows(current, target)
    message = ORDER.refusal(current, target)
    assert message is not None
    assert f"from {current!r} to {target!r}" in message
    assert message.startswith("ProductOrderStateType")


def test_terminal_states_say_so() -> None:
    assert "none (final state)" in str(ORDER.refusal("completed", "inProgress"))


def test_items_never_become_partial() -> None:
    assert "partial" not in ORDER_ITEM.transitions
    assert not ORDER_ITEM.allows("inProgress", "partial")
    assert ORDER_ITEM.allows("inProgress", "completed")


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("acknowledged", "inProgress", True),
        ("acknowledged", "terminatedWithError", True),
        ("inProgress", "done", True),
        ("acknowledged", "done", False),
        ("done", "inProgress", False),
        ("terminatedWithError", "done", False),
    ],
)
def test_task_moves(current: str, target: str, allowed: bool) -> None:
    assert TASK.allows(current, target) is allowed
