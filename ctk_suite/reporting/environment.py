"""The Allure `environment.properties` of a run: what was tested, how, from where (never a secret)."""

from __future__ import annotations

import platform

from ctk_suite.profile import Profile
from ctk_suite.redaction import SecretRegistry, redact_url
from ctk_suite.runner import CtkRun


def environment(
    profile: Profile | None, run: CtkRun | None, embedded: bool, registry: SecretRegistry | None = None
) -> dict[str, str]:
    """Key/value pairs shown on the report's overview page."""
    properties: dict[str, str] = {}
    if run is not None:
        properties |= {
            "ctkVersion": run.scenario.ctk_version,
            "collection": run.scenario.collection,
            "baseUrl": redact_url(run.settings.base_url, registry),
        }
    properties["target"] = "embedded mock" if embedded else "external server"
    if profile is not None:
        properties |= {
            "profile": profile.name,
            "levels": ", ".join(level.value for level in profile.levels),
            "auth": profile.auth.type,
            "tlsVerify": str(profile.tls.verify).lower(),
            "timeouts": f"connect {profile.timeouts.connect:g} s, read {profile.timeouts.read:g} s",
            "cleanup": str(profile.cleanup).lower(),
            "orderDateQuote": profile.order_date_quoting.value,
        }
    properties["python"] = platform.python_version()
    return properties
