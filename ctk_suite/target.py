"""The run's target profile: the profile file (else the bundled mock's) with command-line values on top."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ctk_suite.profile import Level, Profile, bundled_profile, load_profile, merge_cli_overrides

#: `--ctk-level` choices and the profile levels they select.
LEVEL_CHOICES: Mapping[str, tuple[Level, ...]] = {
    "ctk": (Level.CTK,),
    "extended": (Level.EXTENDED_MANDATORY, Level.EXTENDED_OPTIONAL),
    "all": (Level.CTK, Level.EXTENDED_MANDATORY, Level.EXTENDED_OPTIONAL),
}


@dataclass(frozen=True)
class Overrides:
    """Command-line values that replace the profile's; None (or False for flags) means "not given"."""

    base_url: str | None = None  # the API root, as --ctk-base-url always meant: base_url + api_path
    orderdate_quote: str | None = None
    timeout_s: float | None = None  # connect and read at once (--ctk-timeout)
    connect_timeout_s: float | None = None
    read_timeout_s: float | None = None
    insecure: bool = False
    ca_bundle: str | None = None
    client_cert: str | None = None
    client_key: str | None = None
    level: str | None = None
    no_cleanup: bool = False
    payload_file: str | None = None

    def profile_keys(self) -> dict[str, Any]:
        """The overrides as `merge_cli_overrides` keys (the profile's YAML paths)."""
        keys: dict[str, Any] = {
            "order_date_quoting": self.orderdate_quote,
            "timeouts.connect": _first(self.connect_timeout_s, self.timeout_s),
            "timeouts.read": _first(self.read_timeout_s, self.timeout_s),
            "tls.verify": False if self.insecure else None,
            "tls.ca_bundle": self.ca_bundle,
            "tls.client_cert": self.client_cert,
            "tls.client_key": self.client_key,
            "levels": LEVEL_CHOICES[self.level] if self.level else None,
            "cleanup": False if self.no_cleanup else None,
            "payload_file": self.payload_file,
        }
        if self.base_url is not None:
            keys |= {"target.base_url": self.base_url, "target.api_path": ""}
        return keys


def _first(*values: float | None) -> float | None:
    return next((value for value in values if value is not None), None)


def resolve_profile(path: str | None, overrides: Overrides, env: Mapping[str, str] = os.environ) -> Profile:
    """Load the profile and apply the overrides; ProfileError (one line) when it cannot be used."""
    profile = load_profile(path or bundled_profile("mock"), env)
    return merge_cli_overrides(profile, overrides.profile_keys())


def aimed_at(profile: Profile, api_root: str) -> Profile:
    """`profile` pointed at the embedded mock, whose ready line gives the whole API root."""
    return merge_cli_overrides(profile, {"target.base_url": api_root, "target.api_path": ""})
