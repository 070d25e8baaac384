"""`tmf622-ctk profile import FILE` and `tmf622-ctk example [NAME]`: the commands that run no kit."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import resources
from typing import NoReturn, TextIO

import yaml

from ctk_suite.config.official_import import Imported, build_profile, read_official
from ctk_suite.config.profile_schema import ProfileError

USAGE_ERROR = 2
#: The example files shipped in package `tmf622_scenarios` (the README cites them by these paths).
EXAMPLES = {
    "profile": "profiles/live-example.yaml",
    "mock-profile": "profiles/mock.yaml",
    "mock-config": "mock/mock.example.yaml",
    "faults": "mock/faults.example.yaml",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: {message} (see {self.prog} --help)\n")


def run_command(argv: Sequence[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int | None:
    """The exit code of the command `argv` names, or None when `argv` is a run of the kits."""
    if list(argv[:2]) == ["profile", "import"]:
        return _profile_import(argv[2:], out, err)
    if list(argv[:1]) == ["example"]:
        return _example(argv[1:], out, err)
    return None


def _profile_import(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    parser = _Parser(
        prog="tmf622-ctk profile import",
        description="Print the profile equivalent to TM Forum's own kit configuration: the v5 kit's "
        "CHANGE_ME.json or the v4 kit's Postman environment. Credentials become environment variable "
        "references (their values are never printed). Exit 2 names the file's key at fault.",
        epilog="e.g. tmf622-ctk profile import CHANGE_ME.json > my.yaml; then tmf622-ctk --profile my.yaml",
    )
    parser.add_argument("file", metavar="FILE")
    args = parser.parse_args(argv)
    try:
        imported = read_official(args.file)
        # Checked with the file's own credentials, so what is printed is a profile that loads.
        build_profile(imported, dict(imported.secrets))
    except ProfileError as exc:
        err.write(f"tmf622-ctk: {exc}\n")
        return USAGE_ERROR
    out.write(profile_yaml(imported))
    for name in imported.secrets:
        err.write(f"tmf622-ctk: the profile reads a credential from ${name}: export it before a run\n")
    return 0


def profile_yaml(imported: Imported) -> str:
    """The profile as YAML, headed by where it came from and what was not carried over."""
    secrets = imported.secrets
    head = [f"# Imported from {imported.source.name} ({imported.kind}) by tmf622-ctk profile import."]
    head += [f"# Export {name} before a run: the file's credential is not written here." for name in secrets]
    head += [f"# Not carried over: {note}" for note in imported.notes]
    body = yaml.safe_dump(imported.document, sort_keys=False, allow_unicode=True, width=110)
    return "\n".join(head) + "\n" + body


def _example(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    parser = _Parser(
        prog="tmf622-ctk example",
        description="Print an example file shipped with the toolkit (without NAME: list them).",
        epilog="e.g. tmf622-ctk example faults > faults.yaml; tmf622-mock --faults faults.yaml",
    )
    parser.add_argument("name", nargs="?", metavar="NAME", help=", ".join(EXAMPLES))
    args = parser.parse_args(argv)
    if args.name is None:
        out.writelines(f"{name:<14} scenarios/{path}\n" for name, path in EXAMPLES.items())
        return 0
    relative = EXAMPLES.get(args.name) or _by_path(args.name)
    if relative is None:
        err.write(f"tmf622-ctk example: no example {args.name!r} (one of {', '.join(EXAMPLES)})\n")
        return USAGE_ERROR
    out.write((resources.files("tmf622_scenarios") / relative).read_text(encoding="utf-8"))
    return 0


def _by_path(name: str) -> str | None:
    """An example named by the path the README gives (`scenarios/mock/faults.example.yaml`)."""
    return next((path for path in EXAMPLES.values() if name.removeprefix("scenarios/") == path), None)
