"""Configuration of the mock: command line > environment > one YAML file > defaults, into one `Settings`.

Every `Settings` field has one option name used three ways: the flag `--sqlite`, the variable
`TMF622_MOCK_SQLITE` and the YAML key `sqlite`. A value given in a higher layer replaces the
lower one whole (a list of seed files included). Bad values and unknown YAML keys are reported
in one line naming where the value came from and what to write instead.
"""

from __future__ import annotations

import argparse
import difflib
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import partial
from typing import Any

import yaml

import mock_server
from mock_server.config import values as cv
from mock_server.config.options import CONFIG_ENV, GROUPS, Option, by_name
from mock_server.config.settings import Settings, VersionSwitch

Table = Sequence[Option]  # `options.option_table`: the core's rows and the served plug-ins'


class ConfigError(Exception):
    """A configuration value or file the mock cannot use; the message is one line with the fix."""


class _Version(argparse.Action):
    """`--version`: the installed metadata is read when asked for, not at every start (about 30 ms)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        parser.exit(message=f"tmf622-mock {mock_server.__version__}\n")


def build_parser(table: Table, served: str) -> argparse.ArgumentParser:
    """Flags default to SUPPRESS, so the parsed namespace holds only what the command line gave.
    `served` says which API versions it serves where (the plug-ins say it: the composition root)."""
    parser = argparse.ArgumentParser(
        prog="tmf622-mock",
        description=f"Reference TMF622 Product Ordering server: {served}, in one process. "
        "Prints one ready line "
        "'tmf622-mock listening on http://HOST:PORT<base-path> (ready in S s)' on stdout, serves until "
        "SIGTERM/SIGINT. Example files: tmf622-ctk example.",
        epilog=f"Every option can also be set by its environment variable (shown in brackets) or by a "
        f"key of the YAML file given with --config or {CONFIG_ENV} (the option's name with '_' for '-', "
        "e.g. 'base_path: /x'). Precedence: flag > environment > config file > default. "
        "An empty variable counts as unset.",
        argument_default=argparse.SUPPRESS,
        # No abbreviations: `--api-key SECRET` (a secret is never a flag) would be taken for
        # `--api-key-header SECRET`, and the mock would start open while its user thinks it locked.
        allow_abbrev=False,
    )
    parser.add_argument("--version", action=_Version)
    parser.add_argument(
        "--config", metavar="FILE", help=f"YAML file of option values [env {CONFIG_ENV}; default: none]"
    )
    groups = {key: parser.add_argument_group(title) for key, title in GROUPS.items()}
    for option in table:
        if not option.secret:
            _add(groups[option.group], option)
    secrets = "; ".join(f"{option.env}: {option.help}" for option in table if option.secret)
    groups["sharing"].description = f"secrets, from the environment only (never a flag or a file): {secrets}"
    return parser


def _shown_default(option: Option) -> str:
    value = option.default
    if value is None or value == ():
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value) or "(empty)"


def _add(group: argparse._ArgumentGroup, option: Option) -> None:
    text = f"{option.help} [env {option.env}; default: {_shown_default(option)}]"
    if option.kind == "flag":
        group.add_argument(option.flag, dest=option.name, action=argparse.BooleanOptionalAction, help=text)
        return
    action = "append" if option.kind == "many" else "store"
    group.add_argument(
        option.flag,
        dest=option.name,
        type=_argparse_type(option.convert),
        action=action,
        metavar=option.metavar,
        help=text,
    )


def _argparse_type(convert: cv.Convert) -> cv.Convert:
    def parse(text: str) -> object:
        try:
            return convert(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


Layer = dict[str, tuple[Any, str]]  # option name -> (value, where it came from)


def from_args(args: argparse.Namespace, table: Table) -> Layer:
    given = vars(args)
    layer: Layer = {}
    for option in table:
        if option.name in given:
            value = given[option.name]
            layer[option.name] = (tuple(value) if option.kind == "many" else value, option.flag)
    return layer


def from_environ(environ: Mapping[str, str], table: Table) -> Layer:
    layer: Layer = {}
    for option in table:
        text = environ.get(option.env, "")
        if text.strip():
            layer[option.name] = (
                _checked(option, option.env, partial(_env_value, option, text)),
                option.env,
            )
    return layer


def _env_value(option: Option, text: str) -> object:
    """A list variable holds several paths separated like PATH (`:` on POSIX)."""
    if option.kind == "many":
        return tuple(option.convert(part) for part in text.split(os.pathsep) if part.strip())
    if option.kind == "flag":
        return cv.boolean(text)
    return option.convert(text)


def _checked(option: Option, where: str, convert: Callable[[], object]) -> object:
    """Run `convert`; its ValueError becomes one line naming the source and the flag to read about."""
    try:
        return convert()
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc} (see tmf622-mock --help, {option.flag})") from None


def load_file(path: str, table: Table) -> Layer:
    """The YAML file's mapping of option names to values; every key and value is checked."""
    try:
        with open(path, encoding="utf-8") as stream:
            data = yaml.safe_load(stream)
    except OSError as exc:
        raise ConfigError(f"config file {path!r}: cannot read it ({exc.strerror}); check the path") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise ConfigError(f"config file {path!r}: not valid YAML{line}; fix the syntax") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"config file {path!r}: must be a mapping of option names to values, e.g. 'port: 8622'"
        )
    known = by_name(table)
    return {
        _option_for(path, key, known).name: _file_entry(path, key, value, known)
        for key, value in data.items()
    }


