"""Checks over every response of a level: each matches the schema of its status, each body is JSON."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ctk_suite.kits.extended.records import Blocked, Sent
from ctk_suite.kits.extended.verdicts import (
    Failures,
    error_response,
    matches_schema,
    media_is_json,
    responded,
)

if TYPE_CHECKING:
    from ctk_suite.kits.extended.run import ExtendedRun


def gather(run: ExtendedRun, probes: Iterable[str]) -> list[Sent]:
    """Every response of `probes`, running those not run yet; a blocked probe contributes what it has not.

    The checks that depend on a blocked probe report why it was blocked; the sweep judges what came back.
    """
    found: dict[int, Sent] = {}
    for name in probes:
        try:
            evidence = run.probe(name)
        except Blocked:
            continue
        found.update((id(sent), sent) for sent in evidence.sent.values())
    return list(found.values())


def schema_of_status(sent: Sent) -> Failures:
    """2xx: the expected resource (or no body for a 204-style answer); 4xx and 5xx: an Error."""
    if missing := responded(sent):
        return missing
    status = sent.status or 0
    if status >= 400:
        return error_response(sent)
    if not 200 <= status < 300:
        return [sent.fail("status", "a 2xx answer or an error status", f"HTTP {status}")]
    if sent.expects is None:
        size = sent.exchange.size
        return [] if size == 0 else [sent.fail("$", "no body", f"{size} bytes")]
    return matches_schema(sent, sent.expects)


def judged(run: ExtendedRun, probes: Iterable[str]) -> list[Sent]:
    """The responses a sweep judges; Blocked when there are none (a sweep over nothing must not pass)."""
    if responses := gather(run, probes):
        return responses
    raise Blocked("every request flow of this level was blocked: no response to judge")


def schema_sweep(run: ExtendedRun, probes: Iterable[str]) -> Failures:
    """Every response of `probes` validates against the schema of its status."""
    return [failure for sent in judged(run, probes) for failure in schema_of_status(sent)]


def json_sweep(run: ExtendedRun, probes: Iterable[str]) -> Failures:
    """Every response of `probes` that has a body declares application/json."""
    return [
        failure
        for sent in judged(run, probes)
        if sent.exchange.error is not None or sent.exchange.size > 0
        for failure in media_is_json(sent)
    ]
