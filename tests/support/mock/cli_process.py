"""`python -m mock_server` as a subprocess whose stdout lines are read into a queue."""

from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

READY = re.compile(
    r"^tmf622-mock listening on http://127\.0\.0\.1:(?P<port>\d+)(?P<base>/\S*) \(ready in \d+\.\d\d s\)\n$"
)


TIMEOUT_S = 20


@contextmanager
def mock_process(*args: str) -> Iterator[tuple[subprocess.Popen[str], queue.Queue[str]]]:
    command = [sys.executable, "-m", "mock_server", "--port", "0", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        yield process, lines
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=TIMEOUT_S)
        reader.join(TIMEOUT_S)
