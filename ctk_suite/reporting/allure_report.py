"""The one module that talks to Allure: steps, redacted attachments, labels, environment and categories."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import allure

from ctk_suite.client import Exchange
from ctk_suite.redact import redact_headers, redact_url
from ctk_suite.runner import RequestResult

EPIC = "TMF622 Product Ordering v4.0.0"

#: Allure groups failed results by the first category whose regex matches the failure message.
CATEGORIES = [
    {
        "name": "Server unreachable or too slow",
        "matchedStatuses": ["failed", "broken"],
        "messageRegex": r"(?s).*(ConnectionError|ConnectTimeout|timeout:|SSLError).*",
    },
    {
        "name": "Request not sent: a variable it needs is unavailable",
        "matchedStatuses": ["failed"],
        "messageRegex": r"(?s).*not sent:.*unavailable.*",
    },
    {
        "name": "Response body is not JSON",
        "matchedStatuses": ["failed"],
        "messageRegex": r"(?s).*body is not JSON.*",
    },
    {
        "name": "Wrong status code",
        "matchedStatuses": ["failed"],
        "messageRegex": r"(?s).*Status code is \d+:.*",
    },
    {"name": "Conformance failures", "matchedStatuses": ["failed"]},
    {"name": "Suite errors", "matchedStatuses": ["broken"]},
]


def record(result: RequestResult, collection: str) -> None:
    """Label the running test, attach the exchange, and add one step per assertion (failed ones marked)."""
    dynamic: Any = allure.dynamic  # allure's label helpers carry no type hints
    dynamic.parent_suite(collection)
    dynamic.suite(result.spec.scenario)
    dynamic.epic(EPIC)
    dynamic.feature(result.spec.scenario)
    dynamic.story(result.title)
    # Two requests share a name (`N1 /ProductOrder` POST and GET): the method keeps their histories apart.
    allure.dynamic.parameter("method", result.spec.method)
    allure.dynamic.parameter("url", redact_url(result.url), excluded=True)  # holds run-specific ids
    if result.exchange is not None:
        _attach_exchange(result.exchange)
    if result.error is not None:
        allure.attach(result.error, name="error", attachment_type=allure.attachment_type.TEXT)
    for assertion in result.assertions:
        _step(assertion.name, assertion.reason)


def _step(name: str, reason: str | None) -> None:
    try:
        with allure.step(name):
            if reason is not None:
                raise AssertionError(reason)
    except AssertionError:
        pass  # recorded as a failed step; the item fails once all assertions are reported


def _attach_exchange(exchange: Exchange) -> None:
    allure.attach(request_text(exchange), name="request", attachment_type=allure.attachment_type.TEXT)
    if exchange.status is not None:
        allure.attach(response_text(exchange), name="response", attachment_type=allure.attachment_type.TEXT)


def request_text(exchange: Exchange) -> str:
    """The request as sent, secrets redacted."""
    body = exchange.request_body.decode("utf-8", errors="replace") if exchange.request_body else ""
    return _message(f"{exchange.method} {redact_url(exchange.url)}", exchange.request_headers, body)


def response_text(exchange: Exchange) -> str:
    """The response as received, secrets redacted, JSON bodies pretty-printed."""
    return _message(
        f"HTTP {exchange.status} ({exchange.elapsed_ms:g} ms)",
        exchange.response_headers,
        _pretty(exchange.text),
    )


def _message(first_line: str, headers: Mapping[str, str], body: str) -> str:
    lines = [first_line, *(f"{k}: {v}" for k, v in redact_headers(headers).items())]
    return "\n".join(lines) + "\n\n" + body


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
