"""The CTK against an HTTPS, OAuth2-protected server through a profile: passes, cleans up, leaks nothing.

The server (tests/support/servers/tls_oauth_server.py) quotes the credentials it was sent in its 404
bodies, as a careless deployment would; every file the run writes is then searched for every secret it knew.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import trustme

from ctk_suite.core.redaction import MASK
from ctk_suite.engine.state import TARGET_UNUSABLE
from tests.support.ctk_helpers import read_summary
from tests.support.servers.tls_oauth_server import TlsOAuthServer, serve_tls_oauth

REPO_ROOT = Path(__file__).resolve().parents[3]

#: auth section of the profile, and the environment it reads, per auth method.
Auth = tuple[str, Callable[[TlsOAuthServer], dict[str, str]]]
AUTHS: dict[str, Auth] = {
    "bearer": ("{type: bearer, token_env: T_TOKEN}", lambda s: {"T_TOKEN": s.state.static_token}),
    "oauth2": (
        "{type: oauth2, token_url: 'TOKEN_URL', client_id: ctk-client, client_secret_env: T_SECRET}",
        lambda s: {"T_SECRET": s.state.client_secret},
    ),
    "basic": (
        "{type: basic, username: ctk-user, password_env: T_PASSWORD}",
        lambda s: {"T_PASSWORD": s.state.password},
    ),
    "api_key": ("{type: api_key, api_key_env: T_KEY}", lambda s: {"T_KEY": s.state.api_key}),
}  # fmt: skip


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def server(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsOAuthServer]:
    with serve_tls_oauth(ca, tmp_path_factory.mktemp("tls")) as running:
        running.state.echo_credentials = True
        yield running


def write_profile(server: TlsOAuthServer, auth: str, tls: str = "{ca_bundle: ca.pem}") -> Path:
    text = f"""\
        name: tls-oauth-test
        target: {{base_url: "{server.api_url}"}}
        auth: {auth.replace("TOKEN_URL", server.token_url)}
        tls: {tls}
        timeouts: {{connect: 5, read: 5}}
        payload:
          productOrderItem: [{{id: "1", action: add}}]
          relatedParty: [{{id: "456-dd-df45", "@referredType": Individual}}]
        """
    path = server.ca_path.parent / "profile.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def secrets_of(server: TlsOAuthServer) -> list[str]:
    """Every credential the run could have written: configured ones, the issued tokens, Basic's encoding."""
    state = server.state
    basic = base64.b64encode(f"{state.username}:{state.password}".encode()).decode()
    return [state.static_token, state.client_secret, state.password, state.api_key, basic, *state.issued]


#: The single-file Allure HTML report embeds its data base64-encoded: `d("data/x.json", "eyJ...")`.
EMBEDDED = re.compile(rb'"([A-Za-z0-9+/]{16,}={0,2})"')


def readable(path: Path) -> bytes:
    """A file's bytes, plus whatever it embeds in base64 (a leak there would not show in a grep)."""
    content = path.read_bytes()
    if path.suffix == ".html":
        content += b"\n".join(base64.b64decode(blob) for blob in EMBEDDED.findall(content))
    return content


def leaks(folder: Path, text: str, secrets: list[str]) -> list[str]:
    """`file: secret` for every secret found in any file under `folder` or in `text`."""
    found = [f"stdout: {s}" for s in secrets if s in text]
    for path in folder.rglob("*"):
        if path.is_file():
            content = readable(path)
            found += [f"{path.name}: {s}" for s in secrets if s.encode() in content]
    return found


