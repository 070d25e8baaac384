"""What `tmf622-ctk` hands the plugin as an object, never as pytest arguments: the resolved profile.

Credentials (`--header` values, the auth section's secrets) travel in the profile. pytest prints its
arguments (`--debug` writes them, an interrupted run with `--full-trace` shows them), so the command line
resolves the profile once and passes it with `pytest.main(plugins=[...])`; the plugin uses it as it is
(no second resolution, no second baseline load).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from ctk_suite.config.profile import Profile


@dataclass(frozen=True, eq=False, repr=False)
class ResolvedRun:
    """The profile and the baseline document `tmf622-ctk` already read and checked."""

    profile: Profile
    baseline: dict[str, Any] | None = None

    def __repr__(self) -> str:
        """pytest's `--debug` trace prints every plugin it registers: nothing of the profile."""
        return "<tmf622-ctk resolved run>"


def handed_over(config: pytest.Config) -> ResolvedRun | None:
    """The `ResolvedRun` given to `pytest.main`, if the run was started by `tmf622-ctk`."""
    plugins = config.pluginmanager.get_plugins()
    return next((plugin for plugin in plugins if isinstance(plugin, ResolvedRun)), None)
