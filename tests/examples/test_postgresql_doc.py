"""docs/postgresql.md "Try it on your machine, without sudo": its commands, run as an ordinary user.

The block is read from the document. Its cluster commands run in `bash` as a user who is not root
(`nobody` when the tests run as root, with a temporary home), non-interactively, on a free port; the mock
is then started on that cluster as the document says, and with a wrong password, which must give one line.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.mock.pg_helpers import missing, server_bin

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "postgresql.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent
DOCUMENTED_PORT = "5433"


def no_sudo_block() -> list[str]:
    """The lines of the document's no-sudo block: the cluster's, then the mock's."""
    section = DOC.split("## Try it on your machine, without sudo", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None
    return block[1].strip().splitlines()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def ordinary_home() -> Iterator[tuple[list[str], Path]]:
    """(how to run a command as an ordinary user, that user's home): `nobody` when the tests run as root."""
    if server_bin() is None:
        missing("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql")
    home = Path(tempfile.mkdtemp(prefix="tmf622-pg-doc-"))
    runner: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("nobody")
        os.chown(home, user.pw_uid, user.pw_gid)
        runner = ["runuser", "-u", "nobody", "--"]
    try:
        yield runner, home
    finally:
        stop = f"pg_ctl -D {home}/tmf622-pg/data -m immediate stop"
        path = f"{server_bin()}:{os.environ['PATH']}"
        subprocess.run([*runner, "env", f"PATH={path}", "sh", "-c", stop], capture_output=True, check=False)
        shutil.rmtree(home, ignore_errors=True)


def test_the_no_sudo_cluster_starts_and_a_wrong_password_is_one_line(
    ordinary_home: tuple[list[str], Path],
) -> None:
    runner, home = ordinary_home
    *cluster, mock = no_sudo_block()
    assert not any(word in "\n".join(cluster) for word in ("sudo", "--pwprompt", "read "))
    port = str(free_port())
    script = "set -e\n" + "\n".join(cluster).replace(DOCUMENTED_PORT, port)
    env = {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C.UTF-8"}
    done = subprocess.run(  # the document's own commands
        [*runner, "env", "-i", *(f"{k}={v}" for k, v in env.items()), "bash", "-c", script],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, check=False, cwd=home,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    url = re.search(r"--store (\S+)", mock)
    assert url is not None
    store = url[1].replace(DOCUMENTED_PORT, port)
    with subprocess.Popen(
        [str(BIN / "tmf622-mock"), "--store", store, "--port", "0"], stdout=subprocess.PIPE, text=True
    ) as server:
        assert server.stdout is not None
        try:
            assert server.stdout.readline().startswith("tmf622-mock listening on http://127.0.0.1:")
        finally:
            server.terminate()
            server.wait(timeout=20)
    wrong = subprocess.run(
        [str(BIN / "tmf622-mock"), "--store", store.replace(":secret@", ":wrong@"), "--port", "0"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert wrong.returncode == 2
    assert wrong.stdout == ""
    assert wrong.stderr.count("\n") == 1, wrong.stderr
    assert 'password authentication failed for user "mock"' in wrong.stderr
    assert "wrong" not in wrong.stderr
