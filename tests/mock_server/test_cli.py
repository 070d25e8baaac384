"""The command line: --help, argument checks, and the ready line of a real `python -m mock_server`."""

from __future__ import annotations

import importlib.util
import signal
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import requests

from mock_server.__main__ import build_parser, main, parse_settings, ready_line
from tests.support.mock.cli_process import READY, TIMEOUT_S, mock_process
from tests.support.mock.switches import cli_settings


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_ready_line_then_serves_until_signalled(signum: signal.Signals) -> None:
    with mock_process() as (process, lines):
        line = lines.get(timeout=TIMEOUT_S)
        match = READY.match(line)
        assert match, line
        assert int(match["port"]) > 0
        assert match["base"] == "/tmf-api/productOrderingManagement/v4"
        url = line.split(" on ", 1)[1].split()[0]

        created = requests.post(
            f"{url}/productOrder", json={"productOrderItem": [{"id": "1", "action": "add"}]}
        )
        assert created.status_code == 201
        order_date = datetime.strptime(created.json()["orderDate"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=UTC
        )
        assert abs(datetime.now(UTC) - order_date) < timedelta(minutes=1)
        listed = requests.get(f"{url}/productOrder", timeout=TIMEOUT_S)
        assert listed.status_code == 200
        assert [order["id"] for order in listed.json()] == [created.json()["id"]]

        process.send_signal(signum)
        assert process.wait(timeout=TIMEOUT_S) == 0
    assert lines.qsize() == 0  # exactly one line on stdout


def test_base_path_option_shows_in_the_ready_line() -> None:
    with mock_process("--base-path", "productOrderingManagement/v4/") as (process, lines):
        line = lines.get(timeout=TIMEOUT_S)
        url = line.split(" on ", 1)[1].split()[0]
        assert url.endswith("/productOrderingManagement/v4")
        assert requests.get(f"{url}/productOrder", timeout=TIMEOUT_S).status_code == 200
        process.terminate()
        assert process.wait(timeout=TIMEOUT_S) == 0


def test_busy_port_is_a_clean_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "mock_server", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_help_explains_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    for option in (
        "--host",
        "--port",
        "--base-path",
        "--public-url",
        "--max-body-bytes",
        "--default-limit",
        "--max-limit",
    ):
        assert option in text


def test_arguments_become_frozen_settings() -> None:
    settings = parse_settings(
        [
            "--port",
            "0",
            "--base-path",
            "/x/v4/",
            "--public-url",
            "https://api.example/",
            "--max-body-bytes",
            "10",
        ]
    )
    assert settings == cli_settings(
        port=0, public_url="https://api.example", max_body_bytes=10, switches={"v4": {"base_path": "/x/v4"}}
    )
    with pytest.raises(AttributeError):
        settings.port = 1  # type: ignore[misc]
    assert parse_settings([]) == cli_settings()


@pytest.mark.parametrize(
    "argv",
    [
        ["--port", "70000"],
        ["--port", "http"],
        ["--public-url", "ftp://x"],
        ["--public-url", "https://x/path"],
        ["--base-path", "/a/../b"],
        ["--default-limit", "0"],
        ["--default-limit", "10", "--max-limit", "5"],
        ["--max-body-bytes", "0"],
    ],
)
def test_bad_arguments_are_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_settings(argv)
    assert exited.value.code == 2
    assert "usage: tmf622-mock" in capsys.readouterr().err


def test_ready_line_brackets_ipv6_hosts() -> None:
    assert ready_line("::1", 8622, "/b") == "tmf622-mock listening on http://[::1]:8622/b"
    assert ready_line("127.0.0.1", 1, "") == "tmf622-mock listening on http://127.0.0.1:1"
    timed = ready_line("127.0.0.1", 1, "/b", 0.414)
    assert timed == "tmf622-mock listening on http://127.0.0.1:1/b (ready in 0.41 s)"


def test_postgresql_without_its_driver_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The driver is the `postgresql` extra: without it `--store postgresql://` says what to install."""
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "psycopg" else real_find_spec(name, *a)
    )
    assert main(["--store", "postgresql://localhost/db"]) == 2
    assert capsys.readouterr().err == (
        "tmf622-mock: error: --store postgresql://... needs the PostgreSQL driver: "
        "pip install 'tmf622-toolkit[postgresql]'\n"
    )


#: What the memory mock never imports to start and answer a GET: its optional driver, the CTK's stack,
#: and jsonschema (built when a body is first refused; its format-nongpl extra once cost 3 s to import).
NOT_AT_START = (
    "psycopg",
    "psycopg_pool",
    "pytest",
    "allure",
    "allure_pytest",
    "jsonschema",
    "rfc3987_syntax",
)
START_PROBE = f"""
import asyncio, sys
from aiohttp.test_utils import TestClient, TestServer
from mock_server.__main__ import parse_settings
from mock_server.app import create_app

async def first_answer():
    async with TestClient(TestServer(create_app(parse_settings([])))) as client:
        assert (await client.get("/tmf-api/productOrderingManagement/v4/productOrder")).status == 200

asyncio.run(first_answer())
print(sorted({{name.split(".")[0] for name in sys.modules}} & {set(NOT_AT_START)!r}))
"""


def test_the_mock_starts_without_its_optional_or_heavy_libraries() -> None:
    done = subprocess.run(
        [sys.executable, "-c", START_PROBE], capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[-1] == "[]"
