"""Every command example of the README, run as a reader would run it, so the README cannot rot.

The blocks are read from README.md itself: changing an example there changes what this file runs. Hosts a
reader would replace (api.example.com, 127.0.0.1:8622) are replaced by a mock started for the test.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

from ctk_suite.config.profile import load_profile
from tests.support.mock_process import running_mock

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent
DOCUMENTED_PORT = "127.0.0.1:8622"


def blocks(language: str) -> list[str]:
    """The README's fenced blocks of one language, in order."""
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def commands(block: str) -> Iterator[str]:
    """The command lines of a shell block: continuation lines joined, `$ ` prompts and comments dropped."""
    for raw in block.replace("\\\n", " ").splitlines():
        line = raw.removeprefix("$ ").split("   #")[0].strip()
        if line and not line.startswith("#"):
            yield line


def block_with(text: str, language: str = "sh") -> str:
    return next(block for block in blocks(language) if text in block)


def run(
    line: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """One README line, with `.venv/bin/` meaning this interpreter's venv."""
    argv = [
        str(BIN / word.removeprefix(".venv/bin/")) if word.startswith(".venv/bin/") else word
        for word in shlex.split(line)
    ]
    return subprocess.run(  # the README's own commands
        argv,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_the_two_commands_open_the_readme_and_are_make_targets() -> None:
    first = blocks("sh")[0]
    assert [c.split()[:2] for c in commands(first)] == [["make", "ctk"], ["make", "test"]]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^ctk: bootstrap", makefile, re.M)
    test = re.search(r"^test: bootstrap-dev.*\n((?:\t.*\n)+)", makefile, re.M)
    assert test is not None
    assert "lint typecheck" in test.group(1)  # beside pytest, whose status is the target's with theirs
    assert "$(MAKE) --no-print-directory pytest" in test.group(1)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")  # CI runs the second one


def test_quick_start_against_an_endpoint(tmp_path: Path) -> None:
    line = next(commands(block_with("--base-url https://api.example.com")))
    with running_mock() as url:  # the reader's endpoint
        done = run(
            line.replace("https://api.example.com/tmf-api/productOrderingManagement/v4/", url + "/")
            + " --no-allure-html",
            tmp_path,
        )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "tmf622-ctk: CTK 4.0.0 63/63: PASS" in done.stdout.splitlines()
    assert (tmp_path / "reports" / "summary.json").is_file()


def test_the_profile_example_is_a_valid_profile_and_its_command_parses(tmp_path: Path) -> None:
    profile = yaml.safe_load(block_with("client_secret_env: TMF622_CLIENT_SECRET", "yaml"))
    profile["tls"].pop("ca_bundle")  # a file the reader has; this test has none
    (tmp_path / "acme-staging.yaml").write_text(yaml.safe_dump(profile), encoding="utf-8")
    loaded = load_profile(tmp_path / "acme-staging.yaml", {"TMF622_CLIENT_SECRET": "x"})
    assert (loaded.name, loaded.auth.type) == ("acme-staging", "oauth2")
    export, line = list(commands(block_with("--profile acme-staging.yaml")))
    assert export.startswith("export TMF622_CLIENT_SECRET=")
    from ctk_suite import cli

    parsed = cli.build_parser().parse_args(shlex.split(line)[1:])
    assert (parsed.profile, parsed.level, parsed.baseline) == (
        "acme-staging.yaml",
        "all",
        "last-good/summary.json",
    )


def test_the_mock_prints_the_documented_ready_line(tmp_path: Path) -> None:
    line, printed = block_with("tmf622-mock --port 8622").strip().splitlines()
    process = subprocess.Popen(
        [str(BIN / "tmf622-mock"), *shlex.split(line.removeprefix("$ "))[1:-1], "0"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    with process.stdout:
        try:
            ready = process.stdout.readline().strip()
        finally:
            process.terminate()
            process.wait(timeout=10)
    pattern = re.escape(printed).replace("8622", r"\d+").replace("0\\.41", r"\d+\.\d\d")
    assert re.fullmatch(pattern, ready), ready


def test_openapi_health_and_fault_examples(tmp_path: Path) -> None:
    health_block = block_with("/health")
    faults = block_with("X-Mock-Fault: status=503")
    with running_mock("--faults-enabled") as url:
        port = url.split("/")[2]
        for line in commands(health_block.replace(DOCUMENTED_PORT, port)):
            if line.startswith("curl"):
                done = run(line, tmp_path)
                assert done.returncode == 0, line
                body = json.loads(done.stdout)
                if line.endswith(f"{port}/openapi.json"):  # the root: the list of documents
                    assert [each["name"] for each in body["documents"]] == ["v4", "v5"]
                elif "openapi" in line:
                    assert body["openapi"] == "3.1.0"
                else:
                    assert set(body) >= {"status", "store", "orders", "versions"}
        base = url
        for line in commands(faults):
            if not line.startswith("curl") or "latency" in line:
                continue  # BASE= and the mock's own start line are the fixture's; latency is slow by design
            done = run(line.replace("$BASE", base).replace('"', ""), tmp_path, timeout=30)
            if "status=503" in line:
                assert "503" in done.stdout.splitlines()[0]
                assert '"code":"503"' in done.stdout.replace(" ", "")
            elif "drop" in line:
                assert done.returncode == 52  # curl: Empty reply from server, as the README says
            elif "malformed" in line:
                assert done.stdout.splitlines()[0].split()[1] == "200"


def test_the_official_kit_example_names_the_variable_the_tests_read() -> None:
    line = next(commands(block_with("TMF622_CTK_DIR=")))
    assert line.startswith("TMF622_CTK_DIR=")
    assert line.endswith("make test")
    assert "TMF622_CTK_DIR" in (ROOT / "tests" / "conftest.py").read_text(encoding="utf-8")


def test_v5_patch_examples_one_per_media_type(tmp_path: Path) -> None:
    """Issue 20: the README's v5 PATCH bodies, each media type, run against a mock."""
    assignment, create, *patches = commands(block_with("json-patch-query+json"))
    with running_mock() as url:
        v5 = assignment.split("=", 1)[1].replace(DOCUMENTED_PORT, url.split("/")[2])
        created = run(create.replace("$V5", v5), tmp_path)
        order = json.loads(created.stdout)
        assert order["state"] == "draft", created.stdout
        media_types = []
        for line in patches:
            done = run(line.replace("$V5", v5).replace("$ID", order["id"]), tmp_path)
            answer = json.loads(done.stdout)
            assert answer.get("@type") == "ProductOrder", (line, done.stdout)
            media_types.append(shlex.split(line)[shlex.split(line).index("-H") + 1].split(": ")[1])
    assert media_types == [
        "application/merge-patch+json",
        "application/json",
        "application/json-patch+json",
        "application/json-patch-query+json",
    ]
    assert (answer["description"], answer["productOrderItem"][0]["quantity"]) == ("second change", 2)


def test_the_python_api_example_runs(tmp_path: Path) -> None:
    example = block_with("with Tmf622Mock(", "python")
    done = subprocess.run(  # the README's own example
        [sys.executable, "-c", example], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    v4, v5 = done.stdout.split()
    assert v4.endswith("/v4")
    assert v5.endswith("/v5")


def test_profile_import_then_run_with_the_profile(tmp_path: Path) -> None:
    imported, run_line = commands(block_with("tmf622-ctk profile import CHANGE_ME.json"))
    token = "readme-token-0123456789"
    path = {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}  # the block runs them by name
    with running_mock() as url:  # the certifier's v5 server
        change_me = {"url": url.replace("/v4", "/v5"), "headers": {"Authorization": f"Bearer {token}"}}
        (tmp_path / "CHANGE_ME.json").write_text(json.dumps(change_me), encoding="utf-8")
        command, _, target = imported.partition(" > ")
        done = run(command, tmp_path, env=path)
        assert done.returncode == 0, done.stderr
        assert token not in done.stdout + done.stderr
        (tmp_path / target).write_text(done.stdout, encoding="utf-8")
        assert yaml.safe_load(done.stdout)["auth"] == {"type": "bearer", "token_env": "TMF622_TOKEN"}
        ran = run(run_line + " --no-allure-html", tmp_path, env={**path, "TMF622_TOKEN": token})
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-2000:]
    assert any(line.startswith("tmf622-ctk: CTK 5.0.0 ") for line in ran.stdout.splitlines())


def test_the_install_block_installs_from_the_repository() -> None:
    lines = list(commands(block_with("npm install -g allure@")))
    assert "git+https://" in lines[0]
    assert lines[1].startswith("pip wheel --no-deps --wheel-dir dist . && pip install dist/")
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]["allure"]
    assert lines[2] == f"npm install -g allure@{pinned}"


def test_the_one_test_command_names_a_test_and_a_folder_that_exist() -> None:
    one, folder = commands(block_with("-p no:cacheprovider"))
    path, name = next(word for word in one.split() if "::" in word).split("::")
    assert f"def {name}(" in (ROOT / path).read_text(encoding="utf-8")
    assert (ROOT / folder.split()[1]).is_dir()
