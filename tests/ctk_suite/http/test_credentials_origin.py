"""A credential is only ever sent to the origin it was configured for (issue 9, section 1).

Real HTTP on loopback (tests/support/servers/origin_servers.py): a target that redirects with 301, 302, 307
and 308 to a capture server on another port. With every auth type, and with user headers, the capture
server must see nothing; the redirect is refused and reported with its target; a whole CTK run then
writes no secret, in any encoding, to its reports or the terminal.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from ctk_suite.config.profile import Profile, load_profile
from ctk_suite.core.redaction import HARMLESS_HEADERS, SecretRegistry, redact_text
from ctk_suite.http.auth import build_session
from ctk_suite.http.client import MAX_BODY_BYTES, HttpClient, Limits
from ctk_suite.http.exchange import Exchange
from tests.support.ctk_helpers import read_summary
from tests.support.servers.origin_servers import (
    API_PATH,
    ISSUED_TOKEN,
    PREFLIGHT,
    REDIRECTS,
    SAME_ORIGIN_PREFIX,
    Behaviour,
    CaptureServer,
    RedirectingTarget,
    redirect_pair,
)

BEARER = "bearer-Tok3n+/=x y"
USERNAME = "ctk-user"
PASSWORD = "pa ss&w0rd/+=%"
API_KEY = "apikey-9f8e 7d6c+/"
API_KEY_HEADER = "X-Gateway-Key"
CLIENT_ID = "ctk client"
CLIENT_SECRET = "client secret/+&=42"
#: User headers: of names no redactor knows, on the command line and in the profile.
CLI_HEADERS = {"Ocp-Apim-Subscription-Key": "sub-key-0a1b 2c3d", "X-Auth": "x-auth-value 77/+"}
PROFILE_HEADERS = {"X-Tenant": "tenant-value-5566"}
ENV = {"T_TOKEN": BEARER, "T_PASSWORD": PASSWORD, "T_KEY": API_KEY, "T_SECRET": CLIENT_SECRET}

AUTHS = {
    "bearer": "{type: bearer, token_env: T_TOKEN}",
    "basic": f"{{type: basic, username: {USERNAME}, password_env: T_PASSWORD}}",
    "api_key": f"{{type: api_key, header: {API_KEY_HEADER}, api_key_env: T_KEY}}",
    "oauth2-body": (
        "{type: oauth2, token_url: 'TOKEN_URL', client_id: 'ctk client', client_secret_env: T_SECRET}"
    ),
    "oauth2-basic": (
        "{type: oauth2, token_url: 'TOKEN_URL', client_id: 'ctk client', client_secret_env: T_SECRET, "
        "client_auth: basic}"
    ),
    "headers only": "{type: none}",
}


def secrets() -> list[str]:
    return [
        BEARER,
        PASSWORD,
        API_KEY,
        CLIENT_SECRET,
        ISSUED_TOKEN,
        *CLI_HEADERS.values(),
        *PROFILE_HEADERS.values(),
    ]


def forms(secret: str) -> set[str]:
    """The encodings a secret can travel in (base64 is searched by decoding, see `decoded_runs`)."""
    return {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}


def write_profile(folder: Path, target: RedirectingTarget, auth: str) -> Path:
    text = f"""\
        name: origin-test
        target: {{base_url: "{target.url}{API_PATH}"}}
        auth: {auth.replace("TOKEN_URL", target.url + "/token")}
        headers: {json.dumps(PROFILE_HEADERS)}
        timeouts: {{connect: 5, read: 5}}
        payload:
          productOrderItem: [{{id: "1", action: add}}]
          relatedParty: [{{id: "456-dd-df45", "@referredType": Individual}}]
        """
    path = folder / "profile.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def profile(folder: Path, target: RedirectingTarget, auth: str) -> Profile:
    return load_profile(write_profile(folder, target, auth), env=ENV)


def client(prof: Profile) -> HttpClient:
    registry = SecretRegistry()
    return HttpClient(build_session(prof.http, registry), Limits(5, 5), registry)


def send(prof: Profile, method: str, url: str) -> Exchange:
    headers = {"Accept": "application/json", **prof.request_headers, **CLI_HEADERS}
    body = b'{"productOrderItem": []}' if method == "POST" else None
    return client(prof).send(method, url, headers, body)


@pytest.fixture
def pair() -> Iterator[tuple[RedirectingTarget, CaptureServer]]:
    with redirect_pair() as running:
        yield running


@pytest.mark.parametrize("status", REDIRECTS)
@pytest.mark.parametrize("auth", sorted(AUTHS))
def test_a_redirect_to_another_origin_is_refused_and_named(tmp_path: Path, auth: str, status: int) -> None:
    with redirect_pair(Behaviour(statuses=itertools.repeat(status))) as (target, capture):
        prof = profile(tmp_path, target, AUTHS[auth])
        for method in ("GET", "POST", "DELETE"):
            path = f"{API_PATH}/productOrder/42"
            exchange = send(prof, method, target.url + path)
            assert exchange.error == (
                f"transport error: HTTP {status} redirect to another origin refused: {capture.url}{path} "
                f"(the credentials are only sent to {target.url})"
            )
    assert capture.seen.lines == []


@pytest.mark.parametrize("status", REDIRECTS)
@pytest.mark.parametrize("client_auth", ["body", "basic"])
def test_a_token_endpoint_redirect_to_another_origin_is_refused(
    tmp_path: Path, client_auth: str, status: int
) -> None:
    with redirect_pair(Behaviour(token_redirect=status)) as (target, capture):
        prof = profile(tmp_path, target, AUTHS[f"oauth2-{client_auth}"])
        exchange = send(prof, "GET", target.url + PREFLIGHT)
    assert exchange.error == (
        f"auth error: token endpoint {target.url}/token: HTTP {status} redirect to another origin refused: "
        f"{capture.url}/token (the credentials are only sent to {target.url})"
    )
    assert capture.seen.lines == []
    assert target.seen.lines == ["POST /token"]  # the API request was never sent without a token


def test_an_oversized_token_answer_is_not_read_nor_sent(tmp_path: Path) -> None:
    with redirect_pair(Behaviour(token_bytes=MAX_BODY_BYTES + 1)) as (target, capture):
        exchange = send(profile(tmp_path, target, AUTHS["oauth2-body"]), "GET", target.url + PREFLIGHT)
    assert exchange.error == (
        f"auth error: token endpoint {target.url}/token answered more than {MAX_BODY_BYTES} bytes: not read"
    )
    assert target.seen.lines == ["POST /token"]
    assert capture.seen.lines == []


@pytest.mark.parametrize("auth", ["api_key", "oauth2-body"])
def test_a_same_origin_redirect_is_followed_with_the_credentials(tmp_path: Path, pair, auth: str) -> None:
    target, capture = pair
    exchange = send(
        profile(tmp_path, target, AUTHS[auth]), "GET", target.url + SAME_ORIGIN_PREFIX + PREFLIGHT
    )
    assert (exchange.error, exchange.status, exchange.body) == (None, 200, b"[]")
    final = target.seen.headers[target.seen.lines.index(f"GET {PREFLIGHT}")]
    credential = API_KEY if auth == "api_key" else f"Bearer {ISSUED_TOKEN}"
    assert credential in final.values()
    assert capture.seen.lines == []


def test_a_session_bound_to_its_origin_sends_nothing_elsewhere(tmp_path: Path, pair) -> None:
    target, capture = pair
    exchange = send(profile(tmp_path, target, AUTHS["bearer"]), "GET", capture.url + "/anything")
    assert exchange.error == (
        f"transport error: request to another origin refused: {capture.url}/anything "
        f"(the credentials are only sent to {target.url})"
    )
    assert capture.seen.lines == []


BASE64_RUN = re.compile(rb"[A-Za-z0-9+/_-]{12,}={0,2}")


def decoded_runs(content: bytes) -> bytes:
    """Every base64 run of `content` decoded, at each of the four alignments, standard and URL-safe."""
    out = []
    for run in BASE64_RUN.findall(content):
        for skip in range(4):
            chunk = run[skip:].rstrip(b"=")
            chunk = chunk[: len(chunk) - len(chunk) % 4]
            for alphabet in (None, b"-_"):
                try:
                    out.append(base64.b64decode(chunk, altchars=alphabet))
                except ValueError:
                    continue
    return b"\n".join(out)


def leaks(folder: Path, terminal: str) -> list[str]:
    """`where: secret` for every secret, in any of its forms or base64, in the reports or the terminal."""
    found = []
    sources = {"terminal": terminal.encode()} | {
        str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*") if path.is_file()
    }
    for where, content in sources.items():
        searched = content + b"\n" + decoded_runs(content)
        found += [f"{where}: {s!r}" for s in secrets() for f in forms(s) if f.encode() in searched]
    return found


@pytest.mark.parametrize("auth", sorted(AUTHS))
def test_a_redirecting_target_gets_no_secret_to_another_origin_nor_into_a_report(
    pytester: pytest.Pytester,
    ctk_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    pair: tuple[RedirectingTarget, CaptureServer],
    auth: str,
) -> None:
    target, capture = pair
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    header_args = [arg for name, value in CLI_HEADERS.items() for arg in ("--ctk-header", f"{name}: {value}")]
    profile_path = write_profile(pytester.path, target, AUTHS[auth])
    result = pytester.runpytest(ctk_file.name, "--ctk-profile", str(profile_path), *header_args)
    assert result.ret == 1, result.stdout.str()[-3000:]
    assert capture.seen.lines == []
    summary = read_summary(pytester.path / "reports")
    refused = [r for r in summary["requests"] if "redirect to another origin refused" in str(r.get("error"))]
    assert {(r["scenario"], r["method"]) for r in refused} >= {("N1", "POST"), ("N2", "GET"), ("E1", "GET")}
    assert all(capture.url in str(r["error"]) for r in refused)
    assert leaks(pytester.path / "reports", result.stdout.str() + result.stderr.str()) == []
    # The echoed credentials did reach the reports, masked: the grep above searched real content.
    attachments = "".join(p.read_text("utf-8") for p in pytester.path.glob("reports/allure-results/*attach*"))
    assert "Ocp-Apim-Subscription-Key" in attachments


def test_harmless_headers_stay_readable_and_are_few() -> None:
    assert {"accept", "content-type", "user-agent"} <= HARMLESS_HEADERS
    assert len(HARMLESS_HEADERS) <= 10
    assert not {"authorization", "x-api-key", "cookie", "x-auth"} & HARMLESS_HEADERS


@pytest.mark.parametrize(
    "shown",
    [
        "grant_type=x&field=pa+ss%26w0rd%2F%2B%3D%25",  # form-encoded, `+` for the space, neutral name
        "field=pa%20ss%26w0rd%2f%2b%3d%25",  # percent-encoded, lower-case hex
        '{"note": "pa ss&w0rd/+=%"}',
        '{"note": "pa ss\\u0026w0rd\\/+=%"}'.replace("\\u0026", "&"),  # JSON with an escaped solidus
        base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode(),
        base64.b64encode(f'{{"a": "{PASSWORD}"}}'.encode()).decode(),  # inside a larger base64 blob
        base64.urlsafe_b64encode(f"xy{PASSWORD}".encode()).decode(),
    ],
)
def test_every_encoding_of_a_registered_secret_is_masked(shown: str) -> None:
    registry = SecretRegistry([PASSWORD])
    masked = redact_text(shown, registry)
    assert "***" in masked
    assert not [f for f in forms(PASSWORD) if f in masked]
    assert PASSWORD.encode() not in decoded_runs(masked.encode())
