"""The Cypress 12 (CTK 5.0.0) verdict model where a `before all` hook fails, as summary.json reports it.

Written for `make mutate` (scripts/mutation/README.md): each test fails when a rule of
kits/official/runners/cypress.py is broken.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web

from ctk_suite.http.client import HttpClient
from ctk_suite.kits.official.run import CtkRun, RunSettings
from ctk_suite.kits.official.runners.cypress import hook_message
from ctk_suite.kits.official.scenario import Scenario, load_scenario
from ctk_suite.reporting.summary import build_summary
from tests.support.app_thread import serving_app
from tests.support.ctk_helpers import report_of, run_ctk
from tests.support.fakes.v5 import BASE_PATH, KIT, FakeV5
from tests.support.fakes.v5 import serving as serving_v5
from tmf622_scenarios import scenario_path

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def first_request(fault: str) -> dict[str, dict[str, Any]]:
    """summary.json's assertions of the kit's POST against the v5 fake with `fault`, by name."""
    kit = load_scenario(scenario_path("ctk-5.0.0.yaml"))
    with serving_v5(fault) as (url, _):
        run = CtkRun(kit, RunSettings(url, {}), HttpClient.plain(5.0, 5.0))
        try:
            run.execute(kit.requests[0])
        finally:
            run.client.close()
    [post] = build_summary(report_of(run))["requests"]
    return {a["name"]: a for a in post["assertions"]}


def test_a_hook_failure_is_a_body_failure_and_keeps_what_ours_already_failed() -> None:
    """201 `null`: our status check passed, so it fails with the hook's error, of kind `body`; our schema
    check failed on its own and keeps its own reason (the official kit skips it)."""
    found = first_request("create_null")
    status, schema = found["Tests status"], found["Test schema"]
    assert (status["verdict"], status["officialVerdict"], status["kind"]) == ("failed", "failed", "body")
    assert (status["reason"] or "").startswith("TypeError: Cannot convert undefined or null to object")
    assert (schema["verdict"], schema["officialVerdict"], schema["kind"]) == ("failed", "skipped", "schema")
    assert "before all" not in (schema["reason"] or "")


def test_a_suite_title_of_exactly_thirty_characters_is_shown_whole() -> None:
    """lodash `_.truncate(title, {length: 30})` cuts only a longer title."""
    title = "T" * 30
    assert hook_message("E", title).endswith(f"the remaining tests in the current suite: `{title}`")
    assert hook_message("E", title + "!").endswith(f"suite: `{'T' * 27}...`")


def reread(body: Callable[[bytes], bytes], content_type: str) -> Any:
    """A middleware that rewrites every JSON answer to a GET: its bytes by `body`, its label as given."""

    @web.middleware
    async def rewrite(request: web.Request, handler: Handler) -> web.StreamResponse:
        answer = await handler(request)
        if request.method != "GET" or not isinstance(answer, web.Response):
            return answer
        raw = answer.body
        assert isinstance(raw, bytes)  # the fake answers json_response or text, both held as bytes
        return web.Response(body=body(raw), status=answer.status, headers={"Content-Type": content_type})

    return rewrite


def official_gets(rewrite: Any) -> dict[str, set[tuple[str, str]]]:
    """The (strict, official) verdicts of the kit's GETs against the rewritten fake, by assertion name."""
    kit: Scenario = load_scenario(scenario_path("ctk-5.0.0.yaml"))
    app = FakeV5(KIT, frozenset()).app()
    app.middlewares.append(rewrite)
    with serving_app(app, BASE_PATH) as url:
        run = run_ctk(kit, url)
    gets = [r for r in run.results if r.method == "GET" and "completionDate=" not in r.url]
    found: dict[str, set[tuple[str, str]]] = {}
    for assertion in (a for r in gets for a in r.assertions):
        found.setdefault(assertion.name, set()).add(
            (assertion.verdict.value, assertion.official_verdict.value)
        )
    return found


@pytest.mark.parametrize(
    ("name", "body", "content_type"),
    [
        # @cypress/request drops the UTF-8 BOM of a body read as 'utf8' before JSON.parse.
        ("bom", lambda raw: b"\xef\xbb\xbf" + raw, "application/json"),
        # `contentTypeIsJson` reads the type before the first `;`, whatever follows.
        ("parameters", lambda raw: raw, "application/json;charset=utf-8;profile=json-x"),
    ],
)
def test_gets_cypress_parses_pass_both_verdicts(
    name: str, body: Callable[[bytes], bytes], content_type: str
) -> None:
    found = official_gets(reread(body, content_type))
    assert set(found) == {"Tests status", "Test schema", "Each attribute Test"}, name
    assert set.union(*found.values()) == {("passed", "passed")}, name


def test_nan_in_a_get_leaves_cypress_a_string_that_fails_officially() -> None:
    """`JSON.parse` rejects NaN: the kit's tests get the text, and its schema test fails on a string."""
    found = official_gets(reread(lambda raw: raw.replace(b"{", b'{"discount": NaN, ', 1), "application/json"))
    assert found["Test schema"] == {("failed", "failed")}


def test_bytes_that_are_not_utf8_are_replaced_for_cypress_and_refused_by_us() -> None:
    """Node's `buf.toString('utf8')` puts U+FFFD for a bad byte and JSON.parse goes on; we want UTF-8 (and
    a body we cannot read fails each of the request's assertions, its status too)."""
    found = official_gets(reread(lambda raw: raw.replace(b"{", b'{"note": "\xff", ', 1), "application/json"))
    assert found["Tests status"] == found["Each attribute Test"] == {("failed", "passed")}
    assert ("failed", "passed") in found["Test schema"]
