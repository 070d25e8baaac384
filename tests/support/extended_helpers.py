"""Run the extended checks directly (no pytest session) against a server, as the sensitivity tests do."""

from __future__ import annotations

import copy
from typing import Any

import ctk_suite.kits.extended.versions  # noqa: F401 - registers every version's probes and checks
from ctk_suite.http.client import HttpClient
from ctk_suite.kits.extended.catalogue import load_catalogue
from ctk_suite.kits.extended.evidence import CheckResult
from ctk_suite.kits.extended.listener import ListenerSettings
from ctk_suite.kits.extended.run import ExtendedRun, Target

PAYLOAD: dict[str, Any] = {
    "productOrderItem": [{"id": "123", "action": "add"}],
    "relatedParty": [{"id": "456-dd-df45", "@referredType": "Individual"}],
}
HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}


def run_extended(url: str, event_timeout_s: float = 5.0) -> dict[str, CheckResult]:
    """Every check of the catalogue, in order, against `url`; results by rule id."""
    client = HttpClient.plain(5.0, 5.0)
    target = Target(url, HEADERS, lambda: copy.deepcopy(PAYLOAD), client.send)
    run = ExtendedRun(target, ListenerSettings(timeout_s=event_timeout_s))
    try:
        return {rule.id: run.evaluate(rule) for rule in load_catalogue().rules}
    finally:
        run.close()
        client.close()


def failing(results: dict[str, CheckResult]) -> dict[str, str]:
    """The failed checks with their reasons."""
    return {rule_id: r.reason or "" for rule_id, r in results.items() if not r.passed}
