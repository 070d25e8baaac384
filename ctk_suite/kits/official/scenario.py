"""Load a CTK scenario file (requests and the assertions they carry) into frozen records."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from ctk_suite.core.levels import Level
from ctk_suite.engine.records import KitInfo

SCENARIO_FORMAT = "tmf622-ctk-scenarios/1"
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_ASSERTION_KEYS = frozenset({"kind", "name", "emit"})
INSTANCE_MODES = ("each", "body", "elements")


class ScenarioError(ValueError):
    """The scenario file is not a valid CTK scenario description."""


class Emit(StrEnum):
    """When an assertion appears in the report (see the header of the scenario file)."""

    ALWAYS = "always"
    IF_ARRAY = "ifArray"
    IF_CREATED_ORDER_LISTED = "ifCreatedOrderListed"


@dataclass(frozen=True)
class AssertionSpec:
    """One named assertion of a request: a check kind and its parameters."""

    kind: str
    name: str
    params: Mapping[str, Any] = field(default_factory=dict)
    emit: Emit = Emit.ALWAYS


@dataclass(frozen=True)
class RequestSpec:
    """One request of the collection, in run order."""

    scenario: str
    name: str
    method: str
    path: str
    assertions: tuple[AssertionSpec, ...]
    body: Any = None
    captures: Mapping[str, str] = field(default_factory=dict)
    quoted_variables: tuple[str, ...] = ()
    #: `each`: the official list scripts check every element of a non-empty array; `body`: the create
    #: script checks `pm.response.json()` itself, so an array answer is one (failing) instance;
    #: `elements`: Cypress's `response.body.forEach`, every element of an array (none when it is empty).
    instances: str = "each"
    #: Every top-level attribute of the response is captured under its own name (v5 `createVariableGlobal`).
    captures_all: bool = False
    #: Captured values a correct server may lack (v5 `completionDate` before completion): sent without one
    #: (as its runner's `missing_text`), the request has no strict verdict rather than a failed one.
    may_be_absent: tuple[str, ...] = ()

    #: Every request of the official kit is of the `ctk` level.
    level: Level = Level.CTK

    @property
    def title(self) -> str:
        """The name of the request as the certification report shows it, e.g. `N1 /ProductOrder [POST]`."""
        return f"{self.scenario} {self.name} [{self.method}]"

    def variables(self) -> set[str]:
        """Variables the request needs before it can be sent (placeholders of its path)."""
        return set(PLACEHOLDER.findall(self.path))

    def needs(self) -> set[str]:
        """Every captured variable the request uses: in its path, its assertion names and parameters."""
        used = self.variables() | {v for a in self.assertions for v in PLACEHOLDER.findall(a.name)}
        for assertion in self.assertions:
            used |= {str(assertion.params[k]) for k in ("variable", "keyVariable") if k in assertion.params}
        if any(a.kind == "identity" and "keyVariable" not in a.params for a in self.assertions):
            used.add("IDPO01")  # the identity check's default key (ctk_suite/kits/official/checks/kinds.py)
        return used


@dataclass(frozen=True)
class Scenario:
    """A whole CTK: its identity, common headers and the requests in run order."""

    ctk_version: str
    collection: str
    headers: Mapping[str, str]
    requests: tuple[RequestSpec, ...]
    kit_name: str = "CTK"
    kit_id: str = "ctk"
    official: bool = True
    #: Globals the official scripts read but no request of the collection sets (IDPO02, ...): undefined.
    never_captured: tuple[str, ...] = ()
    #: The name of the model of what runs the official kit (runners/__init__.py `RUNNERS`): `postman`
    #: (v4, Newman) or `cypress` (v5), whose JavaScript decides what is sent without a captured value and
    #: what a body that is not JSON becomes. `ScenarioKit.load` refuses a name not registered.
    official_runner: str = "postman"

    def kit_info(self) -> KitInfo:
        """The kit's report identity."""
        return KitInfo(self.kit_id, self.kit_name, self.ctk_version, self.collection, self.official)

    def producer_of(self, variable: str) -> RequestSpec | None:
        """The request whose response captures `variable`."""
        return next((r for r in self.requests if variable in r.captures or r.captures_all), None)


