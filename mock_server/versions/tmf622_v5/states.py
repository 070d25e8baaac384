"""Lifecycle states of TMF622 v5 orders, order items and cancellation tasks, and their legal moves.

Sources: the enums of the v5.0.0 OAS (`ProductOrderStateType`, `ProductOrderItemStateType`,
`TaskStateType`, `InitialProductOrderStateType`) and its description: an order may be created in
`draft` (the requester "is not yet ready to submit it and draft order could be freely updated") or
`acknowledged` (submitted). `inProgress.accepted` is read as the point after which the provider has
accepted the order for delivery, so it can no longer be cancelled. A move not listed is refused (409).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from mock_server.domain.state_machine import Machine


class OrderState(StrEnum):
    """`ProductOrderStateType` (v5 adds `draft` and `inProgress.accepted` to the v4 list)."""

    DRAFT = "draft"
    ACKNOWLEDGED = "acknowledged"
    REJECTED = "rejected"
    PENDING = "pending"
    HELD = "held"
    IN_PROGRESS = "inProgress"
    ACCEPTED = "inProgress.accepted"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    FAILED = "failed"
    PARTIAL = "partial"
    ASSESSING_CANCELLATION = "assessingCancellation"
    PENDING_CANCELLATION = "pendingCancellation"


class TaskState(StrEnum):
    """`TaskStateType` of v5: v4's list plus `rejected` and `cancelled`."""

    ACKNOWLEDGED = "acknowledged"
    REJECTED = "rejected"
    IN_PROGRESS = "inProgress"
    CANCELLED = "cancelled"
    DONE = "done"
    TERMINATED_WITH_ERROR = "terminatedWithError"


#: `InitialProductOrderStateType`: what a POST may ask for (the OAS default is acknowledged).
INITIAL_STATES = frozenset({OrderState.DRAFT.value, OrderState.ACKNOWLEDGED.value})

_O = OrderState
_CANCEL = _O.ASSESSING_CANCELLATION
ORDER_TRANSITIONS: Mapping[str, frozenset[str]] = {
    _O.DRAFT: frozenset({_O.ACKNOWLEDGED, _O.CANCELLED}),
    _O.ACKNOWLEDGED: frozenset({_O.IN_PROGRESS, _O.REJECTED, _O.PENDING, _O.HELD, _CANCEL}),
    _O.PENDING: frozenset({_O.IN_PROGRESS, _O.HELD, _O.FAILED, _CANCEL}),
    _O.HELD: frozenset({_O.IN_PROGRESS, _O.PENDING, _O.FAILED, _CANCEL}),
    _O.IN_PROGRESS: frozenset(
        {_O.ACCEPTED, _O.PENDING, _O.HELD, _O.COMPLETED, _O.PARTIAL, _O.FAILED, _CANCEL}
    ),
    _O.ACCEPTED: frozenset({_O.COMPLETED, _O.PARTIAL, _O.FAILED}),
    _CANCEL: frozenset({_O.PENDING_CANCELLATION, _O.ACKNOWLEDGED, _O.IN_PROGRESS, _O.PENDING, _O.HELD}),
    _O.PENDING_CANCELLATION: frozenset({_O.CANCELLED}),
    _O.REJECTED: frozenset(),
    _O.CANCELLED: frozenset(),
    _O.COMPLETED: frozenset(),
    _O.FAILED: frozenset(),
    _O.PARTIAL: frozenset(),
}

#: v5 items have their own enum (it lists `partial`, a bundle partly delivered) and no draft state;
#: they follow the order's table, `inProgress.accepted` being an order-level refinement.
ITEM_STATES = frozenset(state.value for state in OrderState) - {_O.DRAFT, _O.ACCEPTED}
ITEM_TRANSITIONS: Mapping[str, frozenset[str]] = {
    state: (targets | ({_O.PARTIAL} if state == _O.IN_PROGRESS else set())) & ITEM_STATES
    for state, targets in ORDER_TRANSITIONS.items()
    if state in ITEM_STATES
}

_T = TaskState
TASK_TRANSITIONS: Mapping[str, frozenset[str]] = {
    _T.ACKNOWLEDGED: frozenset({_T.IN_PROGRESS, _T.REJECTED, _T.CANCELLED}),
    _T.IN_PROGRESS: frozenset({_T.DONE, _T.TERMINATED_WITH_ERROR, _T.CANCELLED}),
    _T.REJECTED: frozenset(),
    _T.CANCELLED: frozenset(),
    _T.DONE: frozenset(),
    _T.TERMINATED_WITH_ERROR: frozenset(),
}

ORDER = Machine("ProductOrderStateType", ORDER_TRANSITIONS)
ORDER_ITEM = Machine("ProductOrderItemStateType", ITEM_TRANSITIONS)
TASK = Machine("TaskStateType", TASK_TRANSITIONS)
