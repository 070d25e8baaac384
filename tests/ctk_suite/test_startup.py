"""What keeps `tmf622-ctk` quick to start: no autoloaded plugins, no schema libraries for the CTK level,
and a compiled profile check that never accepts a profile the reference validator refuses."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import allure_pytest.plugin
import jsonschema_rs
import pytest
import yaml
from jsonschema import Draft202012Validator

import ctk_suite.plugin.hooks
import tmf622_schemas
from ctk_suite import cli
from ctk_suite.config.frontends import cli_values
from ctk_suite.config.profile import (
    PAYLOAD_SCHEMAS,
    Profile,
    Target,
    bundled_profile,
    kit_payload,
    load_profile,
)
from ctk_suite.config.profile_schema import PROFILE_SCHEMA, first_violation
from tmf622_scenarios import api_versions

#: Imported by the extended level, by schema validation or by other pytest plugins: never by a CTK run.
HEAVY = (
    "jsonschema",
    "rfc3987_syntax",
    "referencing",
    "tmf622_schemas",
    "aiohttp",
    "hypothesis",
    "schemathesis",
)
PROBE = f"""
import sys
from ctk_suite.cli import main
code = main(sys.argv[1:])
print("IMPORTED", sorted({{name.split(".")[0] for name in sys.modules}} & {set(HEAVY)!r}))
sys.exit(code)
"""


def test_a_ctk_run_imports_no_schema_library_nor_other_plugins(mock_server_url: str, tmp_path: Path) -> None:
    argv = ["--base-url", f"{mock_server_url}/", "--reports-dir", str(tmp_path), "--no-allure-html"]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "IMPORTED []" in done.stdout.splitlines()
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"] == {"requests": 9, "assertions": 63, "failedAssertions": 0}
    assert len(list((tmp_path / "allure-results").glob("*-result.json"))) == 9


def test_pytest_runs_with_our_plugins_only_and_the_environment_is_restored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[str | None, list[Any]]] = []

    def fake_main(args: list[str], plugins: list[Any]) -> int:
        seen.append((os.environ.get(cli.AUTOLOAD_OFF), plugins))
        return 1

    monkeypatch.setattr(cli.pytest, "main", fake_main)
    monkeypatch.setattr(cli.gc, "freeze", lambda: None)  # the test process keeps its collector
    monkeypatch.setenv(cli.AUTOLOAD_OFF, "")
    assert cli.run_pytest(["ctk-4.0.0.yaml"]) == 1
    monkeypatch.delenv(cli.AUTOLOAD_OFF)
    assert cli.run_pytest(["ctk-4.0.0.yaml"]) == 1
    assert seen == [("1", [ctk_suite.plugin.hooks, allure_pytest.plugin])] * 2
    assert cli.AUTOLOAD_OFF not in os.environ


def test_the_pytest_command_line_asks_for_plain_asserts_and_no_cache(tmp_path: Path) -> None:
    values = cli_values(cli.build_parser().parse_args([]))
    profile = Profile("p", tmp_path / "p.yaml", Target(None), reports_dir=tmp_path)
    args = cli.pytest_args(values, profile, [tmp_path / "ctk-4.0.0.yaml"], [])
    assert "--assert=plain" in args
    assert "no:cacheprovider" in args
    assert "tmf622_ctk" not in args  # given as a module: `-p NAME` reads every distribution's entry points


def test_bundled_payloads_are_valid_orders() -> None:
    """A run does not check a bundled profile's payload again, nor a kit's default body: this test does."""
    document = yaml.safe_load(bundled_profile("live-example").read_text(encoding="utf-8"))
    assert list(tmf622_schemas.validator_for("ProductOrder_Create").iter_errors(document["payload"])) == []
    # The mock profile gives none: the chosen version's kit body is sent (scenarios/ctk-<version>.yaml).
    assert "payload" not in yaml.safe_load(bundled_profile("mock").read_text(encoding="utf-8"))
    for version in api_versions():
        major = version.split(".")[0]
        validator = tmf622_schemas.validator_for(PAYLOAD_SCHEMAS[major], major)
        assert list(validator.iter_errors(kit_payload(version))) == [], version


def test_a_copied_bundled_profile_has_its_payload_checked(tmp_path: Path) -> None:
    order = 'payload: {productOrderItem: [{id: "1", action: bogus}]}\n'
    text = bundled_profile("mock").read_text(encoding="utf-8") + order
    (tmp_path / "mock.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"payload \$\.productOrderItem\[0\]\.action: 'bogus' is not one of"):
        load_profile(tmp_path / "mock.yaml", env={})


def test_every_shipped_profile_file_is_known() -> None:
    shipped = sorted(p.name for p in (resources.files("tmf622_scenarios") / "profiles").iterdir())
    assert [name for name in shipped if name.endswith(".yaml")] == ["live-example.yaml", "mock.yaml"]


MINIMAL: dict[str, Any] = {"target": {"base_url": "https://api.example.com"}, "payload": {}}
DOCUMENTS = [
    MINIMAL,
    {**MINIMAL, "levels": ["ctk", "extended-optional"], "timeouts": {"connect": 1, "read": 2.5}},
    {**MINIMAL, "levels": ("ctk",)},  # a tuple: an array for jsonschema-rs, not for jsonschema
    {**MINIMAL, "levels": ["ctk", "ctk"]},
    {**MINIMAL, "timeouts": {"read": math.nan}},
    {**MINIMAL, "timeouts": {"read": math.inf}},
    {**MINIMAL, "timeouts": {"read": True}},
    {**MINIMAL, "timeouts": {"read": 10**40}},
    {**MINIMAL, "name": datetime(2026, 1, 1)},  # an unquoted YAML timestamp
    {**MINIMAL, "auth": {"type": "bearer", "token_env": "TOKEN\n"}},  # `$` before a final newline
    {**MINIMAL, "auth": {"type": "bearer", "token_env": "TOKEN"}},
    {**MINIMAL, "auth": {"type": "oauth2", "token_url": "http://x", "client_id": "c"}},
    {**MINIMAL, "proxy": {}},
    {**MINIMAL, "proxy": "http://proxy:3128"},
    {**MINIMAL, "headers": {"X-A": 1}},
    {**MINIMAL, 1: "x"},
    {"target": {"base_url": "http://\x1chost"}, "payload": {}},
    {"target": {"base_url": "http://\ufeffhost"}, "payload": {}},
    {"target": {"base_url": "ftp://host"}, "payload": {}},
    ["not", "a", "mapping"],
]


@pytest.mark.parametrize("document", DOCUMENTS, ids=range(len(DOCUMENTS)))
def test_the_compiled_check_agrees_with_jsonschema(document: Any) -> None:
    assert (first_violation(document) is None) == Draft202012Validator(PROFILE_SCHEMA).is_valid(document)


def test_the_url_pattern_means_the_same_in_both_regex_dialects() -> None:
    """Python's `\\s` and ECMA 262's differ on a few code points; the pattern lists them (BMP: every
    white space character of either dialect is in it)."""
    pattern = PROFILE_SCHEMA["properties"]["target"]["properties"]["base_url"]["pattern"]
    compiled = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    python = re.compile(pattern)
    urls = [f"http://{chr(code)}" for code in range(0x10000) if not 0xD800 <= code <= 0xDFFF]
    accepted_only_by_rust = [url for url in urls if compiled.is_valid(url) and not python.search(url)]
    assert accepted_only_by_rust == []
