"""Settings as the command line builds them: every registered version's switch filled in."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from mock_server.__main__ import parse_settings
from mock_server.config.settings import Settings, VersionSwitch


def versions(**changes: dict[str, Any]) -> dict[str, VersionSwitch]:
    """Every version's switch at its default, `changes` applied: `versions(v4={"served": False})`."""
    defaults = dict(parse_settings([], environ={}).versions)
    return {label: replace(switch, **changes.get(label, {})) for label, switch in defaults.items()}


def cli_settings(*, switches: dict[str, dict[str, Any]] | None = None, **fields: Any) -> Settings:
    """What `tmf622-mock` resolves for these fields and version switch changes."""
    return Settings(**fields, versions=versions(**(switches or {})))
