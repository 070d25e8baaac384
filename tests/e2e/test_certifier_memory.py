"""Issue 17: `tmf622-ctk --level all` against a server of 5 MB bodies stays within 200 MB, and a body past
the certifier's limit is one readable failure, never a crash. Over real HTTP on loopback."""

from __future__ import annotations

import json
from pathlib import Path

from bench.big_bodies import create_app
from bench.certifier_memory import certifier_argv, peak_rss
from ctk_suite.http.body import MAX_BODY_BYTES
from tests.support.app_thread import serving_app

BODY_BYTES = 5 * 1000 * 1000  # the 5 MB: under the limit, so each is read and judged whole
OVER_LIMIT_BYTES = MAX_BODY_BYTES + 1024 * 1024  # the errors: cut at the limit
PEAK_RSS_BYTES = 200 * 2**20  # the target (on main: about 500 MiB)
EXIT_NON_CONFORMANT = 1


def test_five_megabyte_bodies_fail_readably_within_200_mb(tmp_path: Path) -> None:
    with serving_app(create_app(BODY_BYTES, OVER_LIMIT_BYTES)) as base_url:
        code, rss, output = peak_rss(certifier_argv(base_url, tmp_path), timeout_s=600)
    assert code == EXIT_NON_CONFORMANT, output[-2000:]
    assert "Traceback" not in output
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    cut = [r for r in summary["extendedRequests"] if r["truncated"]]
    assert cut, "no answer past the limit was recorded as cut"
    assert {r["sizeBytes"] for r in cut} == {MAX_BODY_BYTES}
    assert all(
        f"larger than {MAX_BODY_BYTES} bytes: stopped reading (truncated)" in (r["error"] or "") for r in cut
    )
    create = next(r for r in summary["requests"] if r["method"] == "POST")
    assert (create["status"], create["sizeBytes"], create["truncated"]) == (201, BODY_BYTES, False)
    assert rss <= PEAK_RSS_BYTES, f"peak RSS {rss / 2**20:.0f} MiB"
