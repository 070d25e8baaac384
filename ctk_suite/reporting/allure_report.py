"""The one module that talks to Allure: steps, redacted attachments, labels, environment and categories."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import allure

from ctk_suite.client import Exchange
from ctk_suite.redaction import SecretRegistry, redact_body, redact_headers, redact_text, redact_url
from ctk_suite.runner import RequestResult
from ctk_suite.transport_errors import AUTH, TRANSPORT

EPIC = "TMF622 Product Ordering v4.0.0"
#: An attachment shows at most this much of a body (the exchange itself may hold up to 5 MiB).
MAX_ATTACHED_CHARS = 64 * 1024

#: Allure files a failed result under the first category whose regex matches its message. Transport
#: and auth errors come first (no usable response), then schema violations, then other assertions.
CATEGORIES = [
    {
        "name": "Transport errors (no usable response)",
        "matchedStatuses": ["failed", "broken"],
        "messageRegex": rf"(?s).*{TRANSPORT}:.*",
    },
    {
        "name": "Authentication errors (token endpoint, credentials)",
        "matchedStatuses": ["failed", "broken"],
        "messageRegex": rf"(?s).*{AUTH}:.*",
    },
    {
        "name": "Request not sent: a variable it needs is unavailable",
        "matchedStatuses": ["failed"],
        "messageRegex": r"(?s).*not sent:.*unavailable.*",
    },
    {
        "name": "Schema violations",
        "matchedStatuses": ["failed"],
        "messageRegex": r"(?s).*expected valid [A-Za-z_]+ \(.*",
    },
    {
        "name": "Response body is not JSON",
        "matchedStatuses": ["failed"],
        "messageRegex": r"(?s).*expected a JSON body.*",
    },
    {
        "name": "Wrong status code",
        "matchedStatuses": ["failed"],
        "messageRegex": r"(?s).*Status code is \d+:.*",
    },
    {"name": "Assertion failures", "matchedStatuses": ["failed"]},
    {"name": "Suite errors", "matchedStatuses": ["broken"]},
]


def record(
    result: RequestResult,
    collection: str,
    registry: SecretRegistry | None = None,
    labels: Mapping[str, str] | None = None,
) -> None:
    """Label the running test, attach the exchange, and add one step per assertion (failed ones marked)."""
    dynamic: Any = allure.dynamic  # allure's label helpers carry no type hints
    dynamic.parent_suite(collection)
    dynamic.suite(result.spec.scenario)
    dynamic.epic(EPIC)
    dynamic.feature(result.spec.scenario)
    dynamic.story(result.title)
    for name, value in {"level": result.level, "scenario": result.spec.scenario, **(labels or {})}.items():
        dynamic.label(name, value)
    # Two requests share a name (`N1 /ProductOrder` POST and GET): the method keeps their histories apart.
    allure.dynamic.parameter("method", result.spec.method)
    allure.dynamic.parameter("url", redact_url(result.url, registry), excluded=True)  # run-specific ids
    if result.exchange is not None:
        _attach_exchange(result.exchange, registry)
    if result.error is not None:
        _attach(redact_text(result.error, registry), "error")
    for assertion in result.assertions:
        reason = None if assertion.reason is None else redact_text(assertion.reason, registry)
        _step(redact_text(assertion.name, registry), reason)


def _step(name: str, reason: str | None) -> None:
    try:
        with allure.step(name):
            if reason is not None:
                raise AssertionError(reason)
    except AssertionError:
        pass  # recorded as a failed step; the item fails once all assertions are reported


def _attach(text: str, name: str) -> None:
    allure.attach(text, name=name, attachment_type=allure.attachment_type.TEXT)


def _attach_exchange(exchange: Exchange, registry: SecretRegistry | None) -> None:
    _attach(request_text(exchange, registry), "request")
    if exchange.status is not None:
        _attach(response_text(exchange, registry), "response")


def attach_exchanges(
    exchanges: Iterable[tuple[str, Exchange]], registry: SecretRegistry | None = None
) -> None:
    """Further exchanges of the running test (an extended check reads several), named by `label`."""
    for label, exchange in exchanges:
        _attach(request_text(exchange, registry), redact_text(f"request {label}", registry))
        if exchange.status is not None:
            _attach(response_text(exchange, registry), redact_text(f"response {label}", registry))


def request_text(exchange: Exchange, registry: SecretRegistry | None = None) -> str:
    """The request as sent (auth headers included, masked)."""
    first = f"{exchange.method} {redact_url(exchange.url, registry)}"
    body = exchange.request_body.decode("utf-8", errors="replace") if exchange.request_body else ""
    return _message(first, exchange.request_headers, body, registry)


def response_text(exchange: Exchange, registry: SecretRegistry | None = None) -> str:
    """The response as received, secrets masked, JSON bodies pretty-printed, long bodies cut."""
    cut = " (cut at the size limit)" if exchange.truncated else ""
    first = f"HTTP {exchange.status} ({exchange.elapsed_ms:g} ms, {exchange.size} bytes{cut})"
    return _message(first, exchange.response_headers, exchange.text, registry)


def _message(first_line: str, headers: Mapping[str, str], body: str, registry: SecretRegistry | None) -> str:
    lines = [first_line, *(f"{k}: {v}" for k, v in redact_headers(headers, registry).items())]
    return "\n".join(lines) + "\n\n" + shown_body(body, registry)


#: The word a cut ends in (up to a JWT's length) is dropped, so no part of a secret survives the cut.
_MAX_WORD = 8192
_LAST_WORD = re.compile(r"[\s\"',;:{}\[\]][^\s\"',;:{}\[\]]*\Z")  # a delimiter first: linear time


def shown_body(text: str, registry: SecretRegistry | None) -> str:
    """A body as attached: pretty JSON, masked; a long one cut first (masking 5 MiB takes seconds)."""
    if len(text) <= MAX_ATTACHED_CHARS:
        return redact_body(_pretty(text), registry)
    shown = _without_last_word(text[:MAX_ATTACHED_CHARS])
    return redact_body(shown, registry) + f"\n... ({len(text) - len(shown)} more characters not shown)"


def _without_last_word(text: str) -> str:
    tail_start = max(0, len(text) - _MAX_WORD)
    last = _LAST_WORD.search(text, tail_start)
    return text[: last.start() + 1] if last else text[:tail_start]


def _pretty(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


def write_environment(results_dir: Path, properties: Mapping[str, str]) -> None:
    """environment.properties and categories.json beside the results (read by the report generator)."""
    results_dir.mkdir(parents=True, exist_ok=True)
    lines = [f"{_escape_key(k)}={_escape_value(v)}" for k, v in properties.items()]
    (results_dir / "environment.properties").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (results_dir / "categories.json").write_text(json.dumps(CATEGORIES, indent=2) + "\n", encoding="utf-8")


def _escape_value(text: str) -> str:
    """Java .properties escaping of a value: backslashes and line breaks."""
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _escape_key(text: str) -> str:
    """Keys also end at `=`, `:` or white space."""
    return _escape_value(text).replace("=", "\\=").replace(":", "\\:").replace(" ", "\\ ")
