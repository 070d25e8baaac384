"""Domain refusals (`mock_server.domain.errors`) reach the client as TMF Errors with their status,
mapped in one place (`http.errors.answer_for`), over real HTTP on loopback."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from mock_server.domain.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, TooLarge
from mock_server.http.errors import error_middleware

KINDS: list[tuple[type[DomainError], int, str]] = [
    (InvalidInput, 400, "Bad Request"),
    (Forbidden, 403, "Forbidden"),
    (NotFound, 404, "Not Found"),
    (Conflict, 409, "Conflict"),
    (TooLarge, 413, "Request Entity Too Large"),
]


def refusing(kind: type[DomainError]) -> web.Application:
    async def handler(request: web.Request) -> web.Response:
        raise kind(f"$.state: refused by {kind.__name__}")

    app = web.Application(middlewares=[error_middleware])
    app.router.add_get("/thing", handler)
    return app


@pytest.mark.parametrize(("kind", "status", "reason"), KINDS, ids=[kind.__name__ for kind, _, _ in KINDS])
def test_each_domain_refusal_is_a_tmf_error_with_its_status(
    kind: type[DomainError], status: int, reason: str
) -> None:
    async def scenario() -> tuple[int, dict[str, str]]:
        async with TestClient(TestServer(refusing(kind), host="127.0.0.1")) as client:
            response = await client.get("/thing")
            return response.status, await response.json()

    answered, body = asyncio.run(asyncio.wait_for(scenario(), timeout=10))
    assert answered == status
    assert body == {
        "code": str(status),
        "reason": reason,
        "message": f"$.state: refused by {kind.__name__}",
        "status": str(status),
        "@type": "Error",
    }
