"""Render the Allure results of a run into a single-file HTML report with the Allure 3 CLI, if present."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ctk_suite.reporting.allure_report import categories

GENERATE_TIMEOUT_S = 120.0
#: The Allure 3 CLI the toolkit is tested with: package.json's pin (a test keeps them equal).
ALLURE_VERSION = "3.18.0"
INSTALL_HINT = f"npm install -g allure@{ALLURE_VERSION}"
REPORT_NAME = "TMF622 conformance"
#: The checkout this package runs from in an editable install (`make ctk`), whose node_modules holds the
#: pinned Allure CLI; in an installed wheel, site-packages, which has none.
CHECKOUT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Rendered:
    """Outcome of rendering: the report's index.html, or the one-line reason it was not made."""

    index: Path | None
    reason: str | None = None


def find_allure(cwd: Path) -> Path | None:
    """`allure` on PATH, else the project's pinned copy in node_modules (or .tools/node_modules)."""
    on_path = shutil.which("allure")
    if on_path:
        return Path(on_path)
    for root in dict.fromkeys([cwd, CHECKOUT]):
        for prefix in ("node_modules", ".tools/node_modules"):
            candidate = root / prefix / ".bin" / "allure"
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate
    return None


def render_html(results: Path, report: Path, cwd: Path) -> Rendered:
    """`allure generate <results> -o <report>` with the awesome plugin in single-file mode.

    A single index.html opens from file:// (a multi-file report needs a web server).
    """
    allure = find_allure(cwd)
    if allure is None:
        hint = f"install it with `{INSTALL_HINT}`, or put `allure` on PATH"
        return Rendered(None, f"Allure CLI not found ({hint})")
    config = results.parent / "allurerc.json"
    config.write_text(json.dumps(_config()), encoding="utf-8")
    command = [str(allure), "generate", str(results), "-o", str(report), "--config", str(config)]
    try:
        done = subprocess.run(  # noqa: S603 - argv we built, no shell
            command, capture_output=True, text=True, timeout=GENERATE_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Rendered(None, f"allure generate failed: {exc}")
    index = report / "index.html"
    if done.returncode != 0 or not index.is_file():
        tail = " ".join((done.stderr or done.stdout).split())[-200:]
        return Rendered(None, f"allure generate exited {done.returncode}: {tail or 'no output'}")
    return Rendered(index)


def _config() -> dict[str, object]:
    return {
        "name": REPORT_NAME,
        # Failed units carry their failure kind as a label: one category per kind (Allure 3 rules).
        "categories": {"rules": categories()},
        # Group the tree as the certification report does: collection, then N1 / N2 / E1.
        "plugins": {
            "awesome": {
                "options": {
                    "singleFile": True,
                    "reportName": REPORT_NAME,
                    "groupBy": ["parentSuite", "suite"],
                }
            }
        },
    }
