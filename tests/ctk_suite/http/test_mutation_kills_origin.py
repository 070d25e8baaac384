"""The origin rule on origins loopback ports cannot show: host names, default ports, an unreadable port.

A profile's `proxy` sends every request to `OriginsProxy` on loopback, which plays the origin named in
the request line: the tests see which origin each credential was sent to, and which was refused.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from ctk_suite.config.profile import load_profile
from ctk_suite.core.redaction import SecretRegistry
from ctk_suite.http.auth import build_session
from ctk_suite.http.client import HttpClient, Limits
from ctk_suite.http.exchange import Exchange
from tests.support.servers.origin_servers import OriginsProxy, serving

TOKEN = "origin-rule-token-41"
BEARER = f"Bearer {TOKEN}"


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[OriginsProxy]:
    for name in ("NO_PROXY", "no_proxy"):  # a runner's NO_PROXY must not send .test hosts around it
        monkeypatch.delenv(name, raising=False)
    with serving(OriginsProxy()) as running:
        yield running


def send(folder: Path, proxy: OriginsProxy, base_url: str, url: str) -> Exchange:
    """GET `url` with a bearer token configured for `base_url`, through `proxy`."""
    text = f"""\
        target: {{base_url: "{base_url}"}}
        auth: {{type: bearer, token_env: T_TOKEN}}
        proxy: "{proxy.url}"
        timeouts: {{connect: 5, read: 5}}
        payload: {{productOrderItem: [{{id: "1", action: add}}]}}
        """
    path = folder / "profile.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    registry = SecretRegistry()
    session = build_session(load_profile(path, env={"T_TOKEN": TOKEN}).http, registry)
    client = HttpClient(session, Limits(5, 5), registry)
    try:
        return client.send("GET", url, {"Accept": "application/json"})
    finally:
        client.close()


def credentials_seen(proxy: OriginsProxy) -> list[tuple[str, str | None]]:
    seen = zip(proxy.seen.lines, proxy.seen.headers, strict=True)
    return [(line, headers.get("Authorization")) for line, headers in seen]


def test_an_international_host_name_is_its_own_origin(tmp_path: Path, proxy: OriginsProxy) -> None:
    """requests sends an IDN host IDNA-encoded: the rule compares the host as it is sent."""
    exchange = send(tmp_path, proxy, "http://bücher.test/api", "http://bücher.test/api/productOrder")
    assert (exchange.error, exchange.status) == (None, 200)
    assert credentials_seen(proxy) == [("GET http://xn--bcher-kva.test/api/productOrder", BEARER)]


def test_a_redirect_to_the_default_port_written_out_is_the_same_origin(
    tmp_path: Path, proxy: OriginsProxy
) -> None:
    proxy.redirects["http://origin.test/api/a"] = (302, "http://origin.test:80/api/b")
    exchange = send(tmp_path, proxy, "http://origin.test/api", "http://origin.test/api/a")
    assert (exchange.error, exchange.status) == (None, 200)
    assert credentials_seen(proxy) == [
        ("GET http://origin.test/api/a", BEARER),
        ("GET http://origin.test:80/api/b", BEARER),
    ]


@pytest.mark.parametrize(("base_url", "shown"), [("http://Origin.TEST", "80"), ("http://origin.test:1", "1")])
def test_a_redirect_to_a_port_that_is_not_a_number_is_refused(
    tmp_path: Path, proxy: OriginsProxy, base_url: str, shown: str
) -> None:
    """Whatever port the target has (the default one, or 1): a port that is not a number is no port of it."""
    proxy.redirects[f"{base_url.lower()}/api/a"] = (307, "http://origin.test:abc/api/b")
    exchange = send(tmp_path, proxy, f"{base_url}/api", f"{base_url}/api/a")
    assert exchange.error == (
        "transport error: HTTP 307 redirect to another origin refused: http://origin.test:abc/api/b "
        f"(the credentials are only sent to http://origin.test:{shown})"
    )
    assert [line for line, _ in credentials_seen(proxy)] == [f"GET {base_url.lower()}/api/a"]
