"""The generated v5 schemas: what the generator makes of the official OAS, and how they validate.

Regeneration from TM Forum's OAS must give the committed files byte for byte; every file is a valid
draft 2020-12 schema whose `$ref`s resolve; documents of the main resources pass or fail as the OAS
says; `@type` selects the schema (the discriminator is enforced); the compiled and the reference
validator agree.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from jsonschema import Draft202012Validator

import tmf622_schemas
from tests.support.schemas.generator_script import generator, read_oas, reference_oas_path
from tests.support.schemas.refs import iter_refs
from tests.support.schemas.v5_documents import CREATE, INVALID, VALID, mutations

NAMES = tmf622_schemas.schema_names("5")
V5_DIR = Path(tmf622_schemas.__file__).parent / "v5"


@pytest.fixture(scope="module")
def official_oas(ctk_unavailable: Callable[[str], NoReturn]) -> dict[str, Any]:
    """TM Forum's v5.0.0 OAS; skipped when absent (failed under TMF622_REQUIRE_CTK=1)."""
    path = reference_oas_path()
    if not path.is_file():
        ctk_unavailable(f"the official TMF622 v5.0.0 OAS is not at {path}: set {generator.OAS_ENV}")
    return read_oas(path)


def test_regenerating_gives_the_committed_files_byte_for_byte(official_oas: dict[str, Any]) -> None:
    files = generator.generate(official_oas)
    assert len(files) == len(official_oas["components"]["schemas"]) == len(NAMES)
    assert generator.differences(files, V5_DIR) == []
    for name, document in files.items():
        assert (V5_DIR / name).read_bytes() == generator.render(document).encode("utf-8"), name


def test_the_default_oas_path_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(generator.OAS_ENV, "/elsewhere/oas.json")
    assert generator.oas_path(None) == Path("/elsewhere/oas.json")
    assert generator.oas_path("given.json") == Path("given.json")
    monkeypatch.delenv(generator.OAS_ENV)
    assert generator.oas_path(None) == generator.DEFAULT_OAS


def test_every_v5_file_is_named_by_its_id_and_is_valid_draft_2020_12() -> None:
    for name in NAMES:
        document = tmf622_schemas.load_schema(name, "5")
        assert document["$id"] == tmf622_schemas.schema_uri(name, "5")
        Draft202012Validator.check_schema(document)


def test_every_v5_ref_resolves() -> None:
    registry = tmf622_schemas.load_registry("5")
    for name in NAMES:
        resolver = registry.resolver(base_uri=tmf622_schemas.schema_uri(name, "5"))
        for ref in iter_refs(tmf622_schemas.load_schema(name, "5")):
            assert resolver.lookup(ref).contents is not None, f"{name}: {ref}"


def same_place_refs(node: Any) -> Iterator[str]:
    """`$ref`s that apply to the same place of an instance (not through properties or items)."""
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        yield node["$ref"]
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(key, []):
            yield from same_place_refs(sub)
    for key in ("if", "then", "else", "not"):
        yield from same_place_refs(node.get(key))


def test_no_ref_cycle_at_one_place_of_an_instance() -> None:
    """A cycle here would recurse forever on any instance: the dispatch must never lead back to itself."""
    graph: dict[str, set[str]] = {}
    for name in NAMES:
        uri = tmf622_schemas.schema_uri(name, "5")
        document = tmf622_schemas.load_schema(name, "5")
        graph[uri] = {absolute(uri, ref) for ref in same_place_refs(document)}
        if "structure" in document.get("$defs", {}):
            structure = document["$defs"]["structure"]
            graph[f"{uri}#/$defs/structure"] = {absolute(uri, ref) for ref in same_place_refs(structure)}
    assert set().union(*graph.values()) <= set(graph)
    assert find_cycle(graph) is None


def absolute(base: str, ref: str) -> str:
    """`ref` (relative, as the generator writes them) made absolute against the `$id` `base`."""
    return f"{base}{ref}" if ref.startswith("#") else f"{base.rsplit('/', 1)[0]}/{ref}"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of `graph` as the list of its nodes, or None (depth-first search)."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path, node]
        if node in done:
            return None
        for target in sorted(graph[node]):
            if (cycle := visit(target, [*path, node])) is not None:
                return cycle
        done.add(node)
        return None

    return next((cycle for start in sorted(graph) if (cycle := visit(start, [])) is not None), None)


def test_find_cycle_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def both_verdicts(name: str, document: Any) -> tuple[bool, bool]:
    """(reference validator, compiled validator) verdicts on `document` for v5 schema `name`."""
    slow = tmf622_schemas.validator_for(name, "5").is_valid(document)
    fast = tmf622_schemas.fast_validator_for(name, "5").is_valid(document)
    return slow, fast


@pytest.mark.parametrize(
    ("name", "document"), VALID, ids=[f"{name}-{i}" for i, (name, _) in enumerate(VALID)]
)
def test_valid_documents_pass(name: str, document: dict[str, Any]) -> None:
    errors = [error.message for error in tmf622_schemas.validator_for(name, "5").iter_errors(document)]
    assert errors == []
    assert both_verdicts(name, document) == (True, True)


