"""Run the v5 extended checks directly (no pytest session) against a server, as the sensitivity tests do."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

import ctk_suite.kits.extended.versions  # noqa: F401 - registers every version's probes and checks
from ctk_suite.config.profile import kit_payload
from ctk_suite.http.client import HttpClient
from ctk_suite.kits.extended.catalogue import Catalogue, load_catalogue
from ctk_suite.kits.extended.evidence import CheckResult
from ctk_suite.kits.extended.listener import ListenerSettings
from ctk_suite.kits.extended.run import ExtendedRun, Target
from tmf622_scenarios import scenario_path

HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}


def catalogue_v5() -> Catalogue:
    """The shipped v5 extended catalogue."""
    return load_catalogue(scenario_path("extended-5.0.0.yaml"))


@cache
def _kit_payload() -> dict[str, Any]:
    body: dict[str, Any] = kit_payload("5.0.0")
    return body


def payload() -> dict[str, Any]:
    """The v5 kit's default create body (a fresh copy)."""
    return copy.deepcopy(_kit_payload())


def run_v5(url: str, event_timeout_s: float = 5.0) -> dict[str, CheckResult]:
    """Every check of the v5 catalogue, in order, against `url`; results by rule id."""
    client = HttpClient.plain(5.0, 5.0)
    run = ExtendedRun(Target(url, HEADERS, payload, client.send), ListenerSettings(timeout_s=event_timeout_s))
    try:
        return {rule.id: run.evaluate(rule) for rule in catalogue_v5().rules}
    finally:
        run.close()
        client.close()


def check_reasons(
    url: str, checks: Iterable[str], body: Callable[[], dict[str, Any]] = payload
) -> dict[str, str | None]:
    """The reason each of `checks` gives against `url` (None: passed), each evaluated alone as a run
    with `-k` would; `body` makes the create's body."""
    wanted = frozenset(checks)
    client = HttpClient.plain(5.0, 5.0)
    run = ExtendedRun(Target(url, HEADERS, body, client.send), ListenerSettings(timeout_s=1.0))
    try:
        return {rule.id: run.evaluate(rule).reason for rule in catalogue_v5().rules if rule.id in wanted}
    finally:
        run.close()
        client.close()


def failing(results: dict[str, CheckResult]) -> dict[str, str]:
    """The failed checks with their reasons."""
    return {rule_id: r.reason or "" for rule_id, r in results.items() if not r.passed}


def not_run(results: dict[str, CheckResult]) -> dict[str, str]:
    """The checks not run, with why."""
    return {rule_id: r.not_run.reason for rule_id, r in results.items() if r.not_run is not None}
