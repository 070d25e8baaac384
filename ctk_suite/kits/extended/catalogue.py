"""Load the catalogue of extended rules (scenarios/extended-4.0.0.yaml) into frozen records."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tmf622_scenarios import scenario_path

CATALOGUE_FORMAT = "tmf622-extended-rules/1"
DEFAULT_CATALOGUE = "extended-4.0.0.yaml"
#: `SOURCE-SUBJECT`; a subject may name an attribute path (`CP5-ATTR-ProductOrder-agreement.@type`).
_ID = re.compile(r"^[A-Z0-9]+(-[A-Za-z0-9.@]+)+$")
#: libyaml's safe loader when present: the v5 catalogue has 418 rules (pure Python takes half a second).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FIELDS = ("id", "level", "source", "clause", "title", "rule")


class CatalogueError(ValueError):
    """The catalogue file is not a valid list of extended rules."""


def is_extended_file(path: Path) -> bool:
    """Cheap test used at collection: `extended-*.yaml` files that declare the catalogue format.

    It lives here, not beside the items, so a CTK-only run never imports the extended level's
    dependencies (aiohttp, jsonschema) just to look at its file names.
    """
    if not (path.name.startswith("extended-") and path.suffix in {".yaml", ".yml"}):
        return False
    try:
        head = path.read_text(encoding="utf-8")[:4096]
    except OSError:
        return False
    return f"format: {CATALOGUE_FORMAT}" in head


class RuleLevel(StrEnum):
    """Mandatory when the TMF622B conformance profile requires it, else optional."""

    MANDATORY = "mandatory"
    OPTIONAL = "optional"

    @property
    def label(self) -> str:
        """`extended-mandatory`: the level's name in profiles, reports and Allure labels."""
        return f"extended-{self.value}"


@dataclass(frozen=True)
class Rule:
    """One extended check: the spec rule it tests, in our words, and where the rule comes from."""

    id: str
    level: RuleLevel
    source: str
    source_title: str
    clause: str
    title: str
    rule: str
    #: The registered check that judges the rule: its id, unless one check serves many rules (the
    #: conformance-profile checks of v5 share one check per kind, told apart by `params`).
    check: str = ""
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def check_name(self) -> str:
        """The key of the rule's check in `CHECKS`."""
        return self.check or self.id

    @property
    def name(self) -> str:
        """The pytest item name: `TMF622B-M-POST-201 create answers 201 with one order`."""
        return f"{self.id} {self.title}"


@dataclass(frozen=True)
class Catalogue:
    """Every extended rule, in run order."""

    ctk_version: str
    sources: Mapping[str, str]
    rules: tuple[Rule, ...]

    def at_level(self, level: RuleLevel) -> tuple[Rule, ...]:
        """The rules of one level, in catalogue order."""
        return tuple(r for r in self.rules if r.level is level)


@cache
def load_catalogue(path: Path | None = None) -> Catalogue:
    """Parse and validate the catalogue (the shipped one by default)."""
    path = path or scenario_path(DEFAULT_CATALOGUE)
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueError(f"{path}: cannot read the extended catalogue: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != CATALOGUE_FORMAT:
        raise CatalogueError(f"{path}: not an extended catalogue (expected format: {CATALOGUE_FORMAT})")
    sources = {str(k): str(v) for k, v in (document.get("sources") or {}).items()}
    raw_rules = document.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise CatalogueError(f"{path}: `rules` must be a non-empty list")
    rules = tuple(_rule(raw, sources, f"{path}: rules[{i}]") for i, raw in enumerate(raw_rules))
    ids = [r.id for r in rules]
    if duplicates := sorted({i for i in ids if ids.count(i) > 1}):
        raise CatalogueError(f"{path}: duplicate rule ids {duplicates}")
    return Catalogue(str(document.get("ctkVersion", "")), sources, rules)


def _rule(raw: Any, sources: Mapping[str, str], where: str) -> Rule:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: must be a mapping")
    if missing := [f for f in _FIELDS if not isinstance(raw.get(f), str) or not raw[f].strip()]:
        raise CatalogueError(f"{where}: needs non-empty strings {', '.join(missing)}")
    if not _ID.match(raw["id"]):
        raise CatalogueError(f"{where}: id {raw['id']!r} must look like SOURCE-SUBJECT (capitals, dashes)")
    if raw["source"] not in sources:
        raise CatalogueError(f"{where}: source {raw['source']!r} is not one of {sorted(sources)}")
    try:
        level = RuleLevel(raw["level"])
    except ValueError:
        raise CatalogueError(f"{where}: level must be mandatory or optional, got {raw['level']!r}") from None
    check, params = _check_of(raw, where)
    return Rule(
        id=raw["id"],
        level=level,
        source=raw["source"],
        source_title=sources[raw["source"]],
        clause=raw["clause"],
        title=raw["title"],
        rule=" ".join(raw["rule"].split()),
        check=check,
        params=params,
    )


def _check_of(raw: dict[str, Any], where: str) -> tuple[str, dict[str, str]]:
    """The optional `check` (a shared check's name) and its `params` (a mapping of strings)."""
    check, params = raw.get("check", ""), raw.get("params", {})
    if not isinstance(check, str):
        raise CatalogueError(f"{where}: check must be a string")
    if not isinstance(params, dict) or not all(isinstance(v, str | int) for v in params.values()):
        raise CatalogueError(f"{where}: params must be a mapping of strings")
    return check, {str(k): str(v) for k, v in params.items()}
