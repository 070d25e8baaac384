"""Pin the v5 extended catalogue: one conformance-profile check per mandatory entry of conformance.yaml
(each citing its line), the generated parts are the generator's output, the docs list every rule, and every
attribute check fails when its attribute is left out."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

import pytest
import yaml

import ctk_suite.kits.extended.versions  # noqa: F401 - registers every version's probes and checks
from ctk_suite.core.failures import NotRun
from ctk_suite.core.levels import Level
from ctk_suite.http.exchange import Exchange
from ctk_suite.kits.extended.catalogue import load_catalogue
from ctk_suite.kits.extended.evidence import Blocked, Evidence, Sent
from ctk_suite.kits.extended.run import CHECKS
from ctk_suite.kits.extended.v5.conformance import attribute, holders, judge, without
from tests.support.extended5_helpers import catalogue_v5

REPO = Path(__file__).resolve().parents[4]
DOCS = REPO / "docs" / "extended-checks-5.0.0.md"
ROW = re.compile(r"^\| `(?P<id>[^`]+)` \| (?P<level>\w+) \| (?P<rule>.+) \| (?P<source>[^|]+) \|$")
RULES = catalogue_v5().rules
PROFILE_RULES = [r for r in RULES if r.source == "CP5"]
#: The number of conformance-profile checks: 4 operations, 388 attributes, 11 POST mandatory attributes.
PROFILE_COUNTS = {"cp5-operation": 4, "cp5-attribute": 388, "cp5-post": 11}


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen", REPO / "scripts" / "generate_v5_profile_checks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def profile_path(ctk_unavailable: Callable[[str], NoReturn]) -> Path:
    """conformance.yaml of the official v5 kit (TMF622_CTK5_DIR); skipped when absent."""
    path: Path = load_generator().default_ctk_dir() / "conformance" / "conformance.yaml"
    if not path.is_file():
        ctk_unavailable(f"the official TMF622 v5.0.0 CTK's conformance.yaml is not at {path}")
    return path


def test_the_profile_checks_are_counted_by_kind() -> None:
    kinds = [r.check for r in PROFILE_RULES]
    assert {k: kinds.count(k) for k in PROFILE_COUNTS} == PROFILE_COUNTS
    assert len(PROFILE_RULES) == sum(PROFILE_COUNTS.values()) == 403
    assert len(RULES) == 403 + 15
    assert len({r.id for r in RULES}) == len(RULES)


def mandatory_in(profile: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(check, resource, name) of every mandatory entry, read independently of the generator."""
    found = set()
    for resource in ("ProductOrder", "CancelProductOrder", "Hub"):
        entry = profile["conformance"][resource]
        found |= {
            ("cp5-operation", resource, op)
            for op, v in (entry.get("operations") or {}).items()
            if v["condition"] == "M"
        }
        found |= {
            ("cp5-attribute", resource, a)
            for a, v in (entry.get("attributes") or {}).items()
            if v["condition"].startswith("M")
        }
        post = (entry.get("operations-details") or {}).get("POST", {}).get("mandatory") or {}
        found |= {("cp5-post", resource, a) for a in post}
    return found


def test_one_check_per_mandatory_entry_of_the_profile(profile_path: Path) -> None:
    text = profile_path.read_text(encoding="utf-8")
    expected = mandatory_in(yaml.safe_load(text))
    generated = [(r.check, r.params["resource"], r.params["name"]) for r in PROFILE_RULES]
    assert len(generated) == len(set(generated))
    assert set(generated) == expected
    assert len(expected) == 403


def test_each_profile_check_cites_the_line_of_its_entry(profile_path: Path) -> None:
    lines = profile_path.read_text(encoding="utf-8").splitlines()
    for rule in PROFILE_RULES:
        line = int(rule.params["line"])
        leaf = rule.params["name"]
        key = lines[line - 1].strip().removeprefix("? ").removesuffix(":")  # `? key` is YAML for a long key
        assert key.strip("'") == leaf, rule.id
        assert f"conformance.yaml line {line}:" in rule.clause


def test_the_generated_parts_are_the_generators_output(profile_path: Path) -> None:
    assert load_generator().main(["--ctk-dir", str(profile_path.parents[1]), "--check"]) == 0


