"""The certifier's peak memory: `tmf622-ctk --level all` against a server whose every body is about 5 MB.

Issue 17: 740 MB of RSS, because each body was held several times over for the whole run; wanted <= 200 MB.
``python -m bench.certifier_memory --body-bytes N`` prints one JSON line. The peak RSS is the kernel's
high-water mark of the certifier's process (`wait4`'s `ru_maxrss`): no sampling can miss it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.big_bodies import DEFAULT_BODY_BYTES


def certifier_argv(base_url: str, reports: Path) -> list[str]:
    """The measured run: every level, reports written (summary, JUnit, Allure results), no HTML."""
    return [
        sys.executable,
        "-m",
        "ctk_suite",
        "--base-url",
        base_url,
        "--level",
        "all",
        "--reports-dir",
        str(reports),
        "--no-allure-html",
    ]


#: Run by a fresh interpreter, which starts the measured command: Linux counts in a process's peak the
#: address space it had before exec, its parent's at fork (a pytest worker's 500 MB); this one's is small.
_STARTER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(child.pid, 0)
child.returncode = os.waitstatus_to_exitcode(status)
print(f"peak-rss-kib {usage.ru_maxrss}", flush=True)
sys.exit(child.returncode)
"""
_PEAK = re.compile(r"^peak-rss-kib (\d+)$", re.MULTILINE)


def peak_rss(argv: list[str], timeout_s: float = 900.0) -> tuple[int, int, str]:
    """Run `argv`: (exit code, its peak resident set size in bytes, its output); killed after `timeout_s`."""
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            [sys.executable, "-c", _STARTER, *argv],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a timeout ends the starter and the command together
        )
        try:
            code = process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    found = _PEAK.search(text)
    if found is None:
        raise RuntimeError(f"no peak reported (exit code {code}): {text[-500:]}")
    return code, int(found.group(1)) * 1024, text  # Linux counts ru_maxrss in KiB


def measure(body_bytes: int) -> dict[str, object]:
    """One server of `body_bytes` bodies, one certifier run against it."""
    from bench import procs  # noqa: PLC0415 - psutil (the bench extra): the tests use peak_rss alone

    with tempfile.TemporaryDirectory(prefix="tmf622-certmem-") as scratch:
        command = procs.python_module("bench.big_bodies", "--port", "0", "--body-bytes", str(body_bytes))
        with procs.Server("big-bodies", command, Path(scratch) / "server.log") as server:
            code, rss, output = peak_rss(certifier_argv(server.base_url, Path(scratch) / "reports"))
    verdict = next((line for line in output.splitlines() if line.startswith("tmf622-ctk: CTK")), "")
    return {"bodyBytes": body_bytes, "exitCode": code, "peakRssMB": round(rss / 2**20, 1), "verdict": verdict}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.certifier_memory", description=__doc__)
    parser.add_argument("--body-bytes", type=int, default=DEFAULT_BODY_BYTES)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.body_bytes)))


if __name__ == "__main__":
    main()
