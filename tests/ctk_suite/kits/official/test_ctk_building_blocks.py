"""Client, embedded-mock launcher, scenario loader and variables: the pieces under the runner."""

from __future__ import annotations

import socket
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import responses

from ctk_suite.engine.mock_process import EmbeddedMock, MockStartError
from ctk_suite.http.client import HttpClient
from ctk_suite.http.exchange import Exchange
from ctk_suite.kits.official.bodies import NotJson, parse_json
from ctk_suite.kits.official.checks import kinds as checks
from ctk_suite.kits.official.checks.kinds import CheckContext, CheckKind
from ctk_suite.kits.official.scenario import (
    AssertionSpec,
    Scenario,
    ScenarioError,
    is_scenario_file,
    load_scenario,
)
from ctk_suite.kits.official.variables import Variables, apply_quote, url_encode
from tests.support.ctk_helpers import closed_port_url, run_ctk
from tests.support.fakes.v4 import serving


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback port that accepts connections and never answers (for timeouts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/"


def test_client_turns_refused_connections_into_an_error() -> None:
    exchange = HttpClient.plain(2.0, 2.0).send("GET", closed_port_url(), {})
    assert exchange.status is None
    assert exchange.error is not None
    assert exchange.error.startswith("transport error: connection refused by 127.0.0.1:")


def test_client_timeout_is_an_error_not_an_exception(silent_server: str) -> None:
    exchange = HttpClient.plain(0.3, 0.3).send("GET", silent_server, {})
    assert exchange.error is not None
    assert exchange.error.endswith("within 0.3 s (read timeout)")


@responses.activate
def test_client_records_the_exchange() -> None:
    responses.post("http://h/productOrder", body=b'{"id":"1"}', status=201, headers={"X-Total-Count": "1"})
    exchange = HttpClient.plain(1.0, 1.0).send(
        "POST", "http://h/productOrder", {"Accept": "application/json"}, b"{}"
    )
    assert (exchange.status, exchange.body, exchange.size, exchange.error) == (201, b'{"id":"1"}', 10, None)
    assert exchange.attempts == 1
    assert exchange.response_headers["X-Total-Count"] == "1"
    assert responses.calls[0].request.headers["Accept"] == "application/json"


def test_text_uses_the_declared_charset_and_drops_a_bom() -> None:
    latin = Exchange(
        "GET",
        "u",
        {},
        None,
        200,
        {"Content-Type": "application/json; charset=latin-1"},
        "é".encode("latin-1"),
    )
    assert latin.text == "é"
    bom = Exchange("GET", "u", {}, None, 200, {"content-type": "application/json"}, "\ufeff{}".encode())
    assert bom.text == "{}"
    unknown = Exchange("GET", "u", {}, None, 200, {"Content-Type": "text/plain; charset=nope"}, b"ok")
    assert unknown.text == "ok"


def test_parse_json_follows_json_parse() -> None:
    assert parse_json('[{"a": 1}]') == [{"a": 1}]
    with pytest.raises(NotJson, match=r"^body is not JSON: \(empty body\)$"):
        parse_json("")
    with pytest.raises(NotJson, match=r"^body is not JSON: NaN$"):
        parse_json("NaN")
    with pytest.raises(NotJson) as caught:
        parse_json("<html>" + "x" * 200)
    assert str(caught.value) == "body is not JSON: <html>" + "x" * 71 + "..."


def script(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "fake_mock.py"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return [sys.executable, str(path)]


@pytest.mark.parametrize("timing", ["", " (ready in 0.41 s)"], ids=["before-timing", "timed"])
def test_embedded_mock_reads_the_ready_line(tmp_path: Path, timing: str) -> None:
    command = script(
        tmp_path,
        f"""
        import sys
        print("starting", flush=True)
        print("tmf622-mock listening on http://127.0.0.1:1234/tmf-api/v4{timing}", flush=True)
        sys.stdin.read()
        """,
    )
    mock = EmbeddedMock(ready_timeout_s=10, command=command)
    try:
        assert mock.start() == "http://127.0.0.1:1234/tmf-api/v4/"
    finally:
        mock.stop()


def test_embedded_mock_that_exits_is_explained(tmp_path: Path) -> None:
    command = script(tmp_path, "import sys\nprint('address in use', file=sys.stderr)\nsys.exit(2)\n")
    with pytest.raises(
        MockStartError, match=r"exited with code 2; stderr: address in use; pass --ctk-base-url"
    ):
        EmbeddedMock(ready_timeout_s=10, command=command).start()


def test_embedded_mock_that_stays_silent_times_out(tmp_path: Path) -> None:
    command = script(tmp_path, "import threading\nthreading.Event().wait()\n")  # silent until stopped
    with pytest.raises(MockStartError, match=r"printed no ready line within 0.5 s"):
        EmbeddedMock(ready_timeout_s=0.5, command=command).start()


MINIMAL = """\
format: tmf622-ctk-scenarios/1
ctkVersion: 9.9.9
payloads: {p: {a: 1}}
requests:
  - scenario: S
    name: /x
    method: post
    path: x
    body: p
    captures: {ID: id}
    assertions: [{kind: status_code, name: ok, status: 201}]
  - {scenario: S, name: "/x/{{ID}}", method: GET, path: "x/{{ID}}", assertions: []}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ctk-test.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_minimal_scenario(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, MINIMAL))
    assert [r.title for r in scenario.requests] == ["S /x [POST]", "S /x/{{ID}} [GET]"]
    assert scenario.requests[0].body == {"a": 1}
    assert scenario.producer_of("ID") is scenario.requests[0]
    assert is_scenario_file(tmp_path / "ctk-test.yaml")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("format: tmf622-ctk-scenarios/1", "format: other"), "not a scenario file"),
        (("body: p", "body: q"), "body 'q' is not one of payloads"),
        (("captures: {ID: id}", "captures: {}"), "uses ['ID'] before any request captures it"),
        (
            ("name: ok, status: 201}]", "name: ok, status: 201}, {kind: x, name: ok}]"),
            "duplicate assertion names ['ok']",
        ),
        (("name: ok, status", "emit: never, name: ok, status"), "unknown emit 'never'"),
        (("    method: post\n", ""), "missing method"),
        (("requests:", "requests: []\nold:"), "`requests` must be a non-empty list"),
    ],
)
def test_scenario_errors_are_one_line(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write(tmp_path, MINIMAL.replace(*change)))
    assert message in str(caught.value)


def test_only_ctk_files_with_our_format_are_collected(tmp_path: Path) -> None:
    (tmp_path / "ctk-other.yaml").write_text("format: something-else\n", encoding="utf-8")
    (tmp_path / "config.yaml").write_text("format: tmf622-ctk-scenarios/1\n", encoding="utf-8")
    assert not is_scenario_file(tmp_path / "ctk-other.yaml")
    assert not is_scenario_file(tmp_path / "config.yaml")


def test_variables_render_and_explain() -> None:
    variables = Variables()
    variables.unavailable("ID", "N1 POST /x returned 500")
    assert variables.missing("a/{{ID}}") == ["ID"]
    assert variables.reason("ID") == "ID unavailable: N1 POST /x returned 500"
    assert variables.render("a/{{ID}}") == "a/{{ID}}"
    variables.set("ID", "2026-01-01T00:00:00+01:00")
    assert variables.render("?d={{ID}}", url_encode) == "?d=2026-01-01T00:00:00%2B01:00"
    assert apply_quote("?d={{ID}}&e={{ID}}", ("ID",), "'") == "?d='{{ID}}'&e='{{ID}}'"


def test_absurdly_deep_json_is_not_json() -> None:
    with pytest.raises(NotJson):
        parse_json("[" * 200_000 + "]" * 200_000)


def test_a_crashing_check_fails_its_assertion_only(
    monkeypatch: pytest.MonkeyPatch, scenario: Scenario
) -> None:
    def boom(ctx: CheckContext, spec: AssertionSpec) -> tuple[()]:
        raise RuntimeError("boom")

    monkeypatch.setitem(
        checks.CHECK_KINDS._entries,
        "status_code",
        CheckKind("status_code", boom, frozenset(), needs_json=False),
    )
    with serving() as (url, _):
        run = run_ctk(scenario, url)
    failed = {a.reason for r in run.results for a in r.failed}
    assert failed == {"check status_code crashed: RuntimeError: boom"}
    assert len(run.results) == 9
