"""The Allure `environment.properties` of a run: what was tested, how, from where (never a secret)."""

from __future__ import annotations

import platform

from ctk_suite.core.redaction import redact_url
from ctk_suite.reporting.run_report import RunReport


def environment(report: RunReport) -> dict[str, str]:
    """Key/value pairs shown on the report's overview page."""
    properties: dict[str, str] = {"toolkitVersion": report.toolkit_version}
    properties["kits"] = ", ".join(kit.title for kit in report.kits)
    if (kit := report.official_kit) is not None:
        properties |= {"ctkVersion": kit.version, "collection": kit.collection}
    if report.api_url:
        properties["baseUrl"] = redact_url(report.api_url, report.registry)
    properties["target"] = "embedded mock" if report.embedded else "external server"
    if (profile := report.profile) is not None:
        properties |= {
            "profile": profile.name,
            "levels": ", ".join(level.value for level in profile.levels),
            "auth": profile.auth.type,
            "tlsVerify": str(profile.tls.verify).lower(),
            "timeouts": f"connect {profile.timeouts.connect:g} s, read {profile.timeouts.read:g} s",
            "cleanup": str(profile.cleanup).lower(),
            "orderDateQuote": profile.order_date_quoting.value,
            "verdict": profile.verdict,
        }
    properties["python"] = platform.python_version()
    return properties
