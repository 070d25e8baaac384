"""The levels of checks a run selects, one name each, from the profile's `levels` to the reports' labels."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """Which checks run: the official CTK's, then our extended mandatory and optional ones (report order)."""

    CTK = "ctk"
    EXTENDED_MANDATORY = "extended-mandatory"  # required by the TMF622B conformance profile
    EXTENDED_OPTIONAL = "extended-optional"

    @property
    def label(self) -> str:
        """How reports name the level: `CTK`, `extended mandatory`."""
        return "CTK" if self is Level.CTK else self.value.replace("-", " ")
