"""The option table: every option is reachable from the command line, the environment, the ini file and
a profile, with the precedence CLI > env > ini > profile > default, and a bad value names its source."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple
from pathlib import Path
from typing import Any

import pytest
import yaml

from ctk_suite.config.layers import OptionError, layered
from ctk_suite.config.profile import Profile, bundled_profile
from ctk_suite.config.table import OPTIONS, Option, ValueType
from ctk_suite.config.target import resolve_profile


def _file(tmp: Path, name: str, text: str = "{}") -> str:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return str(path)


ORDER = '{"productOrderItem": [{"id": "1", "action": "add"}]}'
ORDER_DATA = {"productOrderItem": [{"id": "1", "action": "add"}]}


def cases(tmp: Path) -> dict[str, tuple[Any, Any, Callable[[Profile], Any], Any]]:
    """option -> (value as typed, value as a profile holds it, what the resolved profile shows, expected)."""
    ca, order, base, reports = (
        _file(tmp, "ca.pem"),
        _file(tmp, "o.json", ORDER),
        str(tmp / "b.json"),
        str(tmp / "r"),
    )
    bind, har = ("0.0.0.0", 8765), str(tmp / "run.har")
    return {
        "api_version": ("4.0.0", "4.0.0", lambda p: p.api_version, "4.0.0"),
        "base_url": ("http://h:1/api/", "http://h:1/api/", lambda p: p.target.base_url, "http://h:1/api/"),
        "orderdate_quote": ("single", "single", lambda p: p.order_date_quoting.value, "single"),
        "headers": (["X-A: 1"], {"X-A": "1"}, lambda p: p.request_headers.get("X-A"), "1"),
        "timeout": ("7", 7, lambda p: (p.timeouts.connect, p.timeouts.read), (7.0, 7.0)),
        "connect_timeout": ("3", 3, lambda p: p.timeouts.connect, 3.0),
        "read_timeout": ("4", 4, lambda p: p.timeouts.read, 4.0),
        "insecure": ("1", False, lambda p: p.tls.verify, False),
        "ca_bundle": (ca, ca, lambda p: str(p.tls.ca_bundle), ca),
        "client_cert": (ca, ca, lambda p: str(p.tls.client_cert), ca),
        "client_key": (ca, ca, lambda p: str(p.tls.client_key), ca),
        "level": ("all", ["ctk", "extended-mandatory", "extended-optional"], lambda p: len(p.levels), 3),
        "no_cleanup": ("true", False, lambda p: p.cleanup, False),
        "payload": (order, order, lambda p: p.payload(), ORDER_DATA),
        "baseline": (base, base, lambda p: str(p.baseline), base),
        "reports_dir": (reports, reports, lambda p: str(p.reports_dir), reports),
        "har": (har, har, lambda p: str(p.har), har),
        "no_allure_html": ("yes", False, lambda p: p.allure_html, False),
        "verdict": ("official", "official", lambda p: p.verdict, "official"),
        "allow_incomplete": ("yes", True, lambda p: p.allow_incomplete, True),
        "callback_url": ("http://cb:9/x", "http://cb:9/x", lambda p: p.listener.callback_url, "http://cb:9/x"),
        "listener_bind": ("0.0.0.0:8765", "0.0.0.0:8765", lambda p: astuple(p.listener)[:2], bind),
        "event_timeout": ("2.5", 2.5, lambda p: p.listener.event_timeout, 2.5),
    }  # fmt: skip


PROFILE_KEYED = [option for option in OPTIONS if option.profile_key is not None]


def test_every_option_has_a_case_and_every_layer_spelling() -> None:
    assert {o.name for o in PROFILE_KEYED} == set(cases(Path("/tmp")))
    # They name the file the profile comes from.
    assert [o.name for o in OPTIONS if o.profile_key is None] == ["profile", "from_official"]
    for spelled in (lambda o: o.flag, lambda o: o.pytest_flag, lambda o: o.env, lambda o: o.dest):
        names = [spelled(o) for o in OPTIONS]
        assert len(names) == len(set(names))


def _cli_value(option: Option, typed: Any) -> Any:
    return True if option.type is ValueType.FLAG else typed


def _text(typed: Any) -> str:
    return "\n".join(typed) if isinstance(typed, list) else str(typed)


@pytest.mark.parametrize("option", PROFILE_KEYED, ids=lambda o: o.name)
def test_each_option_round_trips_through_every_layer(option: Option, tmp_path: Path) -> None:
    typed, in_profile, shown, expected = cases(tmp_path)[option.name]
    layers = {
        "command line": layered({option.name: _cli_value(option, typed)}, {}),
        "environment": layered({}, {option.env: _text(typed)}),
        "ini": layered(
            {}, {}, {option.name: _cli_value(option, typed) if option.type is ValueType.FLAG else typed}
        ),
    }
    for layer, given in layers.items():
        cert = layered({"client_cert": typed}, {}) if option.name == "client_key" else {}  # a key needs it
        assert shown(resolve_profile({**given, **cert}, {})) == expected, layer
    document = yaml.safe_load(bundled_profile("mock").read_text(encoding="utf-8"))
    parent = document
    *sections, leaf = str(option.profile_key).split(".")
    for section in sections:
        parent = parent.setdefault(section, {})
    parent[leaf] = in_profile
    if option.name == "payload":
        document.pop("payload", None)
    if option.name == "client_key":
        document["tls"]["client_cert"] = in_profile
    if option.name == "base_url":
        document["target"] = {"base_url": in_profile, "api_path": ""}
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    from_profile = resolve_profile(layered({"profile": str(path)}, {}), {})
    assert shown(from_profile) == expected, "profile"


def test_precedence_cli_over_env_over_ini_over_profile(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    document = yaml.safe_load(bundled_profile("mock").read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump({**document, "timeouts": {"read": 1}}), encoding="utf-8")
    ini = {"read_timeout": "3", "profile": str(path)}
    env = {"TMF622_CTK_READ_TIMEOUT": "4"}
    read = lambda cli, env, ini: resolve_profile(layered(cli, env, ini), {}).timeouts.read  # noqa: E731
    assert read({"read_timeout": "5"}, env, ini) == 5.0
    assert read({}, env, ini) == 4.0
    assert read({}, {}, ini) == 3.0
    assert read({}, {}, {"profile": str(path)}) == 1.0
    assert read({}, {}, {}) == next(o.default for o in OPTIONS if o.name == "read_timeout")


@pytest.mark.parametrize(
    ("cli", "env", "ini", "message"),
    [
        ({"timeout": "0"}, {}, {}, "--timeout (command line): must be a number of seconds"),
        ({}, {"TMF622_CTK_TIMEOUT": "soon"}, {}, "TMF622_CTK_TIMEOUT (environment): must be a number"),
        ({}, {}, {"timeout": "-1"}, "ctk_timeout (ini file): must be a number of seconds"),
        ({}, {"TMF622_CTK_VERDICT": "lax"}, {}, "TMF622_CTK_VERDICT (environment): must be one of strict"),
        ({}, {"TMF622_CTK_INSECURE": "maybe"}, {}, "TMF622_CTK_INSECURE (environment): must be one of 1/"),
        ({"headers": ["Authorization Bearer s3cret"]}, {}, {}, "--header (command line): a header must look"),
    ],
)  # fmt: skip
def test_a_bad_value_names_its_source_and_never_echoes_a_header(
    cli: dict[str, Any], env: dict[str, str], ini: dict[str, Any], message: str
) -> None:
    with pytest.raises(OptionError) as caught:
        layered(cli, env, ini)
    assert str(caught.value).startswith(message)
    assert "s3cret" not in str(caught.value)


def test_the_callback_url_reaches_the_cli_and_pytest(pytester: pytest.Pytester) -> None:
    """The drift that started this table: `tmf622-ctk --callback-url` was "unrecognized"."""
    from ctk_suite import cli

    parsed = cli.build_parser().parse_args(["--callback-url", "http://cb/"])
    assert parsed.callback_url == "http://cb/"
    config = pytester.parseconfig("--ctk-callback-url", "http://cb/")
    assert config.getoption("ctk_callback_url") == "http://cb/"
