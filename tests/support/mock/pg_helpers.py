"""A throwaway PostgreSQL cluster for the tests: initdb and pg_ctl on a temporary directory, Unix socket only.

The server binaries come from Debian's `postgresql` package (scripts/bootstrap.sh installs it). Without
them the PostgreSQL tests skip with the reason, or fail when `TMF622_REQUIRE_POSTGRES=1` (CI).
`initdb` refuses to run as root, so as root the cluster runs as the `postgres` user.

`TMF622_PG_CLUSTER`, the folder of a cluster already running (its socket's), makes `Cluster.for_session`
join it instead of starting one: `make mutate` starts one for a whole module's run, where each mutant's
pytest session would otherwise start and stop its own (seconds each, and one left running whenever a
mutant's timeout kills its session).
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
from typing import Any
from urllib.parse import quote

import psycopg
import pytest

REQUIRE_ENV = "TMF622_REQUIRE_POSTGRES"
SHARED_ENV = "TMF622_PG_CLUSTER"
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


_TABLES = "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = %s"
_SEQUENCES = "SELECT quote_ident(sequencename) FROM pg_sequences WHERE schemaname = %s"


@dataclass
class Cluster:
    """One running cluster; `url(schema)` names a database session confined to one schema."""

    root: Path
    bin: Path
    runner: list[str]
    #: False for a cluster this process joined (`SHARED_ENV`): `stop` then drops its schemas only.
    owned: bool = True
    _names: itertools.count[int] = field(default_factory=itertools.count)
    _made: list[str] = field(default_factory=list)
    #: Schemas given back, emptied: reused, as creating the tables again costs more than emptying them.
    _free: list[str] = field(default_factory=list)
    _admin: psycopg.Connection[Any] | None = None

    @classmethod
    def for_session(cls) -> Cluster:
        """The cluster `SHARED_ENV` names, joined; else a new one."""
        shared = os.environ.get(SHARED_ENV)
        if not shared:
            return cls.start()
        cluster = cls(Path(shared), Path(), [], owned=False)
        try:
            cluster.admin()
        except psycopg.OperationalError as exc:
            missing(f"{SHARED_ENV}={shared}: no PostgreSQL server answers there ({exc})")
        return cluster

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

    def admin(self) -> psycopg.Connection[Any]:
        if self._admin is None:
            self._admin = psycopg.connect(self.base_url, autocommit=True)
        return self._admin

    def new_schema(self) -> str:
        """An empty schema: an independent mock in the shared database."""
        if self._free:
            return self._free.pop()
        # In a joined cluster, other processes (earlier or concurrent sessions) make schemas too.
        name = f"t{next(self._names)}" if self.owned else f"t{os.getpid()}_{next(self._names)}"
        self.admin().execute(f"DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}")
        self._made.append(name)
        return name

    def drop_schema(self, name: str) -> None:
        """Empty the schema's tables, restart their identity columns, and keep it for `new_schema`.

        DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE gives each table new files (22 ms
        against well under 1 ms, after each of the hundreds of PostgreSQL tests)."""
        admin = self.admin()
        tables = [row[0] for row in admin.execute(_TABLES, (name,)).fetchall()]
        sequences = [row[0] for row in admin.execute(_SEQUENCES, (name,)).fetchall()]
        statements = [f"DELETE FROM {name}.{table}" for table in tables]
        statements += [f"SELECT setval('{name}.{sequence}', 1, false)" for sequence in sequences]
        if statements:
            admin.execute("; ".join(statements))
        self._free.append(name)

    def stop(self) -> None:
        """Stop an owned cluster and remove its folder; leave a joined one as it was found."""
        if not self.owned:
            for name in self._made:
                self.admin().execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        if self._admin is not None:
            self._admin.close()
        if not self.owned:
            return
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
