"""Stores phase: POST and GET by id on each store (memory, SQLite, PostgreSQL, PostgreSQL with 2 workers),
each as a ratio against the bare baseline measured in the same run, with p99 at the mode's 64 connections.

PostgreSQL comes from Debian's `postgresql` package: a throwaway cluster (initdb, pg_ctl, Unix socket,
default durability: fsync on) is started in the run's work directory and stopped after. Where it is
missing the PostgreSQL rows are reported absent with the reason.

Cores, honestly: the bare server and a one-process mock are pinned to the server core and the load
generator to the other; PostgreSQL's own processes are not pinned (they use both cores), and the two
workers of `--workers 2` are not pinned either: they share both cores with the load generator and
PostgreSQL, so "1 vs 2 replicas" on this 2-core machine measures contention as much as scale-out.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import psycopg

from bench import cases, client, procs, rounds, servers
from bench.cases import Case, Run
from bench.procs import BenchError

CASES = ("getById", "post")
#: The servers measured, in order (each beside the bare baseline): metrics `stores.<name>.<case>.ratio`.
STORES = ("memory", "sqlite", "postgresql", "postgresql2", "pgAsyncCommit")


@contextmanager
def postgres_cluster(workdir: Path) -> Any:
    """A throwaway cluster's base URL (None with the reason when PostgreSQL is not installed)."""
    initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    if not initdb:
        yield None, "PostgreSQL server binaries not found (apt-get install postgresql)"
        return
    bin_dir, root = Path(initdb[-1]).parent, workdir / "pg"
    root.mkdir()
    runner = _runner(root)
    data = str(root / "data")
    _run([*runner, str(bin_dir / "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"])
    options = f"-k {root} -c listen_addresses='' -c max_connections=100"
    _run(
        [*runner, str(bin_dir / "pg_ctl"), "-D", data, "-l", str(root / "log"), "-w", "-o", options, "start"]
    )
    try:
        yield f"postgresql://postgres@/postgres?host={root}", None
    finally:
        subprocess.run([*runner, str(bin_dir / "pg_ctl"), "-D", data, "-m", "fast", "stop"], check=False)


def _runner(root: Path) -> list[str]:
    """initdb refuses root: run the cluster as `postgres` then."""
    if os.geteuid() != 0:
        return []
    pwd.getpwnam("postgres")
    shutil.chown(root, "postgres", "postgres")
    os.chmod(root.parent, 0o755)  # the postgres user must reach its directory
    return ["runuser", "-u", "postgres", "--"]


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"{command[-1]}: {(done.stderr or done.stdout)[-400:]}")


def _schema_url(url: str, schema: str) -> str:
    """A fresh schema per server: each store starts empty."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{url}&options=-csearch_path%3D{schema}"


def _servers(workdir: Path, url: str | None) -> dict[str, list[str]]:
    mock = procs.python_module("mock_server", *servers.LOOPBACK)
    chosen = {
        "memory": mock,
        "sqlite": [*mock, "--sqlite", str(workdir / "stores.sqlite3")],
    }
    if url is not None:
        chosen["postgresql"] = [*mock, "--store", _schema_url(url, "one")]
        chosen["postgresql2"] = [*mock, "--store", _schema_url(url, "two"), "--workers", "2"]
        # Commits not waiting for the WAL flush: a replica's kill -9 still loses nothing acknowledged,
        # a crash of PostgreSQL's host may lose the last fraction of a second (docs/postgresql.md).
        lazy = _schema_url(url, "three") + "%20-csynchronous_commit%3Doff"
        chosen["pgAsyncCommit"] = [*mock, "--store", lazy]
    return chosen


def _mix(run: Run, server: procs.Server) -> dict[str, Case]:
    ids = client.preload(server.base_url, run.mode.preload)
    return {
        "getById": Case("getById", 200, lambda base: cases.get_by_id(base, ids)),
        "post": Case("post", 201, lambda base: cases.post(base, run.mode.preload)),
    }


def run(bench_run: Run) -> dict[str, Any]:
    """Every store's server and the bare baseline started (idle ones cost nothing), then each case in
    `Mode.rounds` interleaved rounds over all of them (`bench/rounds.py`), one server loaded at a time:
    no two servers share the core while measured."""
    if bench_run.mode.name == "tiny":
        return {"absent": "tiny mode: the stores phase needs real runs (python -m bench --phases stores)"}
    workdir = bench_run.workdir
    results: dict[str, Any] = {}
    ratios: dict[str, Any] = {}
    with postgres_cluster(workdir) as (url, why), ExitStack() as stack:
        commands = {"bare": servers.bare(workdir).command} | _servers(workdir, url)
        serving: dict[str, tuple[procs.Server, dict[str, Case]]] = {}
        for name, command in commands.items():
            server = procs.Server(name, command, workdir / f"stores-{name}.log")
            stack.callback(server.stop)
            try:
                server.start()
                serving[name] = server, _mix(bench_run, server)
            except (BenchError, RuntimeError, OSError) as exc:
                results[name] = {"error": f"{name}: {exc}"}
        for case in CASES:

            def one(name: str, index: int, case: str = case) -> dict[str, Any]:
                server, mix = serving[name]
                return cases.measured_or_error(bench_run, server, mix[case], index)

            measured = rounds.measure_rounds(list(serving), bench_run.mode.rounds, one)
            for name, figures in rounds.combined(measured).items():
                results.setdefault(name, {})[case] = figures
            for name in serving.keys() - {"bare"}:
                ratios[f"{name}.{case}"] = (
                    rounds.ratio(measured, name, "bare")["median"] if "bare" in serving else None
                )
        if why is not None:
            for name in ("postgresql", "postgresql2", "pgAsyncCommit"):
                results[name] = {"absent": why}
    return {"results": results, "ratios": ratios}


def summary(phase: dict[str, Any]) -> list[str]:
    """Lines for the terminal: per store and case, rps, ratio to bare, p99, load generator CPU."""
    lines = [
        "stores (ratio = median over the rounds of store rps / bare rps; medians of rps and p99 at the"
        " mode's connections):"
    ]
    for store, figures in phase.get("results", {}).items():
        for case in CASES:
            got = figures.get(case, {}) if isinstance(figures, dict) else {}
            if "rps" not in got:
                lines.append(f"  {store:12} {case:8} {got.get('error') or figures.get('absent') or figures}")
                continue
            ratio = phase["ratios"].get(f"{store}.{case}")
            lines.append(
                f"  {store:12} {case:8} {got['rps']:9.0f} rps  ratio {ratio if ratio is not None else '-':>6}"
                f"  p99 {got['p99Ms']:7.2f} ms  loadgen cpu {got['loadgenCpu']:.2f}"
            )
    return lines
