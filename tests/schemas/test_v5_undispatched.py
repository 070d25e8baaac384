"""`undispatched_validator_for`: the v5 schemas as TM Forum's v5 CTK validates with them (discriminators
deleted, ajv without formats), for the official verdict only; `validator_for` is left as it was."""

from __future__ import annotations

import tmf622_schemas

CHARACTERISTIC_MISMATCH = {"@type": "StringCharacteristic", "name": "speed", "value": 1000}
PRODUCT_REF = {"@type": "ProductRef", "id": "P-1"}


def test_no_type_dispatch() -> None:
    strict = tmf622_schemas.validator_for("Characteristic", "5")
    official = tmf622_schemas.undispatched_validator_for("Characteristic", "5")
    assert not strict.is_valid(CHARACTERISTIC_MISMATCH)
    assert official.is_valid(CHARACTERISTIC_MISMATCH)
    assert not official.is_valid({**CHARACTERISTIC_MISMATCH, "name": 5})  # the structure still applies


def test_named_unions_are_exclusive_again() -> None:
    assert tmf622_schemas.undispatched_validator_for("ProductRefOrValue", "5").is_valid(PRODUCT_REF)
    exclusive = tmf622_schemas.undispatched_validator_for(
        "ProductRefOrValue", "5", frozenset({"ProductRefOrValue"})
    )
    errors = list(exclusive.iter_errors(PRODUCT_REF))
    assert [e.validator for e in errors] == ["oneOf"]
    assert exclusive.is_valid({"@type": "Product", "isBundle": False})  # no id: only Product matches


def test_formats_are_not_checked() -> None:
    late = {"@type": "ProductOrder", "creationDate": "yesterday"}
    assert tmf622_schemas.undispatched_validator_for("ProductOrder", "5").is_valid(late)
    assert not tmf622_schemas.validator_for("ProductOrder", "5").is_valid(late)


def test_the_shared_documents_keep_their_dispatch() -> None:
    tmf622_schemas.undispatched_validator_for("ProductRefOrValue", "5", frozenset({"ProductRefOrValue"}))
    document = tmf622_schemas.load_schema("ProductRefOrValue", "5")
    assert "allOf" in document
    assert "anyOf" in document["$defs"]["structure"]
    assert not tmf622_schemas.validator_for("Characteristic", "5").is_valid(CHARACTERISTIC_MISMATCH)
