"""With --sqlite, every order acknowledged with 201 survives a kill -9 during a load, and a restart."""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.support.mock.load import CLIENTS, TARGET, Load

READY = re.compile(r"^tmf622-mock listening on (?P<url>http://\S+) \(ready in [^)]*\)$")
TIMEOUT_S = 20


@contextmanager
def sqlite_mock(path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`python -m mock_server --sqlite PATH` on a free port: (process, base URL) once it listens."""
    command = [sys.executable, "-m", "mock_server", "--port", "0", "--sqlite", str(path)]
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
