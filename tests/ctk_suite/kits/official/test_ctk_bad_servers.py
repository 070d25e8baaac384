"""The whole CTK against servers that misbehave: the right checks fail, in one line each, within the timeouts.

Run times are bounded by (requests sent) x (connect + read timeout): nothing hangs, nothing crashes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from ctk_suite.engine.state import TARGET_UNUSABLE
from ctk_suite.kits.official.run import CtkRun
from ctk_suite.kits.official.scenario import Scenario
from tests.support.ctk_helpers import run_ctk
from tests.support.servers.misbehaving_server import Running, serve_misbehaving

TIMEOUT_S = 0.4
DEADLINE_S = 2 * TIMEOUT_S  # connect + read
SLACK_S = 2.0
#: Every request is sent, a captured value missing or not, as the official kit sends them (issue 9).
SENT = 9


@pytest.fixture(scope="module")
def bad_server() -> Iterator[Running]:
    with serve_misbehaving() as running:
        yield running


def timed_run(scenario: Scenario, url: str) -> tuple[CtkRun, float]:
    started = time.perf_counter()
    run = run_ctk(scenario, url, timeout_s=TIMEOUT_S)
    return run, time.perf_counter() - started


def reasons(run: CtkRun) -> set[str]:
    return {a.reason or "" for r in run.results for a in r.failed}


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("reset", "transport error: connection to 127.0.0.1:{port} broken after "),
        (
            "silent",
            f"transport error: no answer from 127.0.0.1:{{port}} within {TIMEOUT_S:g} s (read timeout)",
        ),
        ("drip", f"transport error: no complete response from 127.0.0.1:{{port}} within {DEADLINE_S:g} s"),
        ("huge", "transport error: body from 127.0.0.1:{port} larger than 5242880 bytes"),
        ("redirect-loop", "transport error: more than 10 redirects starting at 127.0.0.1:{port}"),
        ("html502", "expected a JSON body, got HTTP 502 text/html: <html><head><title>502 Bad Gateway"),
        (
            "bad-utf8",
            "expected a JSON body, got HTTP 201 application/json with bytes that are not valid utf-8",
        ),
    ],
)
def test_every_assertion_fails_with_a_one_line_reason_in_time(
    scenario: Scenario, bad_server: Running, mode: str, reason: str
) -> None:
    run, took = timed_run(scenario, bad_server.api_url(mode))
    assert len(run.results) == 9
    assertions = [a for r in run.results for a in r.assertions]
    assert assertions
    # "Status code is N" is judged before the body is read, as the official scripts do: a 201 passes it.
    body_checks = [a for a in assertions if not a.name.startswith("Status code is")]
    assert not [a for a in body_checks if a.passed]
    expected = reason.format(port=bad_server.origin.rpartition(":")[2])
    post = [a for a in run.results[0].assertions if not a.name.startswith("Status code is")]
    assert all(expected in (a.reason or "") for a in post), post[0].reason
    assert all("\n" not in text and "Traceback" not in text for text in reasons(run))
    assert took < SENT * DEADLINE_S + SLACK_S


def test_a_hanging_server_ends_the_session_non_zero_within_its_timeouts(
    pytester: pytest.Pytester, ctk_file, bad_server: Running
) -> None:
    started = time.perf_counter()
    result = pytester.runpytest(
        ctk_file.name, "--ctk-base-url", bad_server.api_url("silent"), "--ctk-timeout", str(TIMEOUT_S)
    )
    took = time.perf_counter() - started
    assert result.ret == TARGET_UNUSABLE  # the pre-flight GET got no answer: one line, nothing else sent
    assert f"within {TIMEOUT_S:g} s (read timeout)" in result.stdout.str()
    assert took < SENT * DEADLINE_S + SLACK_S
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
