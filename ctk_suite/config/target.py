"""The run's target profile: the profile file (else the bundled mock's) with the upper layers on top."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ctk_suite.config.layers import Given, as_profile_value
from ctk_suite.config.official_import import official_profile
from ctk_suite.config.profile import Profile, bundled_profile, load_profile, merge_cli_overrides
from ctk_suite.config.profile_schema import ProfileError
from ctk_suite.config.table import BY_NAME


def resolve_profile(given: Mapping[str, Given], env: Mapping[str, str] = os.environ) -> Profile:
    """Load the profile named by `given` (else the bundled mock's) and apply the other given options.

    ProfileError (one line) when the result cannot be used.
    """
    if "from_official" in given and "profile" in given:
        raise ProfileError(f"{given['from_official'].source}: give it or {given['profile'].source}, not both")
    if "from_official" in given:
        profile = official_profile(given["from_official"].value, env)
    else:
        profile = load_profile(given["profile"].value if "profile" in given else bundled_profile("mock"), env)
    headers = given["headers"].value if "headers" in given else None
    return merge_cli_overrides(profile, profile_overrides(given), headers)


def profile_overrides(given: Mapping[str, Given]) -> dict[str, Any]:
    """The given options as profile document keys (their `profile_key`), the API root included."""
    keys: dict[str, Any] = {}
    for name, value in given.items():
        option = BY_NAME[name]
        if option.profile_key is None or name == "headers":
            continue
        keys[option.profile_key] = as_profile_value(option, value.value)
    if "base_url" in given:  # the command line gives the whole API root, not a host to add api_path to
        keys["target.api_path"] = ""
    if "timeout" in given:  # an explicit --timeout beats the profile's own timeouts.*
        seconds = given["timeout"].value
        keys.setdefault("timeouts.connect", seconds)
        keys.setdefault("timeouts.read", seconds)
    return keys


def aimed_at(profile: Profile, ready_url: str) -> Profile:
    """`profile` pointed at the embedded mock: the origin of its ready line, and the profile's API path
    (the mock serves every version under its default base path; the profile's follows `api_version`)."""
    parts = urlsplit(ready_url)
    return merge_cli_overrides(profile, {"target.base_url": f"{parts.scheme}://{parts.netloc}"})
