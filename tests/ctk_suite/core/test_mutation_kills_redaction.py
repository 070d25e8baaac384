"""Secrets stay out of the reports in every form they travel in: what mutation testing found unproven.

Written for `make mutate` (mutation/README.md). Each test reads what a report writer would write.
"""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from aiohttp import web

from ctk_suite.core.redaction import (
    MASK,
    SecretRegistry,
    install_log_redaction,
    redact_body,
    redact_json,
    redact_text,
    register_header,
)
from tests.support.app_thread import serving_app

SECRET = 'pa/ss wörd!"x\\y\tz'  # a slash, a space, non-ASCII, a quote, a backslash, a tab
#: The forms SECRET takes on the wire: URL path/query/form encodings (upper and lower hex), JSON strings.
FORMS = {
    "percent": quote(SECRET, safe=""),
    "percent-lower-hex": quote(SECRET, safe="").lower(),
    "encodeURIComponent": quote(SECRET, safe="-_.!~*'()"),
    "form": quote_plus(SECRET, safe=""),
    "json-ascii": json.dumps(SECRET)[1:-1],
    "json-utf8": json.dumps(SECRET, ensure_ascii=False)[1:-1],
    "json-escaped-solidus": json.dumps(SECRET).replace("/", "\\/")[1:-1],
    "quoted": SECRET.replace("\\", "\\\\").replace('"', '\\"'),
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_a_secret_is_masked_whole_in_every_form_it_travels_in(form: str) -> None:
    text = f"the server said: result <{FORMS[form]}> is null"
    assert redact_text(text, SecretRegistry([SECRET])) == f"the server said: result <{MASK}> is null"


@pytest.mark.parametrize(
    ("before", "secret", "masked"),
    [
        (b"u:", "s3cr3t-passw0rd", f"dTp{MASK}Q6dGFpbA=="),
        (b"us:", "s3cr3t", f"dXM6{MASK}OnRhaWw="),  # 8 characters: the shortest run searched
        (b"use:", "s3cr3t-pass", f"dXNlOn{MASK}OnRhaWw="),
    ],
)
def test_a_secret_inside_base64_is_masked_whatever_its_alignment(
    before: bytes, secret: str, masked: str
) -> None:
    """base64(`user:password:...`): the password starts 2, 0 or 1 bytes into a 3-byte group; only the
    characters made of its bits alone are masked, the ones shared with a neighbour byte stay."""
    blob = base64.b64encode(before + secret.encode() + b":tail").decode()
    assert redact_text(f"data: {blob}", SecretRegistry([secret])) == f"data: {masked}"


def test_a_secret_of_the_minimum_length_is_masked_in_text() -> None:
    assert redact_text("key abcd used", SecretRegistry(["abcd"])) == f"key {MASK} used"


def test_a_secret_that_contains_another_is_masked_whole() -> None:
    registry = SecretRegistry(["abcd", "abcd-efgh-ijkl"])
    assert redact_text("<abcd-efgh-ijkl> <abcd>", registry) == f"<{MASK}> <{MASK}>"


def test_an_empty_registry_still_masks_credentials_by_name() -> None:
    assert redact_text("Authorization: Bearer abcdefgh12", SecretRegistry()) == f"Authorization: {MASK}"


def test_a_configured_header_is_masked_in_free_text_on_any_line_in_any_case() -> None:
    registry = SecretRegistry(header_names=["X-Gateway-Key"])
    text = 'first line\nx-gateway-key: k-123\nAUTHORIZATION: Token t-123\n{"X-GATEWAY-KEY": "k-123"}'
    assert redact_text(text, registry) == (
        f'first line\nx-gateway-key: {MASK}\nAUTHORIZATION: {MASK}\n{{"X-GATEWAY-KEY": "{MASK}"}}'
    )


def test_a_header_the_user_gives_is_masked_by_name_and_by_value() -> None:
    registry = SecretRegistry()
    register_header(registry, "X-Tenant-Token", "Custom scheme tenant-0123")
    register_header(registry, "Accept-Language", "fr-FR-secretive")
    assert registry.is_credential_header("x-tenant-token")
    assert not registry.is_credential_header("Accept-Language")
    text = "echo: Custom scheme tenant-0123 and later tenant-0123 in fr-FR-secretive"
    assert redact_text(text, registry) == f"echo: {MASK} and later {MASK} in fr-FR-secretive"


def test_registered_secrets_are_masked_deep_in_json_and_in_bodies() -> None:
    registry = SecretRegistry(["tok-0123456"])
    value = {"note": "tok-0123456", "items": [{"text": "a tok-0123456"}], "n": 1}
    assert redact_json(value, registry) == {"note": MASK, "items": [{"text": f"a {MASK}"}], "n": 1}
    assert redact_body(b'{"note": "tok-0123456", "name": "caf\xc3\xa9 \xff"}', registry) == (
        f'{{"note": "{MASK}", "name": "café \ufffd"}}'
    )
    assert redact_body(None, registry) == ""


def test_log_records_keep_their_fields_and_lose_their_secrets(caplog: pytest.LogCaptureFixture) -> None:
    uninstall = install_log_redaction(SecretRegistry(["tok-0123456"]))
    try:
        with caplog.at_level(logging.INFO):
            logging.getLogger("ctk").info("sent %s", "tok-0123456", stack_info=True, extra={"k": 1})
    finally:
        uninstall()
    record = caplog.records[-1]
    assert (record.getMessage(), record.args, record.__dict__["k"]) == (f"sent {MASK}", None, 1)
    assert record.stack_info is not None
    assert "test_log_records_keep_their_fields" in record.stack_info
    assert "tok-0123456" not in record.stack_info


def test_a_secret_in_a_failing_tests_output_is_masked_on_the_terminal(pytester: pytest.Pytester) -> None:
    """pytest's terminal goes through the run's registry: a `--ctk-header` value that a failure prints
    (an assertion's diff, which no other masking touches) reaches the user masked."""
    secret = "gw-91d2c4b7a6e35f10"  # the header's name says nothing: only its registered value is known
    pytester.makepyfile(test_echo=f'def test_echo():\n    assert "{secret}" == "expected"\n')
    result = pytester.runpytest(
        "--ctk-base-url", "http://127.0.0.1:9", "--ctk-header", f"X-Gateway: {secret}"
    )
    assert result.ret == 1
    assert f'assert "{MASK}" == "expected"' in result.stdout.str()
    assert secret not in result.stdout.str() + result.stderr.str()


#: base64 "Z3d+fj8/Pj5rM3k=": its run holds both "+" and "/", which a cookie or query carries as %2B, %2F.
GATEWAY = "gw~~??>>k3y"


async def echo_percent_encoded(request: web.Request) -> web.Response:
    """A target that echoes the gateway key base64-encoded then percent-encoded: upper-case hex in a
    header, lower-case hex (as RFC 3986 allows) in the body."""
    once = quote(base64.b64encode(request.headers["X-Gateway"].encode()).decode(), safe="")
    lower = once.replace("%2B", "%2b").replace("%2F", "%2f")
    return web.json_response({"echo": lower}, headers={"X-Echo": once}, status=400)


def test_a_key_echoed_base64_and_percent_encoded_stays_out_of_the_report_files(
    pytester: pytest.Pytester, ctk_file: Path
) -> None:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", echo_percent_encoded)
    with serving_app(app) as url:
        result = pytester.runpytest(
            ctk_file.name, "--ctk-base-url", url, "--ctk-header", f"X-Gateway: {GATEWAY}"
        )
    assert result.ret == 1  # the answers are no TMF622
    once = quote(base64.b64encode(GATEWAY.encode()).decode(), safe="")
    forms = {once, once.replace("%2B", "%2b").replace("%2F", "%2f")}
    written = {p.name: p.read_text("utf-8") for p in (pytester.path / "reports").rglob("*") if p.is_file()}
    # The echo reached the reports, masked up to its last characters (mixed with the padding).
    assert any(f"X-Echo: {MASK}" in text for text in written.values())
    assert any(f'"echo": "{MASK}' in text for text in written.values())
    assert [name for name, text in written.items() if any(form in text for form in forms)] == []