@pytest.mark.parametrize(("name", "document", "why"), INVALID, ids=[why for _, _, why in INVALID])
def test_invalid_documents_fail(name: str, document: dict[str, Any], why: str) -> None:
    assert both_verdicts(name, document) == (False, False), why


def structure_verdict(name: str, document: Any) -> bool:
    """Whether `name`'s structure alone (no `@type` dispatch) accepts `document`."""
    schema = {"$ref": f"{tmf622_schemas.schema_uri(name, '5')}#/$defs/structure"}
    validator = Draft202012Validator(schema, registry=tmf622_schemas.load_registry("5"))
    return validator.is_valid(document)


def test_type_selects_the_characteristic_schema() -> None:
    """Characteristic_FVO maps IntegerCharacteristic: its `value` must then be an integer."""
    wrong = {"@type": "IntegerCharacteristic", "name": "speed", "value": "fast"}
    assert structure_verdict("Characteristic_FVO", wrong)  # the base alone accepts it ...
    assert both_verdicts("Characteristic_FVO", wrong) == (False, False)  # ... the mapped subtype refuses it
    assert both_verdicts("Characteristic_FVO", {**wrong, "value": 100}) == (True, True)


def test_type_selects_the_union_member() -> None:
    """ProductRefOrValue_FVO maps ProductRef (id required) and Product (id optional)."""
    assert both_verdicts("ProductRefOrValue_FVO", {"@type": "ProductRef"}) == (False, False)
    assert both_verdicts("ProductRefOrValue_FVO", {"@type": "Product"}) == (True, True)
    # Both members accept a referenced product: the OAS's oneOf would refuse it, the discriminator picks one.
    assert both_verdicts("ProductRefOrValue_FVO", {"@type": "ProductRef", "id": "p"}) == (True, True)


def test_an_unmapped_type_is_checked_against_the_base() -> None:
    """TMF extension types (`@schemaLocation`) are accepted, but the base schema still applies."""
    extension = {"@type": "MyCharacteristic", "@baseType": "Characteristic", "name": "n", "value": [1]}
    assert both_verdicts("Characteristic_FVO", extension) == (True, True)
    assert both_verdicts("Characteristic_FVO", {**extension, "name": 3}) == (False, False)
    assert both_verdicts("ProductRefOrValue_FVO", {"@type": "MyProduct", "name": 3}) == (False, False)


def test_a_related_party_deep_in_a_post_body_is_dispatched_too() -> None:
    """The dispatch applies at any depth: `@type` PartyRoleRef inside the body selects PartyRoleRef_FVO."""
    body = copy.deepcopy(CREATE)
    party = {"@type": "PartyRoleRef", "id": "r-1", "partyId": 5}  # PartyRoleRef's partyId is a string
    body["relatedParty"][0]["partyOrPartyRole"] = party
    assert both_verdicts("ProductOrder_FVO", body) == (False, False)
    party["@type"] = "PartyRef"  # PartyRef has no partyId: an extra field is allowed
    assert both_verdicts("ProductOrder_FVO", body) == (True, True)
    del party["id"]  # whatever the member, a reference needs an id
    assert both_verdicts("ProductOrder_FVO", body) == (False, False)


def agreement_corpus() -> Iterator[tuple[str, Any]]:
    """Every example document, and small breakages of each valid one and of an order item."""
    for name, document in VALID:
        yield name, document
        for mutated in mutations(document):
            yield name, mutated
    for name, document, _ in INVALID:
        yield name, document
    for mutated in mutations(VALID[0][1]["productOrderItem"][0]):
        yield "ProductOrder_FVO", {**VALID[0][1], "productOrderItem": [mutated]}


def test_fast_and_reference_validators_agree() -> None:
    corpus = list(agreement_corpus())
    disagreements = [(name, doc) for name, doc in corpus if len(set(both_verdicts(name, doc))) != 1]
    assert disagreements == []
    verdicts = [both_verdicts(name, doc)[0] for name, doc in corpus]
    assert len(corpus) > 500
    assert 0 < sum(verdicts) < len(corpus)  # both kinds of verdict are exercised


def test_v4_stays_the_default_version() -> None:
    assert tmf622_schemas.schema_names() == tmf622_schemas.schema_names("4")
    assert tmf622_schemas.validator_for("ProductOrder").schema["$id"].endswith("/v4/ProductOrder.schema.json")
    assert (
        tmf622_schemas.validator_for("ProductOrder", "5")
        .schema["$id"]
        .endswith("/v5/ProductOrder.schema.json")
    )
    assert "ProductOrder_FVO" not in tmf622_schemas.schema_names()
    assert "ProductOrder_Create" not in NAMES


def test_an_unknown_version_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown TMF622 schema version '6'"):
        tmf622_schemas.schema_names("6")
