"""Allure 3 files each failure under the category of its kind (it once showed only "Product errors")."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from ctk_suite.cli import main
from ctk_suite.reporting.allure_html import find_allure
from tests.support.fakes.v4 import serving  # the CTK suite's fault-injecting fake server (config CTK)

#: The single-file report embeds its data base64-encoded: `d("widgets/categories.json", "eyJ...")`.
EMBEDDED = re.compile(rb'd\("([^"]+)",\s*"([A-Za-z0-9+/]+={0,2})"\)')


def embedded(index: Path, name: str) -> object:
    for found in EMBEDDED.finditer(index.read_bytes()):
        if found.group(1).decode() == name:
            return json.loads(base64.b64decode(found.group(2)))
    raise AssertionError(f"{name} is not in {index}")


@pytest.mark.skipif(find_allure(Path.cwd()) is None, reason="the Allure CLI is not installed (npm ci)")
def test_each_failure_kind_is_its_own_allure_category(tmp_path: Path) -> None:
    with serving("create_status_200", "list_not_json") as (url, _):
        code = main(["--base-url", url, "--reports-dir", str(tmp_path), "--", "-q"])
    assert code == 1
    categories = embedded(tmp_path / "allure-report" / "index.html", "widgets/categories.json")
    assert isinstance(categories, dict)
    names = {
        node["name"]: node["statistic"] for node in categories["nodes"].values() if node["type"] == "category"
    }
    assert names == {
        "Wrong status code": {"total": 1, "failed": 1},
        "Response body is not JSON": {"total": 1, "failed": 1},
    }
