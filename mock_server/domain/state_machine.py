"""A state type and its table of legal moves: every API version's resources declare theirs with it.

The tables live in the version folders (the table is the documentation); a move not listed is
refused with 409.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Machine:
    """One state type and its table; staying in the same state is always allowed."""

    name: str
    transitions: Mapping[str, frozenset[str]]

    def allows(self, current: str, target: str) -> bool:
        return current == target or target in self.transitions.get(current, frozenset())

    def refusal(self, current: str, target: str) -> str | None:
        """Why `current -> target` is refused (for a 409 message), or None if it is allowed."""
        if self.allows(current, target):
            return None
        allowed = ", ".join(sorted(self.transitions.get(current, frozenset()))) or "none (final state)"
        return f"{self.name} cannot go from {current!r} to {target!r}; allowed from {current!r}: {allowed}"
