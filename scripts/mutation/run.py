"""`make mutate`: mutmut on each module of modules.toml, against its own tests, minus equivalents.toml.

Each module runs in its own copy of the repository, reports/mutation/<module>/, with a `[tool.mutmut]` table
written for it (mutmut reads its settings from the pyproject.toml of the folder it runs in, one set per
folder). The copy keeps mutmut's `mutants/` between runs, so a second run re-tests only what changed.

Score of a module: killed / (mutants - equivalents). A mutant that survives, times out or that no test
reaches counts against it, unless equivalents.toml lists it (by its function and its changed lines, not
its number, so the list survives edits elsewhere in the module).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
WORK = ROOT / "reports" / "mutation"  # output only, like every report
REPORT = ROOT / "reports" / "mutation.json"
#: The tests written for survivors; `--before` leaves them out to measure the score they raised.
NEW_TESTS = "test_mutation_kills_"
#: mutmut's statuses that count as killed: a mutant that makes a test hang was noticed too.
KILLED = {"killed", "timeout"}


@dataclass(frozen=True)
class Mutant:
    name: str
    status: str
    original: str
    mutated: str

    @property
    def function(self) -> str:
        """`redact_body` or `SecretRegistry.__init__`, from mutmut's mangled name."""
        mangled = self.name.rsplit(".", 1)[1].rsplit("__mutmut_", 1)[0]
        if mangled.startswith("xǁ"):
            return ".".join(mangled.removeprefix("xǁ").split("ǁ"))
        return mangled.removeprefix("x_")


def slug(module: str) -> str:
    return module.removesuffix(".py").replace("/", ".")


def copy_tree(dest: Path) -> None:
    """The tracked and new files of the checkout into `dest`, mtimes kept (mutmut's cache reads them)."""
    git = ["git", "ls-files", "-co", "--exclude-standard", "-z"]
    listed = subprocess.run(git, cwd=ROOT, check=True, capture_output=True).stdout.decode()  # noqa: S603 - fixed
    names = [n for n in listed.split("\0") if n and not n.startswith("reports/") and (ROOT / n).exists()]
    dest.mkdir(parents=True, exist_ok=True)
    for stale in dest.iterdir():
        if stale.name != "mutants":
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    archive = dest.parent / f"{dest.name}.tar"
    with tarfile.open(archive, "w") as tar:
        for name in names:
            tar.add(ROOT / name, arcname=name, recursive=False)
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="fully_trusted")  # noqa: S202 - the archive was made just above
    archive.unlink()


def mutmut_table(module: str, tests: list[str], select: str | None) -> str:
    settings = {
        "source_paths": ["ctk_suite", "mock_server"],
        "only_mutate": [module],
        # The tests find the kits, schemas and fakes by path from the repository's root.
        "also_copy": ["conftest.py", "scenarios", "schemas", "package.json"],
        # `select` (a pytest -k expression) keeps a store-independent module's tests to one store.
        "pytest_add_cli_args_test_selection": tests + (["-k", select] if select else []),
        # mutmut runs pytest twice in one process; the second run finds the copy's scenarios/ folder
        # imported (the CLI's tests run the kits) and warns that it cannot rewrite it: not an error here.
        "pytest_add_cli_args": [
            "-p",
            "no:cacheprovider",
            "-q",
            "-x",
            "-W",
            "ignore::pytest.PytestAssertRewriteWarning",
        ],
    }
    lines = ["", "[tool.mutmut]", *(f"{k} = {json.dumps(v)}" for k, v in settings.items())]
    return "\n".join(lines) + "\n"


def fingerprint(paths: list[str], select: str | None) -> str:
    """A hash of what a module's results depend on beyond its functions: its tests, helpers, selection."""
    digest = hashlib.sha256(str(select).encode())
    for folder in sorted({str(Path(p).parent) for p in paths}):
        for path in sorted((ROOT / folder).glob("*.py")):
            digest.update(path.read_bytes())
    for path in paths:
        digest.update(path.encode() + (ROOT / path).read_bytes())
    return digest.hexdigest()


def _interrupted(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


@contextlib.contextmanager
def shared_postgres() -> Iterator[None]:
    """One throwaway PostgreSQL cluster for a module's whole run, named to its tests by `SHARED_ENV`:
    each mutant's session makes its schemas there instead of starting a cluster (seconds each, and left
    running when mutmut's timeout kills the session). Stopped at the end, also on Ctrl-C or SIGTERM."""
    sys.path.insert(0, str(ROOT))
    from tests.support.mock import pg_helpers  # noqa: PLC0415 - the tests' own cluster, only when asked

    if pg_helpers.server_bin() is None:  # the tests skip (or fail under TMF622_REQUIRE_POSTGRES) as usual
        yield
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupted)
    try:
        cluster = pg_helpers.Cluster.start()
    except (pytest.skip.Exception, pytest.fail.Exception) as exc:  # its `missing()`, outside a test
        sys.exit(f"mutate: could not start the PostgreSQL cluster the tests share: {exc}")
    os.environ[pg_helpers.SHARED_ENV] = str(cluster.root)
    try:
        yield
    finally:
        del os.environ[pg_helpers.SHARED_ENV]
        cluster.stop()


