"""The option table as `tmf622-ctk` flags and as pytest's `--ctk-*` options and ini keys."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from ctk_suite.config.table import OPTIONS, Option, ValueType


def _help(option: Option) -> str:
    default = f"; default {option.default}" if option.default not in (None, False) else ""
    profile = f", profile {option.profile_key}" if option.profile_key else ""
    return f"{option.help} (env {option.env}{profile}{default})"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Every option as a `tmf622-ctk` flag, each also answering to its `--ctk-` spelling."""
    for option in OPTIONS:
        names = (option.flag, option.pytest_flag)
        if option.type is ValueType.FLAG:
            parser.add_argument(*names, dest=option.name, action="store_true", help=_help(option))
        elif option.type is ValueType.HEADERS:
            parser.add_argument(
                *names,
                dest=option.name,
                action="append",
                default=[],
                metavar=option.metavar,
                help=_help(option),
            )
        else:
            parser.add_argument(
                *names,
                dest=option.name,
                default=None,
                choices=option.choices or None,
                metavar=option.metavar,
                help=_help(option),
            )


def cli_values(namespace: argparse.Namespace) -> dict[str, Any]:
    """The values argparse read, by option name."""
    return {option.name: getattr(namespace, option.name) for option in OPTIONS}


def as_pytest_args(values: dict[str, Any]) -> list[str]:
    """Command-line values given to `tmf622-ctk`, spelled for the plugin (`--ctk-base-url URL`)."""
    args: list[str] = []
    for option in OPTIONS:
        value = values.get(option.name)
        if option.type is ValueType.FLAG:
            args += [option.pytest_flag] if value else []
        elif option.type is ValueType.HEADERS:
            for header in value or ():
                args += [option.pytest_flag, header]
        elif value is not None:
            args += [option.pytest_flag, str(value)]
    return args


def add_pytest_options(parser: pytest.Parser) -> None:
    """Every option as `--ctk-*` and as an ini key `ctk_*` (never a bare `--base-url`: pytest-base-url's)."""
    group = parser.getgroup("tmf622-ctk", "TMF622 CTK")
    for option in OPTIONS:
        text = _help(option)
        if option.type is ValueType.FLAG:
            group.addoption(
                option.pytest_flag, dest=option.dest, action="store_true", default=False, help=text
            )
            parser.addini(option.dest, option.help, type="bool", default=False)
        elif option.type is ValueType.HEADERS:
            group.addoption(
                option.pytest_flag, dest=option.dest, action="append", metavar=option.metavar, help=text
            )
            parser.addini(option.dest, option.help, type="linelist", default=[])
        else:
            group.addoption(
                option.pytest_flag,
                dest=option.dest,
                choices=option.choices or None,
                metavar=option.metavar,
                help=text,
            )
            parser.addini(option.dest, option.help, type="string", default="")


def options_of_run(config: pytest.Config) -> tuple[dict[str, Any], dict[str, Any]]:
    """(command line, ini) values of a pytest run, by option name."""
    cli = {option.name: config.getoption(option.dest, None) for option in OPTIONS}
    ini = {option.name: config.getini(option.dest) for option in OPTIONS}
    return cli, ini
