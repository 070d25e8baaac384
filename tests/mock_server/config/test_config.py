"""Configuration: flags > TMF622_MOCK_* variables > YAML file > defaults, for every Settings field."""

from __future__ import annotations

import dataclasses
import os
import queue
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml

from mock_server.__main__ import build_parser, options, parse_settings
from mock_server.config.options import OPTIONS
from mock_server.config.settings import Settings
from mock_server.versions import VERSIONS
from tests.support.mock.switches import cli_settings

EXAMPLES = Path(__file__).resolve().parents[3] / "scenarios" / "mock"
READY = re.compile(
    r"^tmf622-mock listening on http://127\.0\.0\.1:(?P<port>\d+)(?P<base>/\S*) \(ready in \d+\.\d\d s\)\n$"
)
TIMEOUT_S = 20


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    """Existing files for the options that must name one."""
    names = {"seed_a": "a.yaml", "seed_b": "b.json", "progression": "p.yaml", "faults": "f.yaml"}
    paths = {key: tmp_path / name for key, name in names.items()}
    for path in paths.values():
        path.write_text("", encoding="utf-8")
    paths["faults"].write_text("rules:\n  - route: GET /productOrder\n    status: 503\n", encoding="utf-8")
    return {key: str(path) for key, path in paths.items()} | {"sqlite": str(tmp_path / "m.db")}


def every_field(files: dict[str, str]) -> dict[str, Any]:
    """A non-default value for each Settings field, as the YAML file writes it."""
    return {
        "host": "::1",
        "port": 9000,
        "base_path": "/x/v4",
        "v5_base_path": "/x/v5",
        "serve_v4": False,
        "serve_v5": False,
        "public_url": "https://api.example",
        "max_body_bytes": 2048,
        "body_timeout": 2.5,
        "default_limit": 10,
        "max_limit": 20,
        "sqlite": files["sqlite"],
        "seed": [files["seed_a"], files["seed_b"]],
        "deterministic": True,
        "clock_start": "2030-05-01T12:00:00.000Z",
        "auto_progress": True,
        "progress_delay": 0.25,
        "progression_file": files["progression"],
        "notify_attempts": 2,
        "notify_timeout": 1.5,
        "notify_backoff": 0.05,
        "notify_queue_size": 50,
        "notify_queue_bytes": 4096,
        "notify_breaker_failures": 3,
        "notify_breaker_cooldown": 0.5,
        "faults": files["faults"],
        "faults_enabled": True,
        "api_key_header": "X-Gateway-Key",
        "allowed_hosts": "mock.example.com, Orders.Example:8443",
        "cors_origins": "https://app.example.com, http://localhost:3000",
        "journal_size": 7,
    }


def expected(files: dict[str, str]) -> Settings:
    return cli_settings(
        switches={
            "v4": {"base_path": "/x/v4", "served": False},
            "v5": {"base_path": "/x/v5", "served": False},
        },
        host="::1",
        port=9000,
        public_url="https://api.example",
        max_body_bytes=2048,
        body_timeout_s=2.5,
        default_limit=10,
        max_limit=20,
        sqlite_path=files["sqlite"],
        seed_files=(files["seed_a"], files["seed_b"]),
        deterministic=True,
        clock_start="2030-05-01T12:00:00.000Z",
        auto_progress=True,
        progress_delay_s=0.25,
        progression_file=files["progression"],
        notify_attempts=2,
        notify_timeout_s=1.5,
        notify_backoff_s=0.05,
        notify_queue_size=50,
        notify_queue_bytes=4096,
        notify_breaker_failures=3,
        notify_breaker_cooldown_s=0.5,
        faults_file=files["faults"],
        faults_enabled=True,
        api_key_header="X-Gateway-Key",
        allowed_hosts=("mock.example.com", "orders.example:8443"),
        cors_origins=("https://app.example.com", "http://localhost:3000"),
        journal_size=7,
    )


def as_argv(values: dict[str, Any]) -> list[str]:
    argv: list[str] = []
    for name, value in values.items():
        flag = f"--{name.replace('_', '-')}"
        if isinstance(value, bool):
            argv.append(flag if value else f"--no-{flag[2:]}")
        elif isinstance(value, list):
            for item in value:
                argv += [flag, item]
        else:
            argv += [flag, str(value)]
    return argv


