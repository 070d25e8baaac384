"""Each auth method and the TLS settings against a real HTTPS server on loopback (tests/servers/)."""

from __future__ import annotations

import logging
import socket
import textwrap
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
import trustme

from ctk_suite.config.profile import Profile, load_profile
from ctk_suite.core.redaction import MASK, SecretRegistry, redact_text
from ctk_suite.http.auth import AuthError, ProfileSession, build_session, tls_warning
from tests.support.servers.tls_oauth_server import TlsOAuthServer, serve_tls_oauth, write_ca

DEADLINE_S = 10.0
ORDER = {"productOrderItem": [{"id": "1", "action": "add"}]}


class FakeClock:
    """Monotonic time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def server(ca: trustme.CA, tmp_path: Path) -> Iterator[TlsOAuthServer]:
    with serve_tls_oauth(ca, tmp_path) as running:
        yield running


@pytest.fixture
def mtls_server(ca: trustme.CA, tmp_path: Path) -> Iterator[TlsOAuthServer]:
    with serve_tls_oauth(ca, tmp_path, require_client_cert=True) as running:
        yield running


def profile_for(
    server: TlsOAuthServer, auth: str, tls: str | None = None, env: dict[str, str] | None = None
) -> Profile:
    """A profile aimed at `server`, trusting its CA unless `tls` says otherwise."""
    tls = tls if tls is not None else f"{{ca_bundle: {server.ca_path.name}}}"
    text = f"""\
        target: {{base_url: "{server.api_url}"}}
        auth: {auth}
        tls: {tls}
        timeouts: {{connect: 5, read: 5}}
        payload: {{productOrderItem: [{{id: "1", action: add}}]}}
        """
    path = server.ca_path.parent / "profile.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_profile(path, env=env or {})


def oauth2_profile(server: TlsOAuthServer, secret: str | None = None, extra: str = "") -> Profile:
    auth = (
        f'{{type: oauth2, token_url: "{server.token_url}", client_id: {server.state.client_id}, '
        f"client_secret_env: TMF_CLIENT_SECRET, scope: tmf622, audience: ctk-api{extra}}}"
    )
    return profile_for(server, auth, env={"TMF_CLIENT_SECRET": secret or server.state.client_secret})


def list_orders(session: requests.Session, server: TlsOAuthServer) -> requests.Response:
    return session.get(f"{server.api_url}/productOrder")


def test_bearer_token_is_accepted(server: TlsOAuthServer) -> None:
    profile = profile_for(
        server, "{type: bearer, token_env: TMF_TOKEN}", env={"TMF_TOKEN": server.state.static_token}
    )

    with build_session(profile.http, SecretRegistry()) as session:
        created = session.post(f"{server.api_url}/productOrder", json=profile.payload())
        read = session.get(created.headers["Location"])

    assert (created.status_code, read.status_code) == (201, 200)
    assert read.json()["id"] == created.json()["id"]
    assert server.state.credentials_used == ["static", "static"]


def test_wrong_bearer_token_gets_401_without_retry(server: TlsOAuthServer) -> None:
    profile = profile_for(server, "{type: bearer, token_env: TMF_TOKEN}", env={"TMF_TOKEN": "not-the-token"})

    with build_session(profile.http, SecretRegistry()) as session:
        response = list_orders(session, server)

    assert response.status_code == 401
    assert response.history == []
    assert server.state.api_requests == 1


def test_oauth2_token_is_fetched_once_and_reused(server: TlsOAuthServer) -> None:
    with build_session(oauth2_profile(server).http, SecretRegistry()) as session:
        statuses = [list_orders(session, server).status_code for _ in range(5)]

    assert statuses == [200] * 5
    assert server.token_requests == 1
    assert len(set(server.state.tokens_used())) == 1
    assert server.state.token_forms == [
        {
            "grant_type": "client_credentials",
            "scope": "tmf622",
            "audience": "ctk-api",
            "client_id": server.state.client_id,
            "client_secret": server.state.client_secret,
        }
    ]


def test_oauth2_client_can_authenticate_with_http_basic(server: TlsOAuthServer) -> None:
    with build_session(
        oauth2_profile(server, extra=", client_auth: basic").http, SecretRegistry()
    ) as session:
        response = list_orders(session, server)

    assert response.status_code == 200
    assert server.state.client_auth_methods == ["basic"]
    assert "client_secret" not in server.state.token_forms[0]


def test_oauth2_token_is_renewed_before_it_expires(server: TlsOAuthServer) -> None:
    server.state.token_lifetime_s = 120  # renewed 30 s early, at 90 s
    clock = FakeClock()

    with build_session(oauth2_profile(server).http, SecretRegistry(), clock=clock) as session:
        list_orders(session, server)
        clock.now += 89
        list_orders(session, server)
        fetched_before_expiry = server.token_requests
        clock.now += 1
        response = list_orders(session, server)

    assert response.status_code == 200
    assert (fetched_before_expiry, server.token_requests) == (1, 2)
    first, second, third = server.state.tokens_used()
    assert first == second != third


def test_oauth2_token_is_renewed_once_after_a_401(server: TlsOAuthServer) -> None:
    with build_session(oauth2_profile(server).http, SecretRegistry()) as session:
        list_orders(session, server)
        server.state.revoke_tokens()
        response = list_orders(session, server)

    assert response.status_code == 200
    assert [earlier.status_code for earlier in response.history] == [401]
    assert server.token_requests == 2


def test_oauth2_401_is_retried_only_once(server: TlsOAuthServer) -> None:
    server.state.accept_tokens = False

    with build_session(oauth2_profile(server).http, SecretRegistry()) as session:
        response = list_orders(session, server)

    assert response.status_code == 401
    assert (server.token_requests, server.state.api_requests) == (2, 2)


def test_token_endpoint_401_is_a_clear_auth_error_without_the_secret(
    server: TlsOAuthServer, caplog: pytest.LogCaptureFixture
) -> None:
    wrong_secret = "wrong-secret-5e1d9c"
    caplog.set_level(logging.DEBUG)

    session = build_session(oauth2_profile(server, wrong_secret).http, SecretRegistry())
    with session, pytest.raises(AuthError) as caught:
        list_orders(session, server)

    assert str(caught.value) == f"token endpoint {server.token_url} answered 401: invalid_client"
    assert isinstance(caught.value, requests.RequestException)
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None
    for text in (str(caught.value), repr(caught.value), caplog.text):
        assert wrong_secret not in text
    assert server.state.api_requests == 0


def test_token_endpoint_without_access_token_is_an_auth_error(server: TlsOAuthServer) -> None:
    server.state.token_body_override = b'{"token_type": "bearer"}'

    session = build_session(oauth2_profile(server).http, SecretRegistry())
    with session, pytest.raises(AuthError, match=r"answered 200 without an access_token$"):
        list_orders(session, server)


def test_unreachable_token_endpoint_is_an_auth_error(server: TlsOAuthServer) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"https://127.0.0.1:{closed.getsockname()[1]}/oauth/token"  # bound, never listening
        auth = f'{{type: oauth2, token_url: "{url}", client_id: c, client_secret_env: CS}}'
        profile = profile_for(server, auth, env={"CS": "secret-never-shown"})

        with build_session(profile.http, SecretRegistry()) as session, pytest.raises(AuthError) as caught:
            list_orders(session, server)

    assert str(caught.value).startswith(f"token endpoint {url} unreachable: ")
    assert "secret-never-shown" not in str(caught.value)


def test_fetched_token_and_profile_secrets_are_registered(server: TlsOAuthServer) -> None:
    registry = SecretRegistry()

    with build_session(oauth2_profile(server).http, registry) as session:
        list_orders(session, server)

    (token,) = set(server.state.tokens_used())
    text = f"Got {token} for {server.state.client_secret}"
    assert redact_text(text, registry) == f"Got {MASK} for {MASK}"


def test_api_key_in_a_configured_header(server: TlsOAuthServer) -> None:
    server.state.api_key_header = "X-Tenant-Key"
    auth = "{type: api_key, api_key_env: TMF_API_KEY, header: X-Tenant-Key}"
    profile = profile_for(server, auth, env={"TMF_API_KEY": server.state.api_key})
    registry = SecretRegistry()

    with build_session(profile.http, registry) as session:
        response = list_orders(session, server)

    assert response.status_code == 200
    assert server.state.credentials_used == ["api_key"]
    assert registry.is_credential_header("x-tenant-key")


@pytest.mark.parametrize(("right", "status"), [(True, 200), (False, 401)])
def test_http_basic(server: TlsOAuthServer, right: bool, status: int) -> None:
    password = server.state.password if right else "not-the-password"
    auth = f"{{type: basic, username: {server.state.username}, password_env: TMF_PASSWORD}}"
    profile = profile_for(server, auth, env={"TMF_PASSWORD": password})

    with build_session(profile.http, SecretRegistry()) as session:
        response = list_orders(session, server)

    assert response.status_code == status


def test_mutual_tls_with_client_certificate(mtls_server: TlsOAuthServer) -> None:
    tls = f"{{ca_bundle: ca.pem, client_cert: {mtls_server.client_cert_path.name}, client_key: client.key}}"
    profile = profile_for(
        mtls_server, "{type: bearer, token_env: T}", tls, env={"T": mtls_server.state.static_token}
    )

    with build_session(profile.http, SecretRegistry()) as session:
        response = session.post(f"{mtls_server.api_url}/productOrder", json=ORDER)

    assert response.status_code == 201
    assert mtls_server.server.failed_handshakes == 0


def test_mutual_tls_without_client_certificate_fails(mtls_server: TlsOAuthServer) -> None:
    profile = profile_for(
        mtls_server, "{type: bearer, token_env: T}", env={"T": mtls_server.state.static_token}
    )

    session = build_session(profile.http, SecretRegistry())
    with session, pytest.raises(requests.exceptions.ConnectionError):  # SSLError or reset, by TLS version
        list_orders(session, mtls_server)

    assert mtls_server.state.api_requests == 0
    assert mtls_server.server.wait_failed_handshakes(1, DEADLINE_S)


def test_server_certificate_is_verified_with_the_generated_ca(server: TlsOAuthServer) -> None:
    profile = profile_for(server, "{type: none}")

    with build_session(profile.http, SecretRegistry()) as session:
        response = list_orders(session, server)

    assert response.status_code == 401  # reached the API: the TLS handshake succeeded
    assert tls_warning(profile.http) is None


def test_server_certificate_without_its_ca_is_a_tls_failure(server: TlsOAuthServer) -> None:
    profile = profile_for(server, "{type: none}", tls="{verify: true}")

    with (
        build_session(profile.http, SecretRegistry()) as session,
        pytest.raises(requests.exceptions.SSLError),
    ):
        list_orders(session, server)

    assert server.state.api_requests == 0


def test_profile_ca_bundle_wins_over_requests_ca_bundle(
    server: TlsOAuthServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(write_ca(trustme.CA(), tmp_path / "other-ca.pem")))
    profile = profile_for(server, "{type: none}")

    with build_session(profile.http, SecretRegistry()) as session:
        assert list_orders(session, server).status_code == 401


def test_verification_off_connects_and_says_so(server: TlsOAuthServer) -> None:
    profile = profile_for(server, "{type: none}", tls="{verify: false}")

    with build_session(profile.http, SecretRegistry()) as session:
        response = list_orders(session, server)  # no InsecureRequestWarning (filterwarnings=error)

    assert response.status_code == 401
    assert tls_warning(profile.http) == (
        f"TLS certificate verification is OFF for {server.api_url}: the server's identity was not "
        "checked, so this run does not certify a trusted endpoint"
    )


def test_session_applies_the_profile_timeout() -> None:
    session = ProfileSession(timeout=(5.0, 0.2))
    # Exits run in reverse: the listener closes (resetting a hung request) before the pool waits.
    with ThreadPoolExecutor(1) as pool, socket.socket() as silent, session:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # accepts the TCP connection, never answers
        sent = pool.submit(session.get, f"http://127.0.0.1:{silent.getsockname()[1]}/")
        with pytest.raises(requests.exceptions.ReadTimeout):
            sent.result(timeout=DEADLINE_S)


@pytest.mark.parametrize(
    ("profile_proxies", "expected"),
    [
        ({"https": "http://proxy.example.com:3128"}, "http://proxy.example.com:3128"),
        ({}, "http://127.0.0.1:9"),
    ],
)
def test_profile_proxy_wins_over_https_proxy_which_still_applies_otherwise(
    monkeypatch: pytest.MonkeyPatch, profile_proxies: dict[str, str], expected: str
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with ProfileSession(timeout=(5.0, 5.0)) as session:
        session.proxies.update(profile_proxies)

        settings = session.merge_environment_settings("https://api.example.com/x", {}, None, None, None)

    assert settings["proxies"]["https"] == expected


def test_no_tls_warning_where_there_is_no_tls(tmp_path) -> None:
    path = tmp_path / "plain.yaml"
    path.write_text(
        'target: {base_url: "http://127.0.0.1:8622"}\n'
        "tls: {verify: false}\n"
        'payload: {productOrderItem: [{id: "1", action: add}]}\n',
        encoding="utf-8",
    )
    assert tls_warning(load_profile(path, env={}).http) is None
