"""The v5 generator's conversions, on small made-up OAS documents (no reference file needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from tests.support.schemas.generator_script import generator

BASE = "https://schemas.tmf622-toolkit.dev/v5/"


def oas(**schemas: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.0.1", "components": {"schemas": schemas}}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


#: A base with a discriminator naming a subtype whose `allOf` refers back to the base, plus a union.
FAMILY = oas(
    Base={
        "type": "object",
        "properties": {"@type": {"type": "string"}, "name": {"type": "string"}},
        "required": ["@type"],
        "discriminator": {
            "propertyName": "@type",
            "mapping": {"Base": "#/components/schemas/Base", "Sub": "#/components/schemas/Sub"},
        },
    },
    Sub={
        "allOf": [ref("Base"), {"type": "object", "properties": {"value": {"type": "integer"}}}],
        "discriminator": {"propertyName": "@type", "mapping": {"Sub": "#/components/schemas/Sub"}},
    },
    Other={"allOf": [ref("Base"), {"type": "object", "required": ["id"]}]},
    Either={
        "type": "object",
        "oneOf": [ref("Sub"), ref("Other")],
        "discriminator": {
            "propertyName": "@type",
            "mapping": {"Sub": "#/components/schemas/Sub", "Other": "#/components/schemas/Other"},
        },
    },
    Holder={
        "type": "object",
        "properties": {"part": ref("Base"), "parts": {"type": "array", "items": ref("Either")}},
    },
)


def validator(files: dict[str, dict[str, Any]], name: str) -> Draft202012Validator:
    registry: Registry[Any] = Registry().with_resources(
        (document["$id"], DRAFT202012.create_resource(document)) for document in files.values()
    )
    return Draft202012Validator(files[f"{name}.schema.json"], registry=registry)


def test_header_and_relative_refs() -> None:
    files = generator.generate(FAMILY)
    holder = files["Holder.schema.json"]
    assert holder["$id"] == f"{BASE}Holder.schema.json"
    assert holder["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert holder["properties"]["part"] == {"$ref": "Base.schema.json"}
    assert holder["properties"]["parts"]["items"] == {"$ref": "Either.schema.json"}


def test_inheritance_refers_to_the_structure_not_the_dispatch() -> None:
    files = generator.generate(FAMILY)
    assert files["Sub.schema.json"]["allOf"][0] == {"$ref": "Base.schema.json#/$defs/structure"}
    assert files["Base.schema.json"]["$ref"] == "#/$defs/structure"
    assert "discriminator" not in files["Base.schema.json"]["$defs"]["structure"]


def test_self_only_mapping_gives_a_plain_schema() -> None:
    sub = generator.generate(FAMILY)["Sub.schema.json"]
    assert "$defs" not in sub
    assert "discriminator" not in sub


def test_mapped_type_is_validated_against_its_schema() -> None:
    base = validator(generator.generate(FAMILY), "Base")
    assert base.is_valid({"@type": "Sub", "value": 3})
    assert not base.is_valid({"@type": "Sub", "value": "three"})
    # The structure alone accepts it: only the dispatch can refuse it.
    assert base.is_valid({"@type": "Base", "value": "three"})
    assert base.is_valid({"@type": "SomeExtension", "value": "three"})


def test_union_picks_its_member_by_type_and_accepts_an_overlap() -> None:
    either = validator(generator.generate(FAMILY), "Either")
    assert generator.generate(FAMILY)["Either.schema.json"]["$defs"]["structure"]["anyOf"]
    # Matches both Sub and Other: the OAS's oneOf would refuse it.
    assert either.is_valid({"@type": "Other", "id": "1", "value": 2})
    assert not either.is_valid({"@type": "Other"})  # Other requires id
    assert not either.is_valid({"@type": "Sub", "value": "x"})
    assert either.is_valid({"@type": "Unmapped", "id": "1"})
    assert not either.is_valid({"@type": "Unmapped", "value": "x"})  # no member accepts it


def test_nullable_example_and_annotations() -> None:
    source = {
        "type": "object",
        "properties": {
            "when": {"type": "string", "format": "date-time", "nullable": True, "readOnly": True},
            "kind": {"type": "string", "enum": ["a", "b"], "nullable": True, "writeOnly": True},
            "example": {"type": "string", "example": "x"},
        },
    }
    props = generator.generate(oas(Thing=source))["Thing.schema.json"]["properties"]
    assert props["when"] == {"type": ["string", "null"], "format": "date-time", "readOnly": True}
    assert props["kind"] == {"type": ["string", "null"], "enum": ["a", "b", None], "writeOnly": True}
    assert props["example"] == {"type": "string", "examples": ["x"]}  # a property named like a keyword


def test_a_ref_outside_components_schemas_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        generator.generate(oas(Thing={"$ref": "other.yaml#/Thing"}))


def test_render_is_sorted_indented_and_ends_with_a_newline() -> None:
    text = generator.render({"b": 1, "a": {"d": 2, "c": "é"}})
    assert text == '{\n  "a": {\n    "c": "é",\n    "d": 2\n  },\n  "b": 1\n}\n'


def test_check_reports_missing_stale_and_changed_files(tmp_path: Path) -> None:
    files = generator.generate(FAMILY)
    generator.write(files, tmp_path)
    assert generator.differences(files, tmp_path) == []
    (tmp_path / "Sub.schema.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "Holder.schema.json").unlink()
    (tmp_path / "Gone.schema.json").write_text("{}\n", encoding="utf-8")
    assert generator.differences(files, tmp_path) == [
        "missing: Holder.schema.json",
        "not generated: Gone.schema.json",
        "differs: Sub.schema.json",
    ]
    generator.write(files, tmp_path)
    assert generator.differences(files, tmp_path) == []
