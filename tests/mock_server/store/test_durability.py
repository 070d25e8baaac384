"""With --sqlite, every order acknowledged with 201 survives a kill -9 (during a load, or right after a
burst of concurrent POSTs committed together) and a restart; a commit that fails acknowledges nothing."""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from tests.support.mock.load import CLIENTS, TARGET, Load

READY = re.compile(r"^tmf622-mock listening on (?P<url>http://\S+) \(ready in [^)]*\)$")
TIMEOUT_S = 20


#: `python -m mock_server`, with RLIMIT_FSIZE set first (argv[1], in bytes) when a test asks for it.
_LIMITED = (
    "import resource, runpy, sys; limit = int(sys.argv.pop(1));"
    " resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit));"
    " runpy.run_module('mock_server', run_name='__main__', alter_sys=True)"
)


@contextmanager
def sqlite_mock(path: Path, max_file_bytes: int | None = None) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`python -m mock_server --sqlite PATH` on a free port: (process, base URL) once it listens.
    With `max_file_bytes`, no file of the process grows past it (a full disk: writes fail with EFBIG;
    Python ignores the SIGXFSZ that comes with it)."""
    start = [sys.executable, "-m", "mock_server"]
    if max_file_bytes is not None:
        start = [sys.executable, "-c", _LIMITED, str(max_file_bytes)]
    command = [*start, "--port", "0", "--sqlite", str(path)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    reader = threading.Thread(target=lambda: [lines.put(line.strip()) for line in stdout], daemon=True)
    reader.start()
    try:
        match = READY.match(lines.get(timeout=TIMEOUT_S))
        assert match, "no ready line"
        yield process, match["url"]
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=TIMEOUT_S)
        reader.join(TIMEOUT_S)
        stdout.close()


def _burst(url: str, bodies: list[dict[str, Any]]) -> list[requests.Response]:
    """POST every body at once (one thread each), so the mock has them all in flight together."""
    start = threading.Barrier(len(bodies))

    def post(body: dict[str, Any]) -> requests.Response:
        start.wait(TIMEOUT_S)
        return requests.post(f"{url}/productOrder", json=body, timeout=TIMEOUT_S)

    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(post, bodies))


def _order(description: str) -> dict[str, Any]:
    return {"productOrderItem": [{"id": "1", "action": "add"}], "description": description}


def _stored(url: str) -> dict[str, dict[str, Any]]:
    """Every order the mock holds, by id."""
    listed = requests.get(f"{url}/productOrder?limit=1000", timeout=TIMEOUT_S)
    assert listed.status_code == 200
    return {order["id"]: order for order in listed.json()}


def test_a_burst_of_concurrent_posts_survives_kill_9_right_after_its_last_201(tmp_path: Path) -> None:
    path = tmp_path / "burst.sqlite3"
    with sqlite_mock(path) as (process, url):
        answers = _burst(url, [_order(f"burst-{n}") for n in range(32)])
        process.send_signal(signal.SIGKILL)  # the moment the last 201 is read
        assert process.wait(TIMEOUT_S) == -signal.SIGKILL
    assert [answer.status_code for answer in answers] == [201] * 32
    with sqlite_mock(path) as (_, url):
        assert _stored(url) == {answer.json()["id"]: answer.json() for answer in answers}


def test_a_failed_commit_acknowledges_none_of_its_batch(tmp_path: Path) -> None:
    """A disk that fills up: every POST whose commit failed gets a 503, every 201 is kept, nothing else."""
    path = tmp_path / "full.sqlite3"
    big = ["x" * 250_000] * 8  # each alone is more than the file size limit: its commit must fail
    bodies = [_order(text) for text in big + [f"small-{n}" for n in range(24)]]
    with sqlite_mock(path, max_file_bytes=200_000) as (process, url):
        answers = _burst(url, bodies)
        process.send_signal(signal.SIGKILL)
        process.wait(TIMEOUT_S)
    statuses = [answer.status_code for answer in answers]
    assert statuses[:8] == [503] * 8
    assert set(statuses) <= {201, 503}
    assert all(
        "could not commit" in answer.json()["message"] for answer in answers if answer.status_code == 503
    )
    with sqlite_mock(path) as (_, url):
        acknowledged = {answer.json()["id"]: answer.json() for answer in answers if answer.status_code == 201}
        assert _stored(url) == acknowledged  # no 201 lost, no refused write half-kept


def test_every_acknowledged_order_survives_kill_9_and_restart(tmp_path: Path) -> None:
    path = tmp_path / "durable.sqlite3"
    with sqlite_mock(path) as (process, url):
        load = Load(url)
        for thread in load.threads:
            thread.start()
        assert load.enough.wait(TIMEOUT_S * 3), f"only {len(load.acknowledged)} orders acknowledged"
        process.send_signal(signal.SIGKILL)  # mid-load: every client has a request under way or about to
        assert process.wait(TIMEOUT_S) == -signal.SIGKILL
        for thread in load.threads:
            thread.join(TIMEOUT_S)
    assert load.endings == ["ConnectionError"] * CLIENTS  # each client was cut off by the kill
    acknowledged = dict(load.acknowledged)
    assert len(acknowledged) >= TARGET

    with sqlite_mock(path) as (_, url), requests.Session() as session:
        for order_id, order in acknowledged.items():
            found = session.get(f"{url}/productOrder/{order_id}", timeout=TIMEOUT_S)
            assert found.status_code == 200, order_id
            assert found.json() == order
        listed = session.get(f"{url}/productOrder?fields=id&limit=1000", timeout=TIMEOUT_S)
        assert int(listed.headers["X-Total-Count"]) >= len(acknowledged)  # committed, not yet answered: fine
        assert session.get(f"{url}/health", timeout=TIMEOUT_S).json()["store"] == "sqlite"
