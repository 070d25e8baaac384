"""The real `python -m mock_server` with a chosen environment: its URL while it runs, its stderr after."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

READY = re.compile(
    r"^tmf622-mock listening on http://(?P<host>[^:]+):(?P<port>\d+)(?P<base>/\S*) \(ready in [^)]*\)$"
)
TIMEOUT_S = 20


@dataclass
class Cli:
    url: str = ""  # http://127.0.0.1:PORT<base path>
    stderr: str = ""  # filled once the process has ended
    lines: list[str] = field(default_factory=list)


@contextmanager
def running_cli(*args: str, environ: dict[str, str] | None = None) -> Iterator[Cli]:
    """Start the mock (`--port 0`), yield once its ready line is read; stop it and keep its stderr."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("TMF622_MOCK_")}
    command = [sys.executable, "-m", "mock_server", "--port", "0", *args]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**env, **(environ or {})}
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    cli = Cli()
    try:
        match = READY.match(lines.get(timeout=TIMEOUT_S).rstrip("\n"))
        assert match, "no ready line"
        cli.url = f"http://127.0.0.1:{match['port']}{match['base']}"
        yield cli
    finally:
        process.terminate()
        _, cli.stderr = process.communicate(timeout=TIMEOUT_S)
        cli.lines = cli.stderr.splitlines()
