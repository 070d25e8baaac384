"""The progression scenario of TMF622 orders (v4 and v5 alike): the path of states each new order walks.

On when `Settings.auto_progress` is set or a `progression_file` is given, and never in deterministic
mode (there, every answer must be predictable, so the server only moves when a client asks).
Each order created by POST then walks its path one step every `delay` seconds: by default
acknowledged -> inProgress -> completed with `progress_delay_s` per step. Each step goes through
`Transitions.advance` (state table, items follow, `completionDate` on completion, state change and
information required events); a client's PATCH or DELETE wins, because a step that finds the order
gone or in another state than the previous step left it ends the walk.

The `progression_file` (YAML or JSON) chooses the paths::

    # Seconds before each step; a step without `delay` waits progress_delay_s.
    default:                    # orders no offering below matches; omitted = inProgress, completed
      - inProgress              # short form: just the state
      - {state: completed, delay: 2.5}
    productOffering:            # by productOrderItem[].productOffering.id, first matching item wins
      "14277":
        - inProgress
        - {state: failed, delay: 0.5}
      "quiet": []               # orders for this offering stay acknowledged

A path must be legal in the order state table from `acknowledged`; the cancellation states are
refused (cancelProductOrder drives those). The core's `Lifecycle` paces the walks
(`domain.progression`), each version's progression takes the steps.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from mock_server.config.settings import Settings
from mock_server.domain.progression import is_paced
from mock_server.versions.tmf622_common.states import ORDER, OrderState

#: States a scenario may not use: cancellation belongs to cancelProductOrder.
_CANCELLATION_STATES = frozenset(
    {OrderState.ASSESSING_CANCELLATION, OrderState.PENDING_CANCELLATION, OrderState.CANCELLED}
)
_STEP = {
    "oneOf": [
        {"type": "string"},
        {
            "type": "object",
            "properties": {"state": {"type": "string"}, "delay": {"type": "number", "minimum": 0}},
            "required": ["state"],
            "additionalProperties": False,
        },
    ]
}
_PATH = {"type": "array", "items": _STEP}
FILE_SCHEMA = {
    "type": "object",
    "properties": {
        "default": _PATH,
        "productOffering": {"type": "object", "additionalProperties": _PATH},
    },
    "additionalProperties": False,
}


@dataclass(frozen=True, slots=True)
class Step:
    state: OrderState
    delay: float


StatePath = tuple[Step, ...]


@dataclass(frozen=True)
class Scenario:
    """The path of every new order: by productOffering id, else the default one."""

    default: StatePath
    by_offering: Mapping[str, StatePath] = field(default_factory=dict)

    def path_for(self, order: Mapping[str, Any]) -> StatePath:
        for offering_id in _offering_ids(order.get("productOrderItem")):
            if offering_id in self.by_offering:
                return self.by_offering[offering_id]
        return self.default


def _offering_ids(items: Any) -> Iterator[str]:
    """`productOffering.id` of each item, in order, nested items after their parent."""
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict):
            offering = item.get("productOffering")
            if isinstance(offering, dict) and isinstance(offering.get("id"), str):
                yield offering["id"]
            yield from _offering_ids(item.get("productOrderItem"))


def default_scenario(delay: float) -> Scenario:
    return Scenario((Step(OrderState.IN_PROGRESS, delay), Step(OrderState.COMPLETED, delay)))


def _step(raw: Any, delay: float) -> Step:
    state, wait = (raw, delay) if isinstance(raw, str) else (raw["state"], float(raw.get("delay", delay)))
    try:
        return Step(OrderState(state), wait)
    except ValueError:
        raise ValueError(f"{state!r} is not a ProductOrderStateType") from None


def _path(raw: list[Any], delay: float, where: str) -> StatePath:
    """The steps of one path, checked against the order state table from `acknowledged`."""
    steps = tuple(_step(item, delay) for item in raw)
    current = OrderState.ACKNOWLEDGED.value
    for index, step in enumerate(steps):
        target = step.state.value
        if step.state in _CANCELLATION_STATES:
            problem: str | None = f"{target!r} is reached by cancelProductOrder only"
        else:
            problem = ORDER.refusal(current, target) or (
                f"{target!r} is repeated" if target == current else None
            )
        if problem is not None:
            raise ValueError(f"{where}[{index}]: {problem}")
        current = target
    return steps


def parse_scenario(document: Any, delay: float) -> Scenario:
    """A scenario from a decoded file; ValueError saying where it is wrong."""
    from jsonschema import Draft202012Validator  # noqa: PLC0415 - not at start-up: read a file, then pay
    from jsonschema.exceptions import best_match  # noqa: PLC0415

    error = best_match(Draft202012Validator(FILE_SCHEMA).iter_errors(document))
    if error is not None:
        raise ValueError(f"{error.json_path}: {error.message}")
    default = default_scenario(delay).default
    if "default" in document:
        default = _path(document["default"], delay, "$.default")
    offerings = document.get("productOffering", {})
    by_offering = {str(key): _path(raw, delay, f"$.productOffering.{key}") for key, raw in offerings.items()}
    return Scenario(default, by_offering)


def load_scenario(path: str, delay: float) -> Scenario:
    """Read and check a progression file (JSON is YAML too); ValueError names the file."""
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        return parse_scenario({} if document is None else document, delay)
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise ValueError(f"progression file {path}: {exc}") from None


def scenario_for(settings: Settings) -> Scenario | None:
    """None when orders do not progress on their own (see the module docstring); the file is read
    once per process, however many versions walk it."""
    if not is_paced(settings):
        return None
    return _scenario(settings.progression_file, settings.progress_delay_s)


@lru_cache(maxsize=8)
def _scenario(progression_file: str | None, delay: float) -> Scenario:
    if progression_file is None:
        return default_scenario(delay)
    return load_scenario(progression_file, delay)
