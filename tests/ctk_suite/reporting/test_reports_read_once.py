"""Reports a person reads once (issue 19.5): each failure said once on the terminal, each failure kind in its
Allure category, the metadata naming the real target, no Python class name where a person reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ctk_suite.core.failures import Kind
from ctk_suite.http.client import Exchange
from ctk_suite.kits.extended.evidence import BodySchema, Sent
from ctk_suite.kits.extended.expect import client_error, json_object, matches_schema, responded
from tests.support.fakes.v4 import serving

FIRST_FAILURE = "Status code is 201: status: expected HTTP 201, seen HTTP 200"


def failing_run(tmp_path: Path, url: str) -> subprocess.CompletedProcess[str]:
    """The CTK against a server whose create answers 200."""
    command = [
        str(Path(sys.executable).with_name("tmf622-ctk")), "--base-url", url,
        "--reports-dir", str(tmp_path / "reports"), "--no-allure-html",
    ]  # fmt: skip
    return subprocess.run(
        command, cwd=tmp_path, env=dict(os.environ), capture_output=True, text=True, timeout=300, check=False
    )


def test_each_failure_is_printed_once_and_the_metadata_names_the_target(tmp_path: Path) -> None:
    with serving("create_status_200") as (url, _):
        done = failing_run(tmp_path, url)
    assert done.returncode == 1, done.stdout[-3000:]
    assert done.stdout.count(FIRST_FAILURE) == 1
    summary = json.loads((tmp_path / "reports" / "summary.json").read_text(encoding="utf-8"))
    assert summary["profile"] == "no profile (--base-url)"  # not the bundled profile's `embedded-mock`
    environment = (tmp_path / "reports" / "allure-results" / "environment.properties").read_text("utf-8")
    assert "target=external server" in environment
    assert "profile=embedded-mock" not in environment
    for result in (tmp_path / "reports" / "allure-results").glob("*-result.json"):
        text = result.read_text(encoding="utf-8")
        assert "ctk_suite." not in text  # no `ctk_suite.engine.items.UnitFailed: ...` title or message


def test_each_failure_is_printed_once_with_the_pytest_plugin_too(
    pytester: pytest.Pytester, ctk_file: Path
) -> None:
    with serving("create_status_200") as (url, _):
        result = pytester.runpytest(ctk_file.name, "--ctk-base-url", url)
    assert result.ret == 1
    assert result.stdout.str().count(FIRST_FAILURE) == 1


def sent(status: int | None, body: bytes = b"{}", error: str | None = None) -> Sent:
    exchange = Exchange("GET", "http://x/productOrder", {}, None, status=status, kept=body, error=error)
    return Sent("list", "productOrder", exchange, BodySchema("ProductOrder"))


def test_extended_failures_carry_their_kind() -> None:
    """The categories Allure files them under: status, schema, body, transport, auth (was: all assertion)."""
    assert [f.kind for f in client_error(sent(200))] == [Kind.STATUS]
    assert [f.kind for f in json_object(sent(200, b"not json"))] == [Kind.BODY]
    assert {f.kind for f in matches_schema(sent(200, b'{"id": 1}'), BodySchema("ProductOrder"))} == {
        Kind.SCHEMA
    }
    assert [f.kind for f in responded(sent(None, b"", "transport error: connection refused"))] == [
        Kind.TRANSPORT
    ]
    assert [f.kind for f in responded(sent(None, b"", "auth error: token endpoint said 401"))] == [Kind.AUTH]