def as_environ(values: dict[str, Any]) -> dict[str, str]:
    def text(value: Any) -> str:
        if isinstance(value, list):
            return os.pathsep.join(value)
        return str(value).lower() if isinstance(value, bool) else str(value)

    return {f"TMF622_MOCK_{name.upper()}": text(value) for name, value in values.items()}


def write_yaml(tmp_path: Path, data: Any, name: str = "mock.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


def test_every_settings_field_has_exactly_one_option() -> None:
    """The core's fields from the core's rows; `versions` from the plug-ins' rows, two each."""
    core = [field.name for field in dataclasses.fields(Settings) if field.name != "versions"]
    assert sorted(option.field for option in OPTIONS) == sorted(core)
    assert len({option.name for option in options()}) == len(options())
    rows = [(option.version, option.field) for option in options() if option.version]
    assert sorted(rows) == sorted((v.label, part) for v in VERSIONS for part in ("base_path", "served"))


def test_every_field_from_flags(files: dict[str, str]) -> None:
    assert parse_settings(as_argv(every_field(files)), environ={}) == expected(files)


def test_every_field_from_environment(files: dict[str, str]) -> None:
    assert parse_settings([], environ=as_environ(every_field(files))) == expected(files)


def test_every_field_from_the_yaml_file(files: dict[str, str], tmp_path: Path) -> None:
    config = write_yaml(tmp_path, every_field(files))
    assert parse_settings(["--config", config], environ={}) == expected(files)
    assert parse_settings([], environ={"TMF622_MOCK_CONFIG": config}) == expected(files)


def test_nothing_given_is_the_defaults() -> None:
    assert parse_settings([], environ={}) == cli_settings()


def test_flag_beats_environment_beats_file_beats_default(tmp_path: Path) -> None:
    config = write_yaml(tmp_path, {"port": 1001, "max_limit": 77, "default_limit": 7, "deterministic": True})
    environ = {"TMF622_MOCK_CONFIG": config, "TMF622_MOCK_PORT": "1002", "TMF622_MOCK_MAX_LIMIT": "88"}
    settings = parse_settings(["--port", "1003", "--no-deterministic"], environ=environ)
    assert settings.port == 1003  # flag over environment and file
    assert settings.max_limit == 88  # environment over file
    assert settings.default_limit == 7  # file over default
    assert settings.deterministic is False  # --no-<flag> turns off what the file turned on
    assert settings.host == "127.0.0.1"  # default
    assert parse_settings([], environ=environ).port == 1002


def test_config_flag_beats_config_variable(tmp_path: Path) -> None:
    by_flag = write_yaml(tmp_path, {"port": 1}, "flag.yaml")
    by_env = write_yaml(tmp_path, {"port": 2}, "env.yaml")
    assert parse_settings(["--config", by_flag], environ={"TMF622_MOCK_CONFIG": by_env}).port == 1


def test_a_list_from_a_higher_layer_replaces_the_lower_one(files: dict[str, str], tmp_path: Path) -> None:
    config = write_yaml(tmp_path, {"seed": [files["seed_a"], files["seed_b"]]})
    settings = parse_settings(["--config", config, "--seed", files["seed_b"]], environ={})
    assert settings.seed_files == (files["seed_b"],)


def test_empty_variables_and_yaml_nulls_count_as_unset(tmp_path: Path) -> None:
    config = write_yaml(tmp_path, {"public_url": None, "sqlite": None, "seed": None})
    settings = parse_settings(["--config", config], environ={"TMF622_MOCK_PORT": "", "TMF622_MOCK_HOST": " "})
    assert settings == cli_settings()


def test_yaml_scalars_may_be_quoted_and_timestamps_unquoted(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        'port: "8700"\nclock_start: 2030-01-01T00:00:00Z\nfaults_enabled: "yes"\n', encoding="utf-8"
    )
    settings = parse_settings(["--config", str(path)], environ={})
    assert (settings.port, settings.faults_enabled) == (8700, True)
    assert settings.clock_start.startswith("2030-01-01T00:00:00")


def run_bad(argv: list[str], environ: dict[str, str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        parse_settings(argv, environ=environ)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        ({"prot": 1}, ["unknown key 'prot'", "did you mean 'port'?"]),
        ({"sqlite_path": "x.db"}, ["unknown key 'sqlite_path'", "did you mean 'sqlite'?"]),
        ({"zzz": 1}, ["unknown key 'zzz'", "known keys: host, port"]),
        ({"port": "http"}, [": port: 'http' is not a whole number from 0 to 65535"]),
        ({"port": True}, [": port: True is a boolean"]),
        ({"port": None}, [": port: needs a value"]),
        ({"host": {"a": 1}}, [": host: expects one value, not a mapping"]),
        ({"deterministic": "maybe"}, ["deterministic: 'maybe' is not a boolean; use true or false"]),
        ({"notify_timeout": 0}, ["notify_timeout: '0' is not a number of seconds above 0"]),
        ({"seed": ["missing.yaml"]}, ["seed: file 'missing.yaml' does not exist"]),
        ({"clock_start": "2030-01-01T00:00:00"}, ["clock_start: '2030-01-01T00:00:00' has no offset"]),
        ({"public_url": "ftp://x"}, ["public_url: public URL 'ftp://x' must be scheme://host[:port]"]),
        ([1, 2], ["must be a mapping of option names to values"]),
    ],
)
def test_bad_yaml_is_one_line_naming_the_key(
    data: Any, fragments: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_yaml(tmp_path, data)
    err = run_bad(["--config", config], {}, capsys)
    assert err.count("\n") == 1, err
    assert err.startswith(f"tmf622-mock: error: config file {config!r}")
    for fragment in fragments:
        assert fragment in err


def test_unreadable_or_broken_config_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "cannot read it" in run_bad([], {"TMF622_MOCK_CONFIG": str(tmp_path / "none.yaml")}, capsys)
    broken = tmp_path / "broken.yaml"
    broken.write_text("port: [1,\n", encoding="utf-8")
    assert "not valid YAML at line" in run_bad(["--config", str(broken)], {}, capsys)


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("TMF622_MOCK_PORT", "70000", "TMF622_MOCK_PORT: 70000 is not a whole number from 0 to 65535"),
        ("TMF622_MOCK_DETERMINISTIC", "sure", "TMF622_MOCK_DETERMINISTIC: 'sure' is not a boolean"),
        ("TMF622_MOCK_PROGRESS_DELAY", "-1", "TMF622_MOCK_PROGRESS_DELAY: '-1' is not a number of seconds"),
        ("TMF622_MOCK_NOTIFY_ATTEMPTS", "0", "TMF622_MOCK_NOTIFY_ATTEMPTS: 0 is not a whole number from 1"),
        ("TMF622_MOCK_BASE_PATH", "/a/../b", "TMF622_MOCK_BASE_PATH: base path '/a/../b'"),
        ("TMF622_MOCK_SQLITE", "/no/such/dir/m.db", "TMF622_MOCK_SQLITE: directory '/no/such/dir'"),
        ("TMF622_MOCK_FAULTS", "/no/such/faults.yaml", "TMF622_MOCK_FAULTS: file '/no/such/faults.yaml'"),
    ],
)
def test_bad_variable_is_one_line_naming_it(
    variable: str, value: str, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = run_bad([], {variable: value}, capsys)
    assert err.count("\n") == 1, err
    assert fragment in err
    assert "see tmf622-mock --help" in err


def test_a_broken_faults_file_stops_the_start(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    faults = write_yaml(tmp_path, {"rules": [{"route": "GET /productOrder", "stauts": 503}]}, "faults.yaml")
    err = run_bad(["--faults", faults], {}, capsys)
    assert "unknown key 'stauts'" in err


def test_cross_field_errors_name_their_sources(capsys: pytest.CaptureFixture[str]) -> None:
    err = run_bad(["--default-limit", "50"], {"TMF622_MOCK_MAX_LIMIT": "5"}, capsys)
    assert "usage: tmf622-mock" in err
    assert "need 1 <= default_limit <= max_limit (set by TMF622_MOCK_MAX_LIMIT, --default-limit)" in err


def test_two_served_versions_cannot_share_a_base_path(capsys: pytest.CaptureFixture[str]) -> None:
    """Each plug-in's path comes from its own row; the clash is refused naming every source of it."""
    clash = {"TMF622_MOCK_V5_BASE_PATH": "/api"}
    err = run_bad(["--base-path", "/api"], clash, capsys)
    assert "v4 and v5 cannot share the base path '/api' (set by TMF622_MOCK_V5_BASE_PATH, --base-path)" in err
    assert (
        parse_settings(["--base-path", "/api", "--no-serve-v5"], environ=clash).versions["v4"].base_path
        == "/api"
    )


def test_help_names_every_flag_variable_and_default(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    for option in options():
        shown = re.search(rf"{option.flag}(?![\w-])", text) is not None
        assert shown is not option.secret  # a secret has no flag (it would show in `ps`)
        assert option.env in text
    for shown in ("--config FILE", "TMF622_MOCK_CONFIG", "default: 8622", "default: off", "default: none"):
        assert shown in text
    assert "Precedence: flag > environment > config file > default" in text


def test_the_example_config_file_is_valid_and_all_defaults() -> None:
    example = str(EXAMPLES / "mock.example.yaml")
    data = yaml.safe_load(Path(example).read_text(encoding="utf-8"))
    assert set(data) == {option.name for option in options() if not option.secret}  # every key of a file
    assert parse_settings(["--config", example], environ={}) == cli_settings()


def test_the_real_command_reads_its_environment(tmp_path: Path) -> None:
    config = write_yaml(tmp_path, {"base_path": "/from/file", "host": "127.0.0.1"})
    environ = {**os.environ, "TMF622_MOCK_CONFIG": config, "TMF622_MOCK_PORT": "0"}
    environ.pop("TMF622_MOCK_BASE_PATH", None)
    command = [sys.executable, "-m", "mock_server"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environ
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        line = lines.get(timeout=TIMEOUT_S)
        match = READY.match(line)
        assert match, line
        assert match["base"] == "/from/file"
        assert int(match["port"]) > 0
    finally:
        process.terminate()
        process.communicate(timeout=TIMEOUT_S)
    assert process.returncode == 0


SECRETS = {
    "TMF622_MOCK_API_TOKEN": "token-1234567",
    "TMF622_MOCK_API_KEY": "key-12345678",
    "TMF622_MOCK_CONTROL_TOKEN": "control-12345",
}


def test_secrets_come_from_the_environment_and_stay_out_of_repr() -> None:
    settings = parse_settings([], environ=SECRETS)
    assert (settings.api_token, settings.api_key, settings.control_token) == tuple(SECRETS.values())
    for secret in SECRETS.values():
        assert secret not in repr(settings)


def test_a_secret_is_refused_as_a_flag_or_a_file_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "unrecognized arguments: --api-token" in run_bad(["--api-token", "token-1234567"], {}, capsys)
    config = write_yaml(tmp_path, {"control_token": "control-12345"})
    err = run_bad(["--config", config], {}, capsys)
    assert "'control_token' is a secret; set TMF622_MOCK_CONTROL_TOKEN in the environment instead" in err
    assert "control-12345" not in err


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("TMF622_MOCK_API_TOKEN", "short", "TMF622_MOCK_API_TOKEN: is shorter than 8 characters"),
        ("TMF622_MOCK_ALLOWED_HOSTS", "a.example/x", "'a.example/x' is not host or host:port"),
        ("TMF622_MOCK_CORS_ORIGINS", "app.example", "'app.example' is not an origin"),
        ("TMF622_MOCK_API_KEY_HEADER", "X Key", "'X Key' is not a header name"),
        ("TMF622_MOCK_JOURNAL_SIZE", "-1", "-1 is not a whole number from 0"),
    ],
)
def test_bad_sharing_values_are_one_line_and_never_echo_a_secret(
    variable: str, value: str, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = run_bad([], {variable: value}, capsys)
    assert fragment in err
    assert "'short'" not in err


def test_list_options_take_a_yaml_list_too(tmp_path: Path) -> None:
    config = write_yaml(tmp_path, {"allowed_hosts": ["A.example", "b.example:80"], "cors_origins": ["*"]})
    settings = parse_settings(["--config", config], environ={})
    assert (settings.allowed_hosts, settings.cors_origins) == (("a.example", "b.example:80"), ("*",))


def test_a_secret_on_the_command_line_is_refused_not_taken_for_a_longer_flag(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--api-key` is no flag (secrets come from the environment or a file); argparse's prefix matching
    took it for `--api-key-header`, and the mock started open while its user believed it locked."""
    err = run_bad(["--api-key", "s3cret-key"], {}, capsys)
    assert "unrecognized arguments: --api-key" in err
