"""Redaction: every form a secret takes in headers, bodies, URLs, free text and log records is masked."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from ctk_suite.core.redaction import (
    MASK,
    RedactingFilter,
    SecretRegistry,
    install_log_redaction,
    redact_body,
    redact_headers,
    redact_json,
    redact_text,
    redact_url,
)

TOKEN = "eyJhbGciOi.payload.sig-7f3a"
PASSWORD = 'p@ss w/rd&="x'
CLIENT_SECRET = "cs-91b0f2e4d8"


@pytest.fixture
def registry() -> SecretRegistry:
    return SecretRegistry([TOKEN, PASSWORD, CLIENT_SECRET], header_names=["X-Tenant-Key"])


def assert_masked(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in text
    assert MASK in text


@pytest.mark.parametrize(
    "name",
    [
        "Authorization",
        "proxy-authorization",
        "Cookie",
        "Set-Cookie",
        "X-API-Key",
        "X-Tenant-Key",
        "X-Auth-Token",
    ],
)
def test_credential_headers_are_masked(registry: SecretRegistry, name: str) -> None:
    headers = {name: "opaque-value-1234", "Accept": "application/json"}

    assert redact_headers(headers, registry) == {name: MASK, "Accept": "application/json"}


def test_registered_secret_in_an_ordinary_header_is_masked(registry: SecretRegistry) -> None:
    redacted = redact_headers({"X-Trace": f"req-1 {TOKEN}"}, registry)

    assert redacted == {"X-Trace": f"req-1 {MASK}"}


def test_configured_header_is_only_masked_when_registered() -> None:
    assert redact_headers({"X-Tenant-Key": "k-123456"}) == {"X-Tenant-Key": "k-123456"}
    assert redact_headers({"X-Tenant-Key": "k-123456"}, SecretRegistry(header_names=["x-tenant-key"])) == {
        "X-Tenant-Key": MASK
    }


@pytest.mark.parametrize(
    "encoded",
    [TOKEN, PASSWORD, quote(PASSWORD, safe=""), json.dumps(PASSWORD)[1:-1], CLIENT_SECRET],
    ids=["token", "raw", "percent-encoded", "json-escaped", "client-secret"],
)
def test_registered_values_are_masked_anywhere_in_text(registry: SecretRegistry, encoded: str) -> None:
    text = f"server said: unexpected value <{encoded}> in request"

    assert redact_text(text, registry) == f"server said: unexpected value <{MASK}> in request"


def test_values_shorter_than_four_characters_are_not_searched_in_text() -> None:
    registry = SecretRegistry(["abc"])

    assert redact_text("abc is a short word", registry) == "abc is a short word"


@pytest.mark.parametrize(
    "key",
    ["access_token", "refresh_token", "id_token", "client_secret", "password", "token", "apiKey", "api_key"],
)
def test_token_fields_in_json_text_are_masked(key: str) -> None:
    body = json.dumps({key: "unregistered-value-42", "id": "42"}, indent=2)

    redacted = redact_body(body)

    assert json.loads(redacted) == {key: MASK, "id": "42"}
    assert redacted.count("\n") == body.count("\n")  # layout kept


def test_non_string_token_fields_in_json_text_are_masked() -> None:
    redacted = redact_body(b'{"password": 123456, "expires_in": 3600}')

    assert json.loads(redacted) == {"password": MASK, "expires_in": 3600}


def test_redact_json_masks_nested_structures_whatever_their_type() -> None:
    value = {
        "auth": {"client_secret": {"kind": "x"}, "refresh_token": None, "scope": "s"},
        "items": [{"apiKey": 42}, f"Bearer {TOKEN}"],
        "note": [{"author": "Jane", "text": "ok"}],
    }

    assert redact_json(value) == {
        "auth": {"client_secret": MASK, "refresh_token": MASK, "scope": "s"},
        "items": [{"apiKey": MASK}, f"Bearer {MASK}"],
        "note": [{"author": "Jane", "text": "ok"}],
    }


def test_form_body_of_a_token_request_is_masked(registry: SecretRegistry) -> None:
    body = f"grant_type=client_credentials&client_id=ctk&client_secret={quote(CLIENT_SECRET)}&scope=a+b"

    assert (
        redact_body(body.encode())
        == f"grant_type=client_credentials&client_id=ctk&client_secret={MASK}&scope=a+b"
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://api.example.com/x?access_token=abc123&limit=5",
            f"https://api.example.com/x?access_token={MASK}&limit=5",
        ),
        ("https://h/x?fields=id&apiKey=k9k9k9", f"https://h/x?fields=id&apiKey={MASK}"),
        (
            "https://h/x?client_secret=zz&password=yy&token=tt",
            f"https://h/x?client_secret={MASK}&password={MASK}&token={MASK}",
        ),
        ("https://ctk:hunter22@api.example.com/v4", f"https://ctk:{MASK}@api.example.com/v4"),
        ("http://proxy-user:pw@proxy:3128", f"http://proxy-user:{MASK}@proxy:3128"),
        (f"https://h/orders/{TOKEN}/x", f"https://h/orders/{MASK}/x"),
    ],
)
def test_urls_are_masked(registry: SecretRegistry, url: str, expected: str) -> None:
    assert redact_url(url, registry) == expected


def test_urls_without_secrets_are_unchanged() -> None:
    url = "https://h/tmf-api/productOrderingManagement/v4/productOrder?fields=orderDate&state=acknowledged"

    assert redact_url(url) == url


def test_authorization_lines_and_schemes_in_free_text_are_masked() -> None:
    text = "POST /token\nAuthorization: Basic Y3RrOnNlY3JldA==\nAccept: */*\nthen sent Bearer abcdefgh12345"

    redacted = redact_text(text)

    assert redacted == f"POST /token\nAuthorization: {MASK}\nAccept: */*\nthen sent Bearer {MASK}"


def test_tmf_data_is_left_alone() -> None:
    order = {
        "id": "42",
        "href": "https://h/tmf-api/productOrderingManagement/v4/productOrder/42",
        "note": [{"author": "Jane", "text": "call first"}],
        "productOrderItem": [{"id": "1", "action": "add", "productOffering": {"id": "PO-1"}}],
        "relatedParty": [{"id": "C-1", "@referredType": "Individual", "role": "customer"}],
    }
    text = json.dumps(order)

    assert redact_body(text) == text
    assert redact_json(order) == order


def test_redaction_is_idempotent(registry: SecretRegistry) -> None:
    once = redact_text(f'{{"token": "{TOKEN}"}} https://u:{PASSWORD}@h/?password=x', registry)

    assert redact_text(once, registry) == once
    assert_masked(once, TOKEN, "password=x")


def test_secrets_registered_later_are_masked_from_then_on(registry: SecretRegistry) -> None:
    fetched = "fetched-token-0a1b2c"
    assert redact_text(fetched, registry) == fetched

    registry.add(fetched)

    assert redact_text(fetched, registry) == MASK


@pytest.fixture
def redacted_logging(registry: SecretRegistry) -> Iterator[None]:
    uninstall = install_log_redaction(registry)
    yield
    uninstall()


@pytest.mark.usefixtures("redacted_logging")
def test_log_records_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("ctk_suite.test")
    with caplog.at_level(logging.DEBUG, logger="ctk_suite.test"):
        logger.info(
            "sending %s with %s", {"Authorization": f"Bearer {TOKEN}"}, f"client_secret={CLIENT_SECRET}"
        )
        try:
            raise ValueError(f"bad password {PASSWORD}")
        except ValueError:
            logger.exception("failed")

    assert_masked(caplog.text, TOKEN, CLIENT_SECRET, PASSWORD)
    assert "Traceback" in caplog.text


def test_uninstall_restores_the_record_factory(registry: SecretRegistry) -> None:
    before = logging.getLogRecordFactory()
    uninstall = install_log_redaction(registry)
    assert logging.getLogRecordFactory() is not before

    uninstall()

    assert logging.getLogRecordFactory() is before


def test_filter_on_a_handler_masks_what_it_emits(registry: SecretRegistry) -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token=%s", (TOKEN,), None)

    assert RedactingFilter(registry).filter(record) is True
    assert record.getMessage() == f"token={MASK}"


def test_filter_survives_bad_format_arguments(registry: SecretRegistry) -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d items", (TOKEN,), None)

    RedactingFilter(registry).filter(record)

    assert_masked(record.getMessage(), TOKEN)


def test_a_secret_with_undecodable_bytes_is_masked_not_a_crash() -> None:
    """A secret read from the environment may carry a lone surrogate (os.environ's surrogateescape)."""
    registry = SecretRegistry()
    secret = "token-\udcff-0123456789"
    registry.add(secret)
    assert redact_text(f"the server echoed {secret} back", registry) == "the server echoed *** back"
