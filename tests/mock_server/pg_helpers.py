"""A throwaway PostgreSQL cluster for the tests: initdb and pg_ctl on a temporary directory, Unix socket only.

The server binaries come from Debian's `postgresql` package (scripts/bootstrap.sh installs it). Without
them the PostgreSQL tests skip with the reason, or fail when `TMF622_REQUIRE_POSTGRES=1` (CI).
`initdb` refuses to run as root, so as root the cluster runs as the `postgres` user.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

REQUIRE_ENV = "TMF622_REQUIRE_POSTGRES"
#: Crash safety of PostgreSQL itself is not what these tests check (kill -9 hits the mock, not the
#: server), so the throwaway cluster skips fsync: each commit then costs microseconds, not a disk sync.
_SERVER_OPTIONS = "-c listen_addresses='' -c fsync=off -c full_page_writes=off -c max_connections=300"


def missing(reason: str) -> None:
    """Skip with `reason`, or fail when the environment requires PostgreSQL."""
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1)", pytrace=False)
    pytest.skip(reason)


def server_bin() -> Path | None:
    """The newest installed server's bin directory (Debian keeps it off PATH), else the one on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


@dataclass
class Cluster:
    """One running cluster; `url(schema)` names a database session confined to one schema."""

    root: Path
    bin: Path
    runner: list[str]
    _names: itertools.count[int] = field(default_factory=itertools.count)

    @classmethod
    def start(cls) -> Cluster:
        bin_dir = server_bin()
        if bin_dir is None:
            missing("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql")
        assert bin_dir is not None
        runner = _runner()
        root = Path(tempfile.mkdtemp(prefix="tmf622-pg-"))
        if runner:
            shutil.chown(root, "postgres", "postgres")
        cluster = cls(root, bin_dir, runner)
        cluster._run(
            "initdb", "-D", str(root / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"
        )
        cluster._run(
            "pg_ctl",
            "-D",
            str(root / "data"),
            "-l",
            str(root / "log"),
            "-w",
            "-o",
            f"-k {root} {_SERVER_OPTIONS}",
            "start",
        )
        return cluster

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(
            [*self.runner, str(self.bin / tool), *args], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            missing(f"{tool} failed: {(done.stderr or done.stdout).strip()[-500:]}")

    @property
    def base_url(self) -> str:
        return f"postgresql://postgres@/postgres?host={quote(str(self.root), safe='')}"

    def url(self, schema: str) -> str:
        return f"{self.base_url}&options={quote(f'-csearch_path={schema}', safe='')}"

    def new_schema(self) -> str:
        """A fresh, empty schema: an independent mock in the shared database."""
        name = f"t{next(self._names)}"
        with psycopg.connect(self.base_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}")
        return name

    def drop_schema(self, name: str) -> None:
        with psycopg.connect(self.base_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")

    def stop(self) -> None:
        subprocess.run(
            [
                *self.runner,
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.root / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def _runner() -> list[str]:
    """As root: run the server tools as `postgres` (initdb refuses root)."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        missing("running as root without a `postgres` user to run initdb as")
    return ["runuser", "-u", "postgres", "--"]