@pytest.mark.parametrize("method", sorted(AUTHS))
def test_authenticated_run_passes_cleans_up_and_writes_no_secret(
    pytester: pytest.Pytester,
    ctk_file: Path,
    server: TlsOAuthServer,
    monkeypatch: pytest.MonkeyPatch,
    method: str,
) -> None:
    auth, env = AUTHS[method]
    for name, value in env(server).items():
        monkeypatch.setenv(name, value)
    result = pytester.runpytest(ctk_file.name, "--ctk-profile", str(write_profile(server, auth)))
    assert result.ret == 0, result.stdout.str()[-3000:]
    reports = pytester.path / "reports"
    summary = read_summary(reports)
    assert summary["totals"] == {"requests": 9, "assertions": 63, "failedAssertions": 0}
    assert summary["profile"] == "tls-oauth-test"
    assert summary["levels"]["ctk"] == {
        "label": "CTK 4.0.0",
        "verdict": "pass",
        "passed": 63,
        "total": 63,
        "officialPassed": 63,
        "officialTotal": 63,
        "notRun": 0,
        "applicable": 63,
        "notApplicable": 0,
    }
    assert summary["cleanup"] == {
        "enabled": True, "deleted": server.state.deleted, "failed": [], "kept": [], "cancelRequests": [],
        "created": len(server.state.deleted),
    }  # fmt: skip
    assert len(server.state.deleted) == 1
    assert server.state.orders == {}
    used = {credential.partition(":")[0] for credential in server.state.credentials_used}
    assert (
        used
        == {"bearer": {"static"}, "oauth2": {"token"}, "basic": {"basic"}, "api_key": {"api_key"}}[method]
    )
    assert leaks(reports, result.stdout.str() + result.stderr.str(), secrets_of(server)) == []
    attachments = [p.read_text(encoding="utf-8") for p in reports.glob("allure-results/*-attachment*")]
    echoed = [text for text in attachments if '"message"' in text]  # the 404 body quoting credentials
    assert echoed
    assert all(MASK in text for text in echoed)


def test_wrong_client_secret_fails_cleanly_with_the_token_endpoint_error(
    pytester: pytest.Pytester, ctk_file: Path, server: TlsOAuthServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "definitely-not-the-secret-42"
    monkeypatch.setenv("T_SECRET", wrong)
    result = pytester.runpytest(
        ctk_file.name, "--ctk-profile", str(write_profile(server, AUTHS["oauth2"][0]))
    )
    assert result.ret == TARGET_UNUSABLE  # the pre-flight's token fetch failed: one line, no 60 copies
    expected = f"auth error: token endpoint {server.token_url} answered 401: invalid_client"
    assert result.stdout.str().count(expected) == 1
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert server.state.token_requests == 1  # fetched once per run, never once per request
    assert server.state.api_requests == 0  # nothing reached the API without a token
    assert leaks(pytester.path / "reports", result.stdout.str(), [wrong, server.state.client_secret]) == []


def test_verification_off_passes_with_a_warning_in_the_summary(
    pytester: pytest.Pytester, ctk_file: Path, server: TlsOAuthServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("T_TOKEN", server.state.static_token)
    profile = write_profile(server, AUTHS["bearer"][0], tls="{verify: true}")
    untrusted = pytester.runpytest(ctk_file.name, "--ctk-profile", str(profile))
    assert untrusted.ret == TARGET_UNUSABLE  # the CA is unknown: verification refuses it at the pre-flight
    assert "transport error: TLS failure with 127.0.0.1:" in untrusted.stdout.str()
    insecure = pytester.runpytest(ctk_file.name, "--ctk-profile", str(profile), "--ctk-insecure")
    assert insecure.ret == 0
    warning = read_summary(pytester.path / "reports")["warnings"]
    assert len(warning) == 1
    assert warning[0].startswith(f"TLS certificate verification is OFF for {server.base_url}")
    insecure.stdout.fnmatch_lines(["WARNING: TLS certificate verification is OFF for *"])


def test_the_command_line_run_with_its_html_report_writes_no_secret(
    server: TlsOAuthServer, tmp_path: Path
) -> None:
    """As a user runs it: `tmf622-ctk --profile`, Allure HTML included when the Allure CLI is installed."""
    profile = write_profile(server, AUTHS["oauth2"][0])
    reports = tmp_path / "reports"
    env = {**os.environ, "T_SECRET": server.state.client_secret}
    command = [str(Path(sys.executable).with_name("tmf622-ctk")), "--profile", str(profile)]
    done = subprocess.run(
        [*command, "--reports-dir", str(reports)],
        cwd=REPO_ROOT,  # where node_modules/.bin/allure is, if installed
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert server.state.issued  # a token was fetched, and is one of the secrets searched for
    assert leaks(reports, done.stdout + done.stderr, secrets_of(server)) == []
    html = reports / "allure-report" / "index.html"
    if html.exists():  # the attachments are in there, masked
        assert readable(html).count(b"Authorization: ***") >= 9
