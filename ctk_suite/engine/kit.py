"""What a kit is to the engine: units to collect, and a runner that turns a unit into result records.

A kit is a scenario file (its `format:` names the kit type), the check kinds it uses and its report
identity. The official CTK and the extended level are two kit types; a new API version is a new file of
an existing type, or one new type registered in `KIT_TYPES`. Nothing in the plugin or the report
writers knows which kits exist.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from ctk_suite.core.registry import Registry
from ctk_suite.engine.records import KitInfo, UnitResult

if TYPE_CHECKING:
    from ctk_suite.config.profile import Profile
    from ctk_suite.engine.session import SuiteSession


class KitError(ValueError):
    """A kit file is not valid; the message names the file and the fault."""


@dataclass(frozen=True)
class Unit:
    """One item to run: a request of the official kit, or one extended check."""

    id: str  # unique in its kit: the index of a request, or a rule id
    name: str  # the pytest item name
    level: str  # "ctk", "extended-mandatory", "extended-optional"


class KitRunner(ABC):
    """A kit's state during one session (captured variables, a probe's evidence...)."""

    @abstractmethod
    def run(self, unit: Unit) -> list[UnitResult]:
        """Run `unit` (and, first, any unit it needs that has not run), results in run order."""

    def close(self) -> None:  # noqa: B027 - most runners hold nothing to release
        """Release what the run holds (a listener, subscriptions) before the session's client closes."""


class Kit(ABC):
    """A loaded kit file."""

    #: The `format:` value of the files of this kit type.
    format: ClassVar[str]

    def __init__(self, info: KitInfo, units: Sequence[Unit]) -> None:
        self.info = info
        self.units = tuple(units)

    @classmethod
    @abstractmethod
    def load(cls, path: Path) -> Kit:
        """Parse and validate the file; KitError when it is not valid."""

    def units_for(self, profile: Profile) -> tuple[Unit, ...]:
        """The units as this target's run names them (a kit may spell a name after the profile)."""
        return self.units

    @abstractmethod
    def start(self, session: SuiteSession) -> KitRunner:
        """The runner of this kit for one session (called at the kit's first unit)."""


#: Kit types by the `format:` their files declare.
KIT_TYPES: Registry[type[Kit]] = Registry("kit format")

_HEAD = 4096


def declared_format(path: Path) -> str | None:
    """The `format:` a YAML file declares in its first lines, if it is one of a registered kit type."""
    if path.suffix not in {".yaml", ".yml"}:
        return None
    try:
        with path.open(encoding="utf-8") as stream:
            head = stream.read(_HEAD)
    except (OSError, UnicodeDecodeError):
        return None
    for line in head.splitlines():
        if line.startswith("format:"):
            value = line.removeprefix("format:").strip()
            return value if value in KIT_TYPES else None
    return None
