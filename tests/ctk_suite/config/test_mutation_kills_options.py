"""Option values as a user gives them: what is accepted, and the one-line error `tmf622-ctk` prints.

Written for `make mutate` (mutation/README.md): the option layering's survivors.
"""

from __future__ import annotations

import pytest

from ctk_suite.config.layers import OptionError, as_profile_value, layered
from ctk_suite.config.table import OPTIONS

BY_NAME = {option.name: option for option in OPTIONS}
URL_RULE = "must be an absolute http(s) URL (value not shown)"
HEADER_RULE = "a header must look like 'Name: value' (value not shown)"


@pytest.mark.parametrize(
    ("name", "raw", "value"),
    [
        ("base_url", "https://h.example/v4/", "https://h.example/v4/"),
        ("timeout", "0.5", 0.5),
        ("timeout", "3600", 3600.0),  # the maximum itself
        ("headers", "X-A: 1\n\nX-B: a:b", {"X-A": "1", "X-B": "a:b"}),  # blank lines skipped, `:` in values
    ],
)
def test_accepted_values(name: str, raw: str, value: object) -> None:
    assert layered({name: raw}, {})[name].value == value


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"reports_dir": "  "}, "--reports-dir (command line): must not be empty"),
        ({"base_url": "http:///v4/"}, f"--base-url (command line): {URL_RULE}"),
        ({"timeout": "x"}, "--timeout (command line): must be a number of seconds in (0, 3600], got 'x'"),
        ({"headers": "X A: 1"}, f"--header (command line): {HEADER_RULE}"),
        ({"headers": ": 1"}, f"--header (command line): {HEADER_RULE}"),
    ],
)  # fmt: skip
def test_refused_values_name_the_flag_and_the_rule(given: dict[str, str], message: str) -> None:
    with pytest.raises(OptionError) as refused:
        layered(given, {})
    assert str(refused.value) == message


def test_a_bad_choice_from_the_environment_lists_the_choices() -> None:
    with pytest.raises(OptionError) as refused:
        layered({}, {"TMF622_CTK_ORDERDATE_QUOTE": "double"})
    assert str(refused.value) == (
        "TMF622_CTK_ORDERDATE_QUOTE (environment): must be one of none, single, got 'double'"
    )


@pytest.mark.parametrize(("bind", "spelled"), [("0.0.0.0:9", "0.0.0.0:9"), ("[::1]:9", "[::1]:9")])
def test_the_listener_address_reaches_the_profile_as_written(bind: str, spelled: str) -> None:
    option = BY_NAME["listener_bind"]
    assert as_profile_value(option, layered({"listener_bind": bind}, {})["listener_bind"].value) == spelled


@pytest.mark.parametrize(
    ("bind", "address"),
    [("[::1]:8080", ("::1", 8080)), ("[::1]", ("::1", 0)), ("h:65535", ("h", 65535)), ("h", ("h", 0))],
)
def test_listener_addresses_accepted(bind: str, address: tuple[str, int]) -> None:
    assert layered({"listener_bind": bind}, {})["listener_bind"].value == address


@pytest.mark.parametrize("bind", ["h:65536", ":80", "h:x", "[::1]x", "[]:80", "[::1]]:80"])
def test_listener_addresses_refused(bind: str) -> None:
    with pytest.raises(OptionError) as refused:
        layered({"listener_bind": bind}, {})
    assert (
        str(refused.value)
        == f"--listener-bind (command line): must look like HOST or HOST:PORT, got {bind!r}"
    )


def test_each_value_says_where_it_came_from() -> None:
    given = layered({"timeout": "", "read_timeout": "7"}, {"TMF622_CTK_TIMEOUT": "5"}, {"connect_timeout": 2})
    assert {name: (g.value, g.source) for name, g in given.items()} == {
        "timeout": (5.0, "TMF622_CTK_TIMEOUT (environment)"),  # an empty command-line value is not given
        "read_timeout": (7.0, "--read-timeout (command line)"),
        "connect_timeout": (2.0, "ctk_connect_timeout (ini file)"),
    }


def test_pytest_errors_name_the_pytest_flag() -> None:
    with pytest.raises(OptionError, match=r"^--ctk-timeout \(command line\): "):
        layered({"timeout": "0"}, {}, pytest_flags=True)
