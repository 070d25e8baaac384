"""Secrets stay out of the reports in every form they travel in: what mutation testing found unproven.

Written for `make mutate` (mutation/README.md). Each test reads what a report writer would write.
"""

from __future__ import annotations

import base64
import json
import logging
from urllib.parse import quote, quote_plus

import pytest

from ctk_suite.core.redaction import (
    MASK,
    SecretRegistry,
    install_log_redaction,
    redact_body,
    redact_json,
    redact_text,
    register_header,
)

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
