"""`--har FILE`: every exchange of the run's units as an HAR 1.2 file (W3C draft "HTTP Archive"), masked.

Browsers' developer tools, Charles, Fiddler and Insomnia open it. The exchanges are those the units
recorded (setup requests and every request an extended check sent, in run order); the pre-flight and the
cleanup DELETEs are not in it. An exchange keeps no clock time, so `startedDateTime` is the run's start
plus the time of the exchanges before it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ctk_suite.core.redaction import SecretRegistry, redact_headers, redact_text, redact_url
from ctk_suite.core.version import __version__
from ctk_suite.http.client import Exchange
from ctk_suite.reporting.allure_report import shown_body
from ctk_suite.reporting.run_report import RunReport


def exchanges(report: RunReport) -> Iterator[tuple[str, Exchange]]:
    """(the unit's title and label, exchange) for every exchange the units recorded, in run order."""
    for result in report.results:
        if result.exchange is not None:
            yield result.title, result.exchange
        for label, exchange in result.more:
            yield f"{result.title}: {label}", exchange


def build_har(report: RunReport) -> dict[str, Any]:
    """The HAR document of `report`, every URL, header and body masked."""
    registry = report.registry
    clock = report.started_at or datetime.now(UTC)
    entries = []
    for title, exchange in exchanges(report):
        entries.append(_entry(title, exchange, clock, registry))
        clock += timedelta(milliseconds=exchange.elapsed_ms)
    creator = {"name": "tmf622-ctk", "version": report.toolkit_version or __version__}
    return {"log": {"version": "1.2", "creator": creator, "pages": [], "entries": entries}}


def write_har(report: RunReport, path: Path) -> Path:
    """Write the HAR file of `report` to `path` (parents created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(build_har(report), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _entry(title: str, exchange: Exchange, started: datetime, registry: SecretRegistry) -> dict[str, Any]:
    url = redact_url(exchange.url, registry)
    entry: dict[str, Any] = {
        "startedDateTime": started.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "time": exchange.elapsed_ms,
        "request": {
            "method": exchange.method,
            "url": url,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _headers(exchange.request_headers, registry),
            "queryString": [{"name": k, "value": v} for k, v in parse_qsl(urlsplit(url).query, True)],
            "headersSize": -1,
            "bodySize": len(exchange.request_body or b""),
        },
        "response": _response(exchange, registry),
        "cache": {},
        "timings": {"send": 0, "wait": exchange.elapsed_ms, "receive": 0},
        "comment": redact_text(title, registry),
    }
    if exchange.request_body:
        text = shown_body(exchange.request_body.decode("utf-8", errors="replace"), registry)
        entry["request"]["postData"] = {"mimeType": _type(exchange.request_headers), "text": text}
    if exchange.error is not None:
        entry["_error"] = redact_text(exchange.error, registry)  # HAR 1.2: custom fields start with `_`
    return entry


def _response(exchange: Exchange, registry: SecretRegistry) -> dict[str, Any]:
    """The answer; status 0 when none came (HAR's convention for a failed request)."""
    content: dict[str, Any] = {"size": exchange.size, "mimeType": _type(exchange.response_headers)}
    if exchange.body:
        content["text"] = shown_body(exchange.text, registry)
    return {
        "status": exchange.status or 0,
        "statusText": "",
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _headers(exchange.response_headers, registry),
        "content": content,
        "redirectURL": redact_url(exchange.header("Location") or "", registry),
        "headersSize": -1,
        "bodySize": exchange.size if exchange.status is not None else -1,
    }


def _headers(headers: Mapping[str, str], registry: SecretRegistry) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in redact_headers(headers, registry).items()]


def _type(headers: Mapping[str, str]) -> str:
    return next((v for k, v in headers.items() if k.lower() == "content-type"), "")