def run_module(module: str, tests: list[str], select: str | None, jobs: int, only: list[str]) -> list[Mutant]:
    """mutmut on `module`; `only` (mutant names, `*` allowed): re-test just those, keeping the other
    results although the tests changed (new tests only kill more; a changed function is re-tested anyway)."""
    work = WORK / slug(module)
    stamp = WORK / f"{slug(module)}.tests"
    # mutmut re-tests a mutant when its function changes, not when the tests do: start afresh then.
    tested = fingerprint(tests, select)
    if not only and (not stamp.exists() or stamp.read_text(encoding="utf-8") != tested):
        shutil.rmtree(work / "mutants", ignore_errors=True)
    copy_tree(work)
    with (work / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
        pyproject.write(mutmut_table(module, tests, select))
    mutmut = Path(sys.executable).with_name("mutmut")
    log = work / "mutmut.log"
    with log.open("w", encoding="utf-8") as out:
        command = [mutmut, "run", "--max-children", str(jobs), *only]
        done = subprocess.run(command, check=False, cwd=work, stdout=out, stderr=out)  # noqa: S603 - our venv's
    if done.returncode != 0:
        sys.exit(f"mutate: mutmut failed on {module} (exit {done.returncode}); see {log}")
    stamp.write_text(tested, encoding="utf-8")
    collected = subprocess.run(  # noqa: S603 - this script, by our interpreter
        [sys.executable, __file__, "--collect"], cwd=work, check=True, capture_output=True, text=True
    )
    return [Mutant(**m) for m in json.loads(collected.stdout)]


def collect() -> None:
    """Inside a module's folder: every mutant with its status and changed lines, as JSON on stdout."""
    from mutmut.__main__ import (  # noqa: PLC0415 - reads the settings of the folder it runs in
        SourceFileMutationData,
        get_diff_for_mutant,
        status_by_exit_code,
        walk_mutatable_files,
    )

    found = []
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        for name, code in data.exit_code_by_key.items():
            status = status_by_exit_code[code]
            diff = "" if status in KILLED else get_diff_for_mutant(name, path=path)
            changed = diff.splitlines()[2:]
            original = " / ".join(x[1:].strip() for x in changed if x.startswith("-"))
            mutated = " / ".join(x[1:].strip() for x in changed if x.startswith("+"))
            found.append({"name": name, "status": status, "original": original, "mutated": mutated})
    json.dump(found, sys.stdout)


def equivalents() -> dict[tuple[str, str, str, str], str]:
    listed = tomllib.loads((HERE / "equivalents.toml").read_text(encoding="utf-8"))
    return {(e["module"], e["function"], e["original"], e["mutated"]): e["reason"] for e in listed["mutant"]}


def score(module: str, mutants: list[Mutant]) -> dict[str, Any]:
    known = equivalents()
    killed = sum(m.status in KILLED for m in mutants)
    alive = [m for m in mutants if m.status not in KILLED]
    equivalent = [m for m in alive if (module, m.function, m.original, m.mutated) in known]
    left = [m for m in alive if m not in equivalent]
    counted = len(mutants) - len(equivalent)
    return {
        "mutants": len(mutants),
        "killed": killed,
        "equivalent": len(equivalent),
        "score": round(100 * killed / counted, 1) if counted else 100.0,
        "survivors": [
            {"name": m.name, "status": m.status, "function": m.function, "original": m.original,
             "mutated": m.mutated}
            for m in left
        ],
    }  # fmt: skip


def print_table(report: dict[str, dict[str, Any]]) -> None:
    """Per module: mutants, killed, equivalents, and the score before and after the survivors' tests."""
    print("| module | mutants | killed | equivalent | score before | score after |")
    print("|---|---|---|---|---|---|")
    for module, runs in report.items():
        last = runs.get("after") or runs["before"]
        before = runs.get("before")
        # The score before, over the equivalents known now (the list grew after that run).
        known = f"{100 * before['killed'] / (before['mutants'] - last['equivalent']):.1f}%" if before else "-"
        after = f"{last['score']}%" if "after" in runs else "-"
        counts = f"{last['mutants']} | {last['killed']} | {last['equivalent']}"
        print(f"| {module} | {counts} | {known} | {after} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="paths from modules.toml (default: all)")
    parser.add_argument("--before", action="store_true", help=f"without the {NEW_TESTS}* tests")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("MUTATE_JOBS", "1")))
    parser.add_argument(
        "--only",
        nargs="+",
        default=[],
        metavar="MUTANT",
        help="re-test these mutants of one module (names from reports/mutation.json, * allowed)",
    )
    parser.add_argument("--table", action="store_true", help="reports/mutation.json as Markdown")
    parser.add_argument("--collect", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.collect:
        collect()
        return
    if args.table:
        print_table(json.loads(REPORT.read_text(encoding="utf-8")))
        return
    table = tomllib.loads((HERE / "modules.toml").read_text(encoding="utf-8"))["modules"]
    unknown = sorted(set(args.modules) - set(table))
    if unknown:
        sys.exit(f"mutate: not in scripts/mutation/modules.toml: {', '.join(unknown)}")
    if args.only and len(args.modules) != 1:
        sys.exit("mutate: --only names mutants of one module: give that module")
    for module in args.modules or list(table):
        tests = [t for t in table[module]["tests"] if not (args.before and NEW_TESTS in t)]
        postgres = shared_postgres() if table[module].get("postgresql") else contextlib.nullcontext()
        with postgres:
            mutants = run_module(module, tests, table[module].get("select"), args.jobs, args.only)
        result = score(module, mutants)
        # Read again just before writing: another run (of other modules) may have written meanwhile.
        report = json.loads(REPORT.read_text(encoding="utf-8")) if REPORT.exists() else {}
        report.setdefault(module, {})["before" if args.before else "after"] = result
        REPORT.parent.mkdir(exist_ok=True)
        REPORT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(
            f"{module}: {result['mutants']} mutants, {result['killed']} killed, "
            f"{result['equivalent']} equivalent, score {result['score']}%, "
            f"{len(result['survivors'])} left (details in {REPORT.relative_to(ROOT)})",
            flush=True,
        )


if __name__ == "__main__":
    main()