#: libyaml's safe loader when PyYAML was built with it: ten times faster on the CTK's file than the pure one.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_scenario(path: Path) -> Scenario:
    """Parse and validate the scenario file at `path`."""
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # noqa: S506 - safe
    except (OSError, yaml.YAMLError) as exc:
        raise ScenarioError(f"{path}: cannot read scenario: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != SCENARIO_FORMAT:
        raise ScenarioError(f"{path}: not a scenario file (expected format: {SCENARIO_FORMAT})")
    return _scenario(document, path)


def is_scenario_file(path: Path) -> bool:
    """Cheap test used at collection: only `ctk-*.yaml` files that declare our format."""
    if not (path.name.startswith("ctk-") and path.suffix in {".yaml", ".yml"}):
        return False
    try:
        head = path.read_text(encoding="utf-8")[:4096]
    except OSError:
        return False
    return f"format: {SCENARIO_FORMAT}" in head


def _scenario(document: Mapping[str, Any], path: Path) -> Scenario:
    payloads = document.get("payloads") or {}
    raw_requests = document.get("requests")
    if not isinstance(raw_requests, list) or not raw_requests:
        raise ScenarioError(f"{path}: `requests` must be a non-empty list")
    requests = tuple(_request(raw, payloads, f"{path}: requests[{i}]") for i, raw in enumerate(raw_requests))
    kit = document.get("kit") or {}
    if not isinstance(kit, dict):
        raise ScenarioError(f"{path}: `kit` must be a mapping (name, official)")
    scenario = Scenario(
        ctk_version=str(document.get("ctkVersion", "")),
        collection=str(document.get("collection", "")),
        headers={str(k): str(v) for k, v in (document.get("headers") or {}).items()},
        requests=requests,
        kit_name=str(kit.get("name", "CTK")),
        kit_id=path.stem,
        official=bool(kit.get("official", True)),
        never_captured=tuple(str(v) for v in document.get("neverCaptured") or ()),
        official_runner=_runner(document.get("officialRunner", "postman"), path),
    )
    _check_variables(scenario, path)
    return scenario


def _request(raw: Any, payloads: Mapping[str, Any], where: str) -> RequestSpec:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: must be a mapping")
    missing = {"scenario", "name", "method", "path"} - raw.keys()
    if missing:
        raise ScenarioError(f"{where}: missing {', '.join(sorted(missing))}")
    body_ref = raw.get("body")
    if body_ref is not None and body_ref not in payloads:
        raise ScenarioError(f"{where}: body {body_ref!r} is not one of payloads")
    assertions = tuple(_assertion(a, f"{where}.assertions") for a in _flatten(raw.get("assertions") or []))
    spec = RequestSpec(
        scenario=str(raw["scenario"]),
        name=str(raw["name"]),
        method=str(raw["method"]).upper(),
        path=str(raw["path"]),
        assertions=assertions,
        body=payloads[body_ref] if body_ref is not None else None,
        captures={str(k): str(v) for k, v in (raw.get("captures") or {}).items()},
        quoted_variables=tuple(str(v) for v in raw.get("quotedVariables") or ()),
        instances=_instances_mode(raw.get("instances", "each"), where),
        captures_all=raw.get("capturesAll") is True,
        may_be_absent=_names(raw.get("mayBeAbsent"), f"{where}.mayBeAbsent"),
    )
    _check_unique_names(spec, where)
    return spec


def _flatten(items: list[Any]) -> Iterator[Any]:
    """Groups are YAML aliases of lists: splice them into the request's list."""
    for item in items:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


def _assertion(raw: Any, where: str) -> AssertionSpec:
    if not isinstance(raw, dict) or not {"kind", "name"} <= raw.keys():
        raise ScenarioError(f"{where}: an assertion needs `kind` and `name`, got {raw!r}")
    try:
        emit = Emit(raw.get("emit", Emit.ALWAYS))
    except ValueError as exc:
        raise ScenarioError(f"{where}: {raw['name']!r}: unknown emit {raw.get('emit')!r}") from exc
    params = {k: v for k, v in raw.items() if k not in _ASSERTION_KEYS}
    return AssertionSpec(kind=str(raw["kind"]), name=str(raw["name"]), params=params, emit=emit)


def _check_unique_names(spec: RequestSpec, where: str) -> None:
    """The certification report counts distinct names per request: a duplicate would be lost."""
    names = [a.name for a in spec.assertions]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ScenarioError(f"{where}: duplicate assertion names {duplicates}")


def _check_variables(scenario: Scenario, path: Path) -> None:
    """Every {{VAR}} used must be captured by an earlier request (or be declared never captured)."""
    captured: set[str] = set(scenario.never_captured)
    for request in scenario.requests:
        used = request.variables() | {v for a in request.assertions for v in PLACEHOLDER.findall(a.name)}
        unknown = used - captured
        if unknown:
            raise ScenarioError(
                f"{path}: {request.title} uses {sorted(unknown)} before any request captures it"
            )
        if request.captures_all:
            return  # any name may be captured from here on
        captured |= set(request.captures)


def _instances_mode(value: object, where: str) -> str:
    """`each`, `body` or `elements`; anything else is a mistake in the scenario file."""
    if value not in INSTANCE_MODES:
        raise ScenarioError(f"{where}: instances must be one of {', '.join(INSTANCE_MODES)}, not {value!r}")
    return str(value)


def _names(value: object, where: str) -> tuple[str, ...]:
    """A list of variable names (absent: none)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ScenarioError(f"{where}: must be a list of variable names, not {value!r}")
    return tuple(str(name) for name in value)


def _runner(value: object, path: Path) -> str:
    """The name of what runs the official kit; whether it is a registered runner model, the kit asks."""
    if not isinstance(value, str) or not value:
        raise ScenarioError(f"{path}: officialRunner must name an official runner, not {value!r}")
    return value
