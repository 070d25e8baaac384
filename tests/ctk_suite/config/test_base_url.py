"""One meaning for the base URL (issue 19.1): the API root everywhere; the pre-flight says when it is not, and
when the target answers another TMF622 version than the one certified."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from ctk_suite.config.profile import load_profile
from tests.support.app_thread import serving_app

CTK = str(Path(sys.executable).with_name("tmf622-ctk"))


def run(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    command = [CTK, "--no-allure-html", "--reports-dir", str(tmp_path / "r"), *argv]
    env = dict(os.environ)
    return subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def stop_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 4, done.stdout[-3000:] + done.stderr[-2000:]
    (line,) = [line for line in done.stdout.splitlines() if line.startswith("tmf622-ctk: ")]
    return line


def test_a_profiles_base_url_is_the_api_root(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text('target: {base_url: "https://x.example/po/v4/"}\n', encoding="utf-8")
    profile = load_profile(path, env={})
    assert profile.target.api_url == "https://x.example/po/v4/"
    assert profile.target.deprecation is None


def test_api_path_still_works_with_a_warning_naming_the_root_to_write(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text('target: {base_url: "https://x.example", api_path: /po/v4}\n', encoding="utf-8")
    target = load_profile(path, env={}).target
    assert target.api_url == "https://x.example/po/v4/"
    assert target.deprecation == (
        "the profile's target.api_path is deprecated: base_url is the API root; write "
        "target.base_url: https://x.example/po/v4/ and drop api_path"
    )


def test_an_origin_without_the_api_path_stops_with_the_paths_expected_and_given(
    tmp_path: Path, mock_server_url: str
) -> None:
    """Was: `fail (10/69)` and exit 1, with no hint."""
    origin = mock_server_url.split("/tmf-api/", maxsplit=1)[0]
    line = stop_line(run(tmp_path, "--base-url", origin + "/"))
    assert "answered HTTP 404: no productOrder collection there" in line
    assert line.endswith(
        "TMF622 4.0.0 is usually served under /tmf-api/productOrderingManagement/v4/, the path given is /"
    )
    assert json.loads((tmp_path / "r" / "summary.json").read_text(encoding="utf-8"))["verdict"] == "error"


@pytest.mark.parametrize(("version", "served", "wanted"), [("5.0.0", "v4", "v5"), ("4.0.0", "v5", "v4")])
def test_another_version_at_the_root_is_named(
    tmp_path: Path, mock_server_url: str, version: str, served: str, wanted: str
) -> None:
    """Was (`--api-version 5.0.0` on a v4 URL): `fail (6/38)`, no hint."""
    root = mock_server_url.replace("/v4", f"/{served}") + "/"
    line = stop_line(run(tmp_path, "--base-url", root, "--api-version", version))
    assert line.endswith(
        f"the target answers TMF622 {served} (its API root ends in /{served}), but TMF622 {version} is being "
        f"certified: give --api-version {served[1]}.0.0, or the {wanted} API root as the base URL"
    )


@pytest.fixture
def v5_orders_on_a_plain_root() -> Iterator[str]:
    async def listing(request: web.Request) -> web.Response:
        return web.json_response(
            [{"id": "1", "creationDate": "2026-01-01T00:00:00Z", "@type": "ProductOrder"}]
        )

    app = web.Application()
    app.router.add_get("/orders/productOrder", listing)
    with serving_app(app, base_path="/orders") as url:
        yield url


def test_the_version_is_told_by_the_orders_the_target_lists(
    tmp_path: Path, v5_orders_on_a_plain_root: str
) -> None:
    line = stop_line(run(tmp_path, "--base-url", v5_orders_on_a_plain_root))
    assert "the target answers TMF622 v5 (its orders carry creationDate), but TMF622 4.0.0" in line