def _option_for(path: str, key: Any, known: Mapping[str, Option]) -> Option:
    if isinstance(key, str) and key in known and known[key].secret:
        raise ConfigError(
            f"config file {path!r}: {key!r} is a secret; set {known[key].env} in the environment instead"
        )
    if isinstance(key, str) and key in known:
        return known[key]
    renamed = {option.field: option.name for option in known.values() if not option.version}
    hint = renamed.get(str(key)) or next(iter(difflib.get_close_matches(str(key), list(known), 1)), None)
    fix = f"did you mean '{hint}'?" if hint else f"known keys: {', '.join(known)}"
    raise ConfigError(f"config file {path!r}: unknown key {key!r}; {fix}")


def _file_entry(path: str, key: str, value: Any, known: Mapping[str, Option]) -> tuple[Any, str]:
    option, where = known[key], f"config file {path!r}: {key}"
    return _checked(option, where, partial(_yaml_value, option, value)), where


def _yaml_value(option: Option, value: Any) -> object:
    if value is None:
        if option.optional or option.kind in {"many", "list"}:
            return () if option.kind in {"many", "list"} else None
        raise ValueError("needs a value; remove the key to use the default")
    if option.kind == "many":
        return tuple(
            option.convert(_scalar(item)) for item in (value if isinstance(value, list) else [value])
        )
    if option.kind == "flag":
        return value if isinstance(value, bool) else option.convert(_scalar(value))
    if option.kind == "list" and isinstance(value, list):  # a YAML list or one comma-separated string
        return option.convert(",".join(_scalar(item) for item in value))
    if isinstance(value, bool):
        raise ValueError(f"{value} is a boolean; expected {option.metavar}")
    return option.convert(_scalar(value))


def _scalar(value: Any) -> str:
    """YAML reads `2026-01-01T00:00:00Z` as a datetime and `8622` as an int: back to text."""
    if isinstance(value, dict | list):
        raise ValueError(f"expects one value, not a {'mapping' if isinstance(value, dict) else 'list'}")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def layers(args: argparse.Namespace, environ: Mapping[str, str], table: Table) -> list[Layer]:
    """Lowest precedence first: config file, environment, command line."""
    config_path = getattr(args, "config", None) or environ.get(CONFIG_ENV, "").strip() or None
    file_layer = load_file(config_path, table) if config_path else {}
    return [file_layer, from_environ(environ, table), from_args(args, table)]


def resolve(
    argv: Sequence[str] | None, environ: Mapping[str, str], parser: argparse.ArgumentParser, table: Table
) -> Settings:
    """The Settings for this command line and environment (`parser`: `build_parser(table, ...)`);
    usage errors exit 2 through argparse."""
    args = parser.parse_args(argv)
    merged: Layer = {}
    for layer in layers(args, environ, table):
        merged.update(layer)
    try:
        return settings_of(table, merged)
    except ValueError as exc:
        parser.error(f"{exc}{_origins(str(exc), table, merged)}")


def settings_of(table: Table, merged: Layer) -> Settings:
    """Core rows become Settings fields; each plug-in's rows one full `VersionSwitch` (defaults filled)."""
    core = {
        option.field: merged[option.name][0]
        for option in table
        if option.name in merged and not option.version
    }
    switches: dict[str, dict[str, Any]] = {}
    for option in table:
        if option.version:
            value = merged[option.name][0] if option.name in merged else option.default
            switches.setdefault(option.version, {})[option.field] = value
    return Settings(**core, versions={label: VersionSwitch(**parts) for label, parts in switches.items()})


def _origins(message: str, table: Table, merged: Layer) -> str:
    """Which sources set the fields a cross-field error names (`need default_limit <= max_limit`)."""
    lowered = message.lower()
    fields = {option.name: option.field for option in table}
    named = [
        where
        for name, (_, where) in merged.items()
        if fields[name] in message or fields[name].replace("_", " ") in lowered
    ]
    return f" (set by {', '.join(named)})" if named else ""
