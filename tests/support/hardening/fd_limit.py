"""A mock process whose open-files limit is set before it starts (connection caps, hub load)."""

from __future__ import annotations

import contextlib
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterator

READY = re.compile(r"^tmf622-mock listening on (?P<url>http://\S+)(?: \(.*\))?$")


START_TIMEOUT_S = 20


#: Sets the open-files limit of the mock's process, then runs it as `python -m mock_server` would.
LIMITED = (
    "import resource, runpy, sys; limit = int(sys.argv.pop(1)); "
    "resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit)); "
    "sys.argv[0] = 'mock_server'; runpy.run_module('mock_server', run_name='__main__', alter_sys=True)"
)


@contextlib.contextmanager
def mock_with_fd_limit(limit: int, *args: str) -> Iterator[tuple[str, int]]:
    """(base URL, port) of a mock whose process may open `limit` files; stopped afterwards."""
    command = [sys.executable, "-c", LIMITED, str(limit), "--host", "127.0.0.1", "--port", "0", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    stdout, lines = process.stdout, queue.Queue[str]()
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        match = READY.match(lines.get(timeout=START_TIMEOUT_S).strip())
        assert match, "no ready line"
        url = match["url"]
        yield url, int(url.split(":")[2].split("/")[0])
    finally:
        process.terminate()
        process.wait(START_TIMEOUT_S)
        stdout.close()
