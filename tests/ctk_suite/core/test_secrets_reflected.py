"""A target that reflects the request head base64-encoded twice (issue 18.10) gets no secret into the reports.

The server answers every request with the request head encoded in base64, put in a cookie-like value that is
encoded again, in a response header and in the body. The run's files are then searched for the secrets in
every form a reader could recover: as they are, percent-decoded, and base64-decoded up to two levels.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from aiohttp import web

from tests.support.app_thread import serving_app

TOKEN = "tok-5d81c0a9e7f24b36"
GATEWAY = "gw-0b6e2f93d4a7c158"
SECRETS = (TOKEN, GATEWAY)
BLOB = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")


def twice_encoded_head(request: web.Request) -> str:
    head = f"{request.method} {request.path_qs} HTTP/1.1\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in request.headers.items())
    once = base64.b64encode(head.encode()).decode()
    return base64.b64encode(f"session={once}; Path=/".encode()).decode()


async def reflect(request: web.Request) -> web.Response:
    trace = twice_encoded_head(request)
    headers = {"X-Trace": trace, "Set-Cookie": f"trace={trace}"}
    body = [{"id": "1", "href": "x", "trace": trace}] if request.method == "GET" else {"trace": trace}
    return web.json_response(body, headers=headers, status=200 if request.method == "GET" else 201)


@pytest.fixture
def reflecting_target() -> Iterator[str]:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", reflect)
    with serving_app(app) as url:
        yield url


def decodings(text: str, depth: int = 2) -> Iterator[str]:
    """`text`, percent-decoded, and whatever its base64 runs decode to, down to `depth` levels."""
    yield text
    plain = unquote(text)
    yield plain
    if depth == 0:
        return
    for blob in BLOB.findall(plain):
        for alphabet in (base64.b64decode, base64.urlsafe_b64decode):
            for start in range(4):  # the blob may start anywhere in a 4-character group
                chunk = blob[start:]
                try:
                    decoded = alphabet(chunk + "=" * (-len(chunk) % 4)).decode("utf-8", "replace")
                except (binascii.Error, ValueError):
                    continue
                yield from decodings(decoded, depth - 1)


def recoverable(folder: Path, *outputs: str) -> list[str]:
    texts = {"output": "\n".join(outputs)}
    texts |= {p.name: p.read_text("utf-8", "replace") for p in folder.rglob("*") if p.is_file()}
    return [
        f"{name}: {secret}"
        for name, text in texts.items()
        for secret in SECRETS
        if any(secret in form for form in decodings(text))
    ]


def test_a_secret_reflected_base64_encoded_twice_stays_out_of_the_reports(
    tmp_path: Path, reflecting_target: str
) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text(
        textwrap.dedent(
            f"""\
            name: reflecting
            target: {{base_url: "{reflecting_target}"}}
            auth: {{type: bearer, token_env: T_TOKEN}}
            """
        ),
        encoding="utf-8",
    )
    reports = tmp_path / "reports"
    command = [
        str(Path(sys.executable).with_name("tmf622-ctk")), "--profile", str(profile), "--base-url",
        reflecting_target, "--header", f"X-Gateway-Key: {GATEWAY}", "--reports-dir", str(reports),
        "--no-allure-html",
    ]  # fmt: skip
    done = subprocess.run(
        command,
        cwd=tmp_path,
        env={**os.environ, "T_TOKEN": TOKEN},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]  # the answers are not TMF622
    attachments = "\n".join(p.read_text("utf-8") for p in reports.glob("allure-results/*-attachment*"))
    assert "X-Trace: " in attachments  # the reflection reached the reports
    assert recoverable(reports, done.stdout, done.stderr) == []
