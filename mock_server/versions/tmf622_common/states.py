"""Lifecycle states of TMF622 v4 orders, order items and cancellation tasks, and their legal moves.

The tables below are the documentation: a move not listed is refused with 409.
Sources: the state enums of the TMF622 v4.0.0 swagger (`ProductOrderStateType`,
`ProductOrderItemStateType`, `TaskStateType`) and the order state diagram of the TMF622 v4
user guide (acknowledged -> inProgress -> completed, with pending/held detours, rejection
at acknowledgement, and cancellation through assessingCancellation -> pendingCancellation).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from mock_server.domain.state_machine import Machine


class OrderState(StrEnum):
    """`ProductOrderStateType`; `ProductOrderItemStateType` is the same list without `partial`."""

    ACKNOWLEDGED = "acknowledged"
    REJECTED = "rejected"
    PENDING = "pending"
    HELD = "held"
    IN_PROGRESS = "inProgress"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    FAILED = "failed"
    PARTIAL = "partial"
    ASSESSING_CANCELLATION = "assessingCancellation"
    PENDING_CANCELLATION = "pendingCancellation"


class TaskState(StrEnum):
    """`TaskStateType`, the state of a CancelProductOrder."""

    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "inProgress"
    DONE = "done"
    TERMINATED_WITH_ERROR = "terminatedWithError"


_O = OrderState
#: Where an order may go from each state. Cancellation is possible until the order is finished;
#: a refused cancellation returns the order to where it was (assessingCancellation -> back).
ORDER_TRANSITIONS: Mapping[str, frozenset[str]] = {
    _O.ACKNOWLEDGED: frozenset({_O.IN_PROGRESS, _O.REJECTED, _O.PENDING, _O.HELD, _O.ASSESSING_CANCELLATION}),
    _O.PENDING: frozenset({_O.IN_PROGRESS, _O.HELD, _O.FAILED, _O.ASSESSING_CANCELLATION}),
    _O.HELD: frozenset({_O.IN_PROGRESS, _O.PENDING, _O.FAILED, _O.ASSESSING_CANCELLATION}),
    _O.IN_PROGRESS: frozenset(
        {_O.PENDING, _O.HELD, _O.COMPLETED, _O.PARTIAL, _O.FAILED, _O.ASSESSING_CANCELLATION}
    ),
    _O.ASSESSING_CANCELLATION: frozenset(
        {_O.PENDING_CANCELLATION, _O.ACKNOWLEDGED, _O.IN_PROGRESS, _O.PENDING, _O.HELD}
    ),
    _O.PENDING_CANCELLATION: frozenset({_O.CANCELLED}),
    _O.REJECTED: frozenset(),
    _O.CANCELLED: frozenset(),
    _O.COMPLETED: frozenset(),
    _O.FAILED: frozenset(),
    _O.PARTIAL: frozenset(),
}

#: Items follow the order's table; `partial` is an order-level outcome only.
ITEM_TRANSITIONS: Mapping[str, frozenset[str]] = {
    state: targets - {_O.PARTIAL} for state, targets in ORDER_TRANSITIONS.items() if state != _O.PARTIAL
}

_T = TaskState
TASK_TRANSITIONS: Mapping[str, frozenset[str]] = {
    _T.ACKNOWLEDGED: frozenset({_T.IN_PROGRESS, _T.TERMINATED_WITH_ERROR}),
    _T.IN_PROGRESS: frozenset({_T.DONE, _T.TERMINATED_WITH_ERROR}),
    _T.DONE: frozenset(),
    _T.TERMINATED_WITH_ERROR: frozenset(),
}


ORDER = Machine("ProductOrderStateType", ORDER_TRANSITIONS)
ORDER_ITEM = Machine("ProductOrderItemStateType", ITEM_TRANSITIONS)
TASK = Machine("TaskStateType", TASK_TRANSITIONS)
