"""`--from-official` and `tmf622-ctk profile import`: TM Forum's own kit configuration read as a profile.

Small files in the official formats are written here; TM Forum's own files are read from the folders the
other tests use (TMF622_CTK5_DIR, TMF622_CTK_DIR) and skipped when absent.
"""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import pytest
import yaml

from ctk_suite import cli
from ctk_suite.config.commands import run_command
from ctk_suite.config.layers import layered
from ctk_suite.config.official_import import read_official, target_section
from ctk_suite.config.profile import load_profile
from ctk_suite.config.profile_schema import ProfileError
from ctk_suite.config.target import resolve_profile
from tests.support.mock_process import running_mock

REPO = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
TOKEN = "s3cr3t-bearer-value-0042"
V5_PAYLOAD = {
    "@type": "ProductOrder",
    "productOrderItem": [
        {
            "id": "1",
            "action": "add",
            "@type": "ProductOrderItem",
            "productOffering": {"id": "PO-1", "@type": "ProductOfferingRef"},
        }
    ],
}


def change_me(tmp_path: Path, **changes: Any) -> Path:
    """A v5 CHANGE_ME.json as the kit ships it (url, headers, payloads), with `changes` on top."""
    document: dict[str, Any] = {
        "url": "https://api.example.com/tmf-api/productOrderingManagement/v5",
        "headers": {"Content-Type": "application/json", "Accept": "application/json", "X-Tenant": "acme"},
        "payloads": {"ProductOrder": {"POST": {"payload": V5_PAYLOAD}}},
    } | changes
    path = tmp_path / "CHANGE_ME.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def postman_env(tmp_path: Path, values: list[dict[str, Any]]) -> Path:
    path = tmp_path / "TMFENV-V4.0.0.postman_environment.json"
    document = {"name": "TMFENV-V4.0.0", "values": values, "_postman_variable_scope": "environment"}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def profile_import(path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_command(["profile", "import", str(path)], out, err)
    assert code is not None
    return code, out.getvalue(), err.getvalue()


def test_change_me_becomes_a_v5_profile_with_the_secret_moved_to_the_environment(tmp_path: Path) -> None:
    headers = {"Accept": "application/json", "Authorization": f"Bearer {TOKEN}", "X-Tenant": "acme"}
    code, printed, told = profile_import(change_me(tmp_path, headers=headers))
    assert code == 0, told
    assert TOKEN not in printed + told
    document = yaml.safe_load(printed)
    assert document["api_version"] == "5.0.0"
    assert document["auth"] == {"type": "bearer", "token_env": "TMF622_TOKEN"}
    assert document["headers"] == {"X-Tenant": "acme"}  # Accept: the kits send it themselves
    assert document["payload"] == V5_PAYLOAD
    assert "$TMF622_TOKEN" in told
    saved = tmp_path / "my.yaml"
    saved.write_text(printed, encoding="utf-8")
    profile = load_profile(saved, {"TMF622_TOKEN": TOKEN})
    assert profile.target.api_url == "https://api.example.com/tmf-api/productOrderingManagement/v5/"
    assert profile.secret_values() == (TOKEN,)
    assert profile.payload() == V5_PAYLOAD


def test_basic_and_api_key_headers_name_their_variables(tmp_path: Path) -> None:
    basic = base64.b64encode(b"certifier:pa55word!").decode()
    _, printed, _ = profile_import(change_me(tmp_path, headers={"Authorization": f"Basic {basic}"}))
    assert yaml.safe_load(printed)["auth"] == {
        "type": "basic", "username": "certifier", "password_env": "TMF622_PASSWORD"
    }  # fmt: skip
    assert "pa55word" not in printed
    assert basic not in printed
    _, printed, _ = profile_import(change_me(tmp_path, headers={"X-API-Key": "k-123456789"}))
    assert yaml.safe_load(printed)["auth"] == {
        "type": "api_key", "api_key_env": "TMF622_API_KEY", "header": "X-API-Key"
    }  # fmt: skip
    assert "k-123456789" not in printed


def test_the_postman_environment_gives_the_api_root_and_says_what_it_leaves(tmp_path: Path) -> None:
    path = postman_env(
        tmp_path,
        [
            {"key": "Product_Ordering", "value": " http://localhost:8622/tmf-api/x/v4/", "enabled": True},
            {"key": "IDPO01", "value": "42", "enabled": True},
            {"key": "Product_Ordering", "value": "http://ignored/", "enabled": False},
        ],
    )
    code, printed, _ = profile_import(path)
    assert code == 0
    document = yaml.safe_load(printed)
    assert (document["api_version"], document["target"]) == (
        "4.0.0",
        target_section("http://localhost:8622/tmf-api/x/v4/"),
    )
    assert "# Not carried over: values[1] (IDPO01): captured by N1 at run time" in printed
    profile = resolve_profile(layered({"from_official": str(path)}, {}))
    assert profile.target.api_url == "http://localhost:8622/tmf-api/x/v4/"
    assert profile.api_version == "4.0.0"


@pytest.mark.parametrize(
    ("content", "fault"),
    [
        ("{not json", "not JSON at line 1, column 2"),
        ('{"headers": {}}', "neither the v5 kit's CHANGE_ME.json"),
        ('{"url": "localhost:8622/v5"}', "url: must be the API's http(s) URL"),
        ('{"url": "http://h/v5/", "headers": ["Accept"]}', "headers: must map header names to text values"),
        ('{"url": "http://h/v5/", "payloads": {"ProductOrder": {"POST": {"payload": []}}}}',
         "payloads.ProductOrder.POST.payload: must be a JSON object"),
        ('{"url": "http://h/v5/", "payloads": {"ProductOrder": {"POST": {"payload": {"@type": "ProductOrder",'
         ' "productOrderItem": [{"id": "1", "action": "grab", "@type": "ProductOrderItem"}]}}}}}',
         "payloads.ProductOrder.POST.payload $.productOrderItem[0]"),
        ('{"url": "http://h/v5/", "headers": {"Authorization": "Bearer abcdefgh", "X-Api-Key": "k"}}',
         "headers.X-Api-Key: a second credential header"),
        ('{"values": [{"key": "Product_Ordering", "value": "http://h/"}, {"value": "x"}]}',
         "values[1].key: missing or not text"),
        ('{"values": [{"key": "other", "value": "x"}]}', "values: no enabled Product_Ordering variable"),
        ('{"values": [{"key": "Product_Ordering", "value": "{{host}}/v4/"}]}',
         "values[0]: must be the API's http(s) URL"),
    ],
)  # fmt: skip
def test_a_bad_file_is_exit_2_naming_the_key(tmp_path: Path, content: str, fault: str) -> None:
    path = tmp_path / "official.json"
    path.write_text(content, encoding="utf-8")
    code, printed, told = profile_import(path)
    assert (code, printed) == (2, "")
    assert told.count("\n") == 1
    assert told.startswith(f"tmf622-ctk: {path}: ")
    assert fault in told


def test_from_official_and_profile_together_are_refused(tmp_path: Path) -> None:
    given = layered({"from_official": str(change_me(tmp_path)), "profile": "p.yaml"}, {})
    with pytest.raises(ProfileError, match=r"--from-official .*--profile .*not both"):
        resolve_profile(given)


def test_a_bad_file_given_to_a_run_is_exit_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = change_me(tmp_path, headers={"Accept": 1})
    with pytest.raises(SystemExit) as stopped:
        cli.main(["--from-official", str(path)])
    assert stopped.value.code == 2
    told = capsys.readouterr().err
    assert told.startswith(f"tmf622-ctk: {path}: headers: must map header names to text values")
    assert told.count("\n") == 1


def test_the_command_line_still_overrides_the_official_file(tmp_path: Path) -> None:
    given = layered({"from_official": str(change_me(tmp_path)), "level": "ctk", "timeout": "3"}, {})
    profile = resolve_profile(given)
    assert (profile.api_version, profile.timeouts.read) == ("5.0.0", 3.0)


def test_from_official_runs_the_v5_kit_and_masks_the_file_s_secret(tmp_path: Path) -> None:
    with running_mock() as url:
        v5 = url.replace("/v4", "/v5") + "/"
        headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
        path = change_me(tmp_path, url=v5, headers=headers)
        done = subprocess.run(  # the installed command, as a certifier runs it
            [str(BIN / "tmf622-ctk"), "--from-official", str(path), "--no-allure-html", "--reports-dir", "r"],
            cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
            env={k: v for k, v in os.environ.items() if not k.startswith("TMF622_")},
        )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    summary = json.loads((tmp_path / "r" / "summary.json").read_text(encoding="utf-8"))
    assert (summary["ctkVersion"], summary["verdict"]) == ("5.0.0", "pass")
    for written in [done.stdout, done.stderr, *(p.read_text("utf-8") for p in (tmp_path / "r").rglob("*.*"))]:
        assert TOKEN not in written


# TM Forum's own files ----------------------------------------------------------------------------------


def official(variable: str, folder: str, name: str, unavailable: Callable[[str], NoReturn]) -> Path:
    path = Path(os.environ.get(variable) or REPO.parent / "shared" / "reference" / folder) / name
    if not path.is_file():
        unavailable(f"TM Forum's {name} is not at {path}: set {variable}")
    return path


def test_tm_forum_s_change_me_json_imports_as_it_is(ctk_unavailable: Callable[[str], NoReturn]) -> None:
    path = official("TMF622_CTK5_DIR", "ctk-5.0.0", "CHANGE_ME.json", ctk_unavailable)
    code, printed, told = profile_import(path)
    assert code == 0, told
    document = yaml.safe_load(printed)
    assert document["api_version"] == "5.0.0"
    payloads = json.loads(path.read_text("utf-8"))["payloads"]
    assert document["payload"] == payloads["ProductOrder"]["POST"]["payload"]
    assert document["target"] == target_section("http://localhost:8622/tmf-api/productOrdering/v5/")


def test_tm_forum_s_postman_environment_imports_as_it_is(ctk_unavailable: Callable[[str], NoReturn]) -> None:
    path = official("TMF622_CTK_DIR", "ctk-4.0.0", "TMFENV-V4.0.0.postman_environment.json", ctk_unavailable)
    imported = read_official(path)
    assert imported.document["target"] == target_section("http://localhost/tmf-api/")
    assert (imported.document["api_version"], imported.secrets) == ("4.0.0", {})