def test_levels_follow_the_resources_operations() -> None:
    for rule in PROFILE_RULES:
        hub = rule.params["resource"] == "Hub"
        assert rule.level is (Level.EXTENDED_OPTIONAL if hub else Level.EXTENDED_MANDATORY), rule.id


def test_every_rule_of_both_catalogues_has_its_check_and_every_check_a_rule() -> None:
    v4 = load_catalogue().rules
    assert set(CHECKS) == {r.check_name for r in (*v4, *RULES)}


def test_the_docs_list_every_check_with_its_rule_and_source() -> None:
    rows = [m.groupdict() for line in DOCS.read_text(encoding="utf-8").splitlines() if (m := ROW.match(line))]
    expected = [
        {
            "id": r.id,
            "level": r.level.removeprefix("extended-"),  # the catalogue's word: mandatory, optional
            "rule": r.rule,
            "source": f"{r.source}: {r.clause}",
        }
        for r in (*[r for r in RULES if r.source != "CP5"], *PROFILE_RULES)
    ]
    assert rows == expected


# Every attribute check is sensitive: a full instance passes it, the instance without the attribute fails.

SENT = Sent("create", "productOrder", Exchange("POST", "http://x/productOrder", {}, None, 201), None)


def full_instance(resource: str) -> dict[str, Any]:
    """An instance holding every mandatory attribute path of `resource` (objects all the way down)."""
    instance: dict[str, Any] = {"@type": resource, "state": "completed"}
    names = [
        r.params["name"]
        for r in PROFILE_RULES
        if r.check == "cp5-attribute" and r.params["resource"] == resource
    ]
    for name in sorted(names, key=lambda n: -n.count(".")):  # deepest first: a parent becomes an object
        *above, leaf = name.split(".")
        node = instance
        for segment in above:
            node = node.setdefault(segment, {})
        node.setdefault(leaf, resource if leaf == "@type" and not above else "x")
    return instance


def verdict(resource: str, name: str, instance: Any) -> list[Any]:
    leaf, top = name.rpartition(".")[2], resource if "." not in name else None
    held = holders([(SENT, "$", instance)], name)
    assert held, f"{name}: no holder in the instance"
    return [f for sent, where, holder in held for f in judge(sent, where, holder, leaf, top)]


@pytest.mark.parametrize("rule", [r for r in PROFILE_RULES if r.check == "cp5-attribute"], ids=lambda r: r.id)
def test_an_attribute_check_passes_with_the_attribute_and_fails_without(rule: Any) -> None:
    resource, name = rule.params["resource"], rule.params["name"]
    instance = full_instance(resource)
    assert verdict(resource, name, instance) == []
    lacking, removed = without(instance, name)
    assert removed == 1
    failures = verdict(resource, name, lacking)
    assert [f.where for f in failures] == [f"$.{name}"]


class _OneAnswer:
    """Just enough of an ExtendedRun for `attribute`: one create answer, the rule being evaluated."""

    def __init__(self, name: str, body: dict[str, Any]) -> None:
        exchange = Exchange("POST", "http://x/productOrder", {}, None, 201, {}, json.dumps(body).encode())
        self.sent = Sent("create", "productOrder", exchange, None)
        self.rule = type("Rule", (), {"params": {"resource": "ProductOrder", "name": name}})()

    def probe(self, name: str) -> Evidence:
        if name != "v5.create":
            raise Blocked(f"{name} not gathered")
        return Evidence({"create": self.sent})


@pytest.mark.parametrize("name", ["productOrderItem.product.id", "productOrderItem.product.href"])
def test_a_product_value_need_not_hold_an_id_but_a_product_reference_must(name: str) -> None:
    value = {
        "@type": "ProductOrder",
        "productOrderItem": [{"product": {"@type": "Product", "isBundle": False}}],
    }
    parent = name.rpartition(".")[0]
    assert attribute(_OneAnswer(name, value)) == NotRun.inapplicable(  # type: ignore[arg-type]
        f"every {parent} in the responses is a value, not a reference"
    )
    reference = {"@type": "ProductOrder", "productOrderItem": [{"product": {"@type": "ProductRef"}}]}
    failures = attribute(_OneAnswer(name, reference))  # type: ignore[arg-type]
    assert not isinstance(failures, NotRun)
    assert [f.where for f in failures] == [f"$.{name.replace('productOrderItem', 'productOrderItem[0]')}"]
