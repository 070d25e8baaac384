"""Target profiles: loading, one-line errors naming the key, payload validation, command-line overrides."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from ctk_suite.config.profile import (
    OrderDateQuoting,
    ProfileError,
    bundled_profile,
    load_profile,
    merge_cli_overrides,
)
from ctk_suite.core.levels import Level
from ctk_suite.http.settings import BearerConfig, OAuth2Config

ENV = {"TMF_TOKEN": "tok-3f9a1c77e2", "TMF_CLIENT_SECRET": "cs-9b2e44d1a0"}

FULL = """\
name: acme
target:
  base_url: https://api.example.com
  api_path: /tmf/v4
headers:
  X-Tenant: acme
auth:
  type: oauth2
  token_url: https://login.example.com/token
  client_id: ctk
  client_secret_env: TMF_CLIENT_SECRET
  scope: tmf622
tls:
  ca_bundle: certs/ca.pem
  client_cert: certs/client.pem
  client_key: certs/client.key
proxy: http://proxy.example.com:3128
timeouts: {connect: 2, read: 7.5}
payload_file: payloads/order.json
levels: [ctk, extended-optional]
order_date_quoting: single
cleanup: false
"""

PAYLOAD = {
    "productOrderItem": [{"id": "1", "action": "add", "productOffering": {"id": "PO-1"}}],
    "relatedParty": [{"id": "C-1", "@referredType": "Individual"}],
}

MINIMAL = """\
target: {base_url: "https://api.example.com"}
auth: {type: bearer, token_env: TMF_TOKEN}
payload: {productOrderItem: [{id: "1", action: add}]}
"""


def write(folder: Path, text: str, name: str = "profile.yaml") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def full_profile(tmp_path: Path) -> Path:
    for name in ("ca.pem", "client.pem", "client.key"):
        write(tmp_path / "certs", "-----BEGIN CERTIFICATE-----\n", name)
    write(tmp_path / "payloads", json.dumps(PAYLOAD), "order.json")
    return write(tmp_path, FULL)


def load_error(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as caught:
        load_profile(path, env=ENV if env is None else env)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message.removeprefix(f"{path}: ")


def test_full_profile_loads_with_paths_relative_to_the_file(full_profile: Path) -> None:
    profile = load_profile(full_profile, env=ENV)

    assert profile.name == "acme"
    assert profile.target.api_url == "https://api.example.com/tmf/v4/"
    assert dict(profile.headers) == {"X-Tenant": "acme"}
    assert isinstance(profile.auth, OAuth2Config)
    assert (profile.auth.token_url, profile.auth.client_id, profile.auth.scope) == (
        "https://login.example.com/token",
        "ctk",
        "tmf622",
    )
    assert profile.auth.client_secret.value == ENV["TMF_CLIENT_SECRET"]
    assert profile.tls.verify is True
    assert profile.tls.ca_bundle == full_profile.parent / "certs" / "ca.pem"
    assert profile.tls.client_key == full_profile.parent / "certs" / "client.key"
    assert dict(profile.proxies) == {
        "http": "http://proxy.example.com:3128",
        "https": "http://proxy.example.com:3128",
    }
    assert profile.timeouts.as_requests() == (2.0, 7.5)
    assert profile.payload() == PAYLOAD
    assert profile.levels == (Level.CTK, Level.EXTENDED_OPTIONAL)
    assert profile.order_date_quoting.quote("2026-01-01T00:00:00Z") == "'2026-01-01T00:00:00Z'"
    assert profile.cleanup is False
    assert profile.secret_values() == (ENV["TMF_CLIENT_SECRET"],)


def test_defaults_of_a_minimal_profile(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, MINIMAL), env=ENV)

    assert profile.name == "profile"
    assert profile.target.api_url == "https://api.example.com/"  # base_url is the API root (issue 19.1)
    assert isinstance(profile.auth, BearerConfig)
    assert profile.tls.verify is True
    assert profile.tls.ca_bundle is None
    assert profile.timeouts.as_requests() == (10.0, 30.0)
    assert profile.levels == (Level.CTK,)
    assert profile.order_date_quoting is OrderDateQuoting.NONE
    assert profile.order_date_quoting.quote("2026") == "2026"
    assert profile.cleanup is True


def test_secrets_never_show_in_repr_or_str(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, MINIMAL), env=ENV)

    assert ENV["TMF_TOKEN"] not in repr(profile)
    assert isinstance(profile.auth, BearerConfig)
    assert f"{profile.auth.token}" == "***"
    assert "TMF_TOKEN" in repr(profile.auth)


def test_payload_is_a_fresh_copy_each_time(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, MINIMAL), env=ENV)
    first = profile.payload()
    first["productOrderItem"].clear()

    assert profile.payload()["productOrderItem"] == [{"id": "1", "action": "add"}]


def test_bundled_profiles_load() -> None:
    mock = load_profile(bundled_profile("mock"), env={})
    live = load_profile(bundled_profile("live-example"), env={"TMF622_CLIENT_SECRET": "example-secret"})

    assert mock.target.embedded_mock is True
    assert mock.levels == (Level.CTK,)  # tmf622-ctk without options runs the official CTK alone
    assert mock.payload()["productOrderItem"][0]["action"] == "add"
    assert live.target.api_url == "https://api.staging.example.com/tmf-api/productOrderingManagement/v4/"
    assert isinstance(live.auth, OAuth2Config)


def test_embedded_mock_url_is_unknown_until_overridden() -> None:
    mock = load_profile(bundled_profile("mock"), env={})
    with pytest.raises(ProfileError, match=r"override target\.base_url"):
        _ = mock.target.api_url

    running = merge_cli_overrides(mock, {"target.base_url": "http://127.0.0.1:8622/tmf-api/x/v4"})

    assert running.target.embedded_mock is False
    assert running.target.api_url == "http://127.0.0.1:8622/tmf-api/x/v4/"  # the API root, as given


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "auth.token_env: environment variable TMF_TOKEN is not set"),
        ({"TMF_TOKEN": ""}, "auth.token_env: environment variable TMF_TOKEN is empty"),
    ],
)
def test_missing_environment_variable_is_named(tmp_path: Path, env: dict[str, str], expected: str) -> None:
    assert load_error(tmp_path, MINIMAL, env) == expected


def test_missing_client_secret_variable_is_named(full_profile: Path) -> None:
    with pytest.raises(
        ProfileError, match=r"auth\.client_secret_env: environment variable TMF_CLIENT_SECRET is not set$"
    ):
        load_profile(full_profile, env={})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            MINIMAL + "colour: blue\n",
            "unknown key colour (allowed here: allow_incomplete, allure_html, api_version, auth, baseline, "
            "cleanup, har, headers, levels, listener, name, order_date_quoting, payload, payload_file, "
            "proxy, reports_dir, target, timeout, timeouts, tls, verdict)",
        ),
        (
            MINIMAL.replace("token_env: TMF_TOKEN", "token_env: TMF_TOKEN, scope: x"),
            "unknown key auth.scope (allowed here: token_env, type)",
        ),
        (
            MINIMAL + "tls: {verify: true, ca: x, key: y}\n",
            "unknown keys tls.ca, tls.key (allowed here: ca_bundle, client_cert, client_key, verify)",
        ),
    ],
)
def test_unknown_keys_are_named_with_their_path(tmp_path: Path, text: str, expected: str) -> None:
    assert load_error(tmp_path, text) == expected


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        ("token_env: TMF_TOKEN", "token: abc", "auth.token: secrets are never written in a profile"),
        (
            "{type: bearer, token_env: TMF_TOKEN}",
            "{type: basic, username: u, password: p}",
            "auth.password: secrets",
        ),
        ('"https://api.example.com"', '"https://u:pw@api.example.com"', "target.base_url: secrets are never"),
        (
            "target:",
            "headers: {Authorization: Bearer abc}\ntarget:",
            "headers.Authorization: secrets are never",
        ),
    ],
)
def test_secrets_written_in_the_file_are_refused(
    tmp_path: Path, replace: str, by: str, expected: str
) -> None:
    assert load_error(tmp_path, MINIMAL.replace(replace, by)).startswith(expected)


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        (
            "token_env: TMF_TOKEN",
            "token_env: 1BAD",
            "auth.token_env: '1BAD' is not an environment variable name",
        ),
        (
            "{type: bearer, token_env: TMF_TOKEN}",
            "{type: oauth2, client_id: c}",
            "auth.token_url: required key is missing",
        ),
        ("{type: bearer, token_env: TMF_TOKEN}", "{type: kerberos}", "auth.type: 'kerberos' is not one of"),
        (
            '"https://api.example.com"',
            '"ftp://api.example.com"',
            "target.base_url: 'ftp://api.example.com' is not an http",
        ),
        ("target:", "levels: [ctk, extended]\ntarget:", "levels[1]: 'extended' is not one of"),
        (
            "target:",
            "timeouts: {read: 0}\ntarget:",
            "timeouts.read: 0 is less than or equal to the minimum of 0",
        ),
        ("target:", "cleanup: sometimes\ntarget:", "cleanup: 'sometimes' is not of type 'boolean'"),
        ("target:", "proxy: 3128\ntarget:", "proxy: give one http(s) URL"),
        (
            '{base_url: "https://api.example.com"}',
            "{embedded_mock: false}",
            "target: give either base_url or",
        ),
        (
            "payload: {",
            "payload_file: x.json\npayload: {",
            "payload: give the POST /productOrder body inline",
        ),
        ("target:", "tls: {client_key: k.pem}\ntarget:", "tls.client_key: needs tls.client_cert"),
    ],
)
def test_structure_faults_name_the_yaml_path(tmp_path: Path, replace: str, by: str, expected: str) -> None:
    assert load_error(tmp_path, MINIMAL.replace(replace, by)).startswith(expected)


def test_invalid_inline_payload_names_its_json_path(tmp_path: Path) -> None:
    text = MINIMAL.replace("action: add", "action: bogus")

    assert load_error(tmp_path, text) == (
        "payload $.productOrderItem[0].action: 'bogus' is not one of ['add', 'modify', 'delete', 'noChange'] "
        "(schema ProductOrder_Create)"
    )


def test_invalid_payload_file_names_the_file_and_json_path(tmp_path: Path) -> None:
    payload = write(tmp_path, json.dumps({"productOrderItem": [{"id": "1"}]}), "order.json")
    text = MINIMAL.replace(
        'payload: {productOrderItem: [{id: "1", action: add}]}', "payload_file: order.json"
    )

    message = load_error(tmp_path, text)

    assert message.startswith(
        f"payload_file {payload} $.productOrderItem[0]: 'action' is a required property"
    )


def test_unquoted_yaml_date_in_payload_gets_a_hint(tmp_path: Path) -> None:
    text = MINIMAL.replace("payload: {", "payload: {requestedStartDate: 2026-01-01T10:00:00Z, ")

    assert "payload $.requestedStartDate: " in load_error(tmp_path, text)
    assert "(quote dates in YAML)" in load_error(tmp_path, text)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({}, "payload_file: file not found: "),
        (
            {"order.json": '{"productOrderItem": [\n'},
            "payload_file {folder}/order.json: not JSON at line 2, column 1",
        ),
    ],
)
def test_payload_file_problems(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    for name, content in files.items():
        write(tmp_path, content, name)
    text = MINIMAL.replace(
        'payload: {productOrderItem: [{id: "1", action: add}]}', "payload_file: order.json"
    )

    assert load_error(tmp_path, text).startswith(expected.format(folder=tmp_path))


def test_missing_tls_file_is_named(tmp_path: Path) -> None:
    message = load_error(tmp_path, MINIMAL + "tls: {ca_bundle: nowhere/ca.pem}\n")

    assert message == f"tls.ca_bundle: file not found: {tmp_path / 'nowhere' / 'ca.pem'}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MINIMAL + "auth: {type: none}\n", "not valid YAML at line 4, column 1: duplicate key 'auth'"),
        ("target: [\n", "not valid YAML at line 2, column 1: "),
        ("- just a list\n", "a profile is a YAML mapping"),
    ],
)
def test_yaml_problems(tmp_path: Path, text: str, expected: str) -> None:
    assert load_error(tmp_path, text).startswith(expected)


def test_missing_profile_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"nope\.yaml: profile file not found$"):
        load_profile(tmp_path / "nope.yaml")


def test_command_line_overrides_win(
    full_profile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = load_profile(full_profile, env=ENV)
    other = tmp_path / "cli"
    write(other, json.dumps({"productOrderItem": [{"id": "9", "action": "modify"}]}), "other.json")
    monkeypatch.chdir(other)

    merged = merge_cli_overrides(
        profile,
        {
            "target.base_url": "https://other.example.com",
            "tls.verify": False,
            "timeouts.read": 60,
            "levels": ["extended-mandatory"],
            "cleanup": True,
            "order_date_quoting": "none",
            "headers": {"X-Trace": "1"},
            "payload_file": "other.json",
            "proxy": None,  # not given on the command line: the file's value stays
        },
    )

    assert merged.target.api_url == "https://other.example.com/tmf/v4/"
    assert merged.tls.verify is False
    assert merged.timeouts.as_requests() == (2.0, 60.0)
    assert merged.levels == (Level.EXTENDED_MANDATORY,)
    assert merged.cleanup is True
    assert merged.order_date_quoting is OrderDateQuoting.NONE
    assert dict(merged.headers) == {"X-Tenant": "acme", "X-Trace": "1"}
    assert merged.payload() == {"productOrderItem": [{"id": "9", "action": "modify"}]}
    assert merged.proxies == profile.proxies
    assert merged.auth == profile.auth
    assert merged.tls.ca_bundle == profile.tls.ca_bundle  # still relative to the profile, not the cwd
    assert profile.tls.verify is True  # the original is untouched


def test_no_overrides_gives_an_equal_profile(full_profile: Path) -> None:
    profile = load_profile(full_profile, env=ENV)

    assert merge_cli_overrides(profile, {"tls.verify": None}) == profile


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"auth.token_env": "X"},
            "unknown profile override 'auth.token_env' (known: allow_incomplete, allure_html, api_version, "
            "baseline, cleanup",
        ),
        ({"tls.verify": "no"}, "with command-line overrides: tls.verify: 'no' is not of type 'boolean'"),
        ({"levels": ["all"]}, "with command-line overrides: levels[0]: 'all' is not one of"),
        (
            {"payload_file": "/nowhere/order.json"},
            "with command-line overrides: payload_file: file not found",
        ),
    ],
)
def test_bad_overrides_are_refused(full_profile: Path, overrides: dict[str, Any], expected: str) -> None:
    profile = load_profile(full_profile, env=ENV)

    with pytest.raises(ProfileError) as caught:
        merge_cli_overrides(profile, overrides)

    assert expected in str(caught.value)


def test_payload_value_that_is_not_json_is_refused(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "action: add}", "action: add, product: {productCharacteristic: [{name: from, value: 2026-01-01}]}}"
    )

    assert load_error(tmp_path, text).startswith("payload: not JSON data (")


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"headers": "X-A: 1"}, "headers: 'X-A: 1' is not of type 'object'"),
        ({"payload_file": 42}, "payload_file: 42 is not of type 'string'"),
        ({"timeouts.read": float("inf")}, "timeouts.read: inf is greater than the maximum of 3600"),
    ],
)
def test_overrides_of_the_wrong_type_are_refused(
    full_profile: Path, overrides: dict[str, Any], expected: str
) -> None:
    profile = load_profile(full_profile, env=ENV)

    with pytest.raises(ProfileError) as caught:
        merge_cli_overrides(profile, overrides)

    assert str(caught.value) == f"{full_profile} with command-line overrides: {expected}"


def test_override_levels_may_be_a_tuple_of_levels(full_profile: Path) -> None:
    profile = load_profile(full_profile, env=ENV)

    merged = merge_cli_overrides(profile, {"levels": (Level.CTK, Level.EXTENDED_MANDATORY)})

    assert merged.levels == (Level.CTK, Level.EXTENDED_MANDATORY)
