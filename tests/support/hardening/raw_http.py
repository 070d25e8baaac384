"""Exact HTTP exchanges with the mock (no client-side normalisation) and the TMF Error assertion."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

from tmf622_schemas import validator_for

TIMEOUT_S = 10
#: Swagger's global `produces`, byte for byte.
JSON_CONTENT_TYPE = "application/json;charset=utf-8"
#: An Error message may name the culprit, never echo a huge input back.
MAX_MESSAGE_CHARS = 1000


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Message
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def send(
    base_url: str,
    method: str,
    target: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """Send `method` to the base path + `target` exactly as written (`..%2F`, `%00` and all)."""
    parts = urlsplit(base_url)
    assert parts.hostname is not None
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT_S)
    try:
        connection.putrequest(method, parts.path + target, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def assert_tmf_error(answer: Answer, status: int, fragment: str = "") -> dict[str, Any]:
    """A TMF622 `Error` with this status: code, reason, message, status and @type, valid, short."""
    assert answer.status == status, answer.body[:500]
    assert answer.headers["Content-Type"] == JSON_CONTENT_TYPE, answer.headers["Content-Type"]
    error: dict[str, Any] = answer.json()
    assert list(validator_for("Error").iter_errors(error)) == [], error
    assert error["code"] == error["status"] == str(status)
    assert error["@type"] == "Error"
    assert error["reason"], error
    assert fragment in error["message"], error["message"]
    assert len(error["message"]) <= MAX_MESSAGE_CHARS, error["message"][:200]
    assert "Traceback" not in error["message"]
    return error
