"""The schema files themselves: valid draft 2020-12, named by their `$id`, every `$ref` resolvable."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from referencing.exceptions import Unresolvable

import tmf622_schemas
from tests.support.schemas.refs import iter_refs

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

#: The 71 definitions of the TMF622 v4.0.0 swagger, plus our create-time item variant.
SWAGGER_DEFINITIONS = {
    "AgreementItemRef", "AgreementRef", "Any", "AppointmentRef", "BillingAccountRef", "CancelOrder",
    "CancelProductOrder", "CancelProductOrder_Create", "Characteristic", "EntityRef", "Money", "Note",
    "OrderItemActionType", "OrderItemRelationship", "OrderPrice", "OrderTerm", "PaymentRef", "Place",
    "PlaceRef", "Price", "PriceAlteration", "Product", "ProductOfferingPriceRef",
    "ProductOfferingQualificationItemRef", "ProductOfferingQualificationRef", "ProductOfferingRef",
    "ProductOrder", "ProductOrder_Create", "ProductOrder_Update", "ProductOrderItem",
    "ProductOrderItemStateType", "ProductOrderRef", "ProductOrderStateType", "ProductPrice", "ProductRef",
    "ProductRefOrValue", "ProductRelationship", "ProductSpecificationRef", "ProductStatusType", "ProductTerm",
    "Quantity", "QuoteItemRef", "QuoteRef", "RelatedChannel", "RelatedParty", "RelatedPlaceRefOrValue",
    "RelatedProductOrderItem", "ResourceRef", "ServiceRef", "TargetProductSchema", "TaskStateType",
    "TimePeriod", "EventSubscription", "EventSubscriptionInput", "ProductOrderCreateEvent",
    "ProductOrderCreateEventPayload", "ProductOrderAttributeValueChangeEvent",
    "ProductOrderAttributeValueChangeEventPayload", "ProductOrderDeleteEvent",
    "ProductOrderDeleteEventPayload", "ProductOrderStateChangeEvent", "ProductOrderStateChangeEventPayload",
    "ProductOrderInformationRequiredEvent", "ProductOrderInformationRequiredEventPayload",
    "CancelProductOrderCreateEvent", "CancelProductOrderCreateEventPayload",
    "CancelProductOrderStateChangeEvent", "CancelProductOrderStateChangeEventPayload",
    "CancelProductOrderInformationRequiredEvent", "CancelProductOrderInformationRequiredEventPayload",
    "Error",
}  # fmt: skip
OUR_ADDITIONS = {"ProductOrderItem_Create"}

NAMES = tmf622_schemas.schema_names()


def test_swagger_definitions_are_all_covered() -> None:
    assert len(SWAGGER_DEFINITIONS) == 71
    assert set(NAMES) == SWAGGER_DEFINITIONS | OUR_ADDITIONS


@pytest.mark.parametrize("name", NAMES)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    schema = tmf622_schemas.load_schema(name)
    assert schema["$schema"] == DRAFT_2020_12
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name", NAMES)
def test_id_matches_file_name(name: str) -> None:
    schema = tmf622_schemas.load_schema(name)
    assert schema["$id"] == f"https://schemas.tmf622-toolkit.dev/v4/{name}.schema.json"
    assert schema["$id"] == tmf622_schemas.schema_uri(name)


@pytest.mark.parametrize("name", NAMES)
def test_schema_has_title_and_description(name: str) -> None:
    schema = tmf622_schemas.load_schema(name)
    assert schema["title"].strip()
    assert len(schema["description"]) > 20


@pytest.mark.parametrize("name", NAMES)
def test_every_ref_resolves_through_the_registry(name: str) -> None:
    resolver = tmf622_schemas.load_registry().resolver(base_uri=tmf622_schemas.schema_uri(name))
    for ref in iter_refs(tmf622_schemas.load_schema(name)):
        assert ref.endswith(".schema.json"), f"{name}: {ref} is not a relative reference to a schema file"
        assert ref.removesuffix(".schema.json") in NAMES, f"{name}: {ref} names no shipped schema"
        resolved = resolver.lookup(ref)
        assert resolved.contents["$id"] == tmf622_schemas.schema_uri(ref.removesuffix(".schema.json"))


def test_unknown_ref_does_not_resolve() -> None:
    """Guards the test above: the registry must not resolve names that have no file."""
    resolver = tmf622_schemas.load_registry().resolver(base_uri=tmf622_schemas.schema_uri("ProductOrder"))
    with pytest.raises(Unresolvable):
        resolver.lookup("NoSuchThing.schema.json")


def test_every_schema_is_reachable_or_a_named_root() -> None:
    """Each file is referenced by another one or is an entry point the API uses directly."""
    roots = {
        "ProductOrder", "ProductOrder_Create", "ProductOrder_Update", "CancelProductOrder",
        "CancelProductOrder_Create", "EventSubscription", "EventSubscriptionInput", "Error",
        "CancelOrder", "EntityRef", "Place", "PlaceRef", "Product", "ProductRef",
    }  # fmt: skip
    events = {name for name in NAMES if name.endswith("Event")}
    referenced = {
        ref.removesuffix(".schema.json")
        for name in NAMES
        for ref in iter_refs(tmf622_schemas.load_schema(name))
    }
    assert set(NAMES) - referenced - roots - events == set()


def test_nested_order_items_resolve_recursively() -> None:
    """ProductOrderItem refers to itself: three levels deep still validates against the item schema."""
    deep = {"id": "3", "action": "sideways"}
    body = {"productOrderItem": [{"id": "1", "action": "add", "productOrderItem": [
        {"id": "2", "action": "add", "productOrderItem": [deep]},
    ]}]}  # fmt: skip
    for name in ("ProductOrder", "ProductOrder_Create"):
        errors = list(tmf622_schemas.validator_for(name).iter_errors(body))
        assert [e.json_path for e in errors] == [
            "$.productOrderItem[0].productOrderItem[0].productOrderItem[0].action"
        ]


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("OrderItemActionType", ["add", "modify", "delete", "noChange"]),
        ("TaskStateType", ["acknowledged", "terminatedWithError", "inProgress", "done"]),
        (
            "ProductOrderStateType",
            ["acknowledged", "rejected", "pending", "held", "inProgress", "cancelled", "completed", "failed",
             "partial", "assessingCancellation", "pendingCancellation"],
        ),
        (
            "ProductOrderItemStateType",
            ["acknowledged", "rejected", "pending", "held", "inProgress", "cancelled", "completed", "failed",
             "assessingCancellation", "pendingCancellation"],
        ),
    ],
)  # fmt: skip
def test_enumerations_follow_the_v4_swagger(name: str, values: list[str]) -> None:
    validator = tmf622_schemas.validator_for(name)
    assert sorted(tmf622_schemas.load_schema(name)["enum"]) == sorted(values)
    for value in values:
        assert validator.is_valid(value)
    assert not validator.is_valid("draft")
    assert not validator.is_valid(values[0].upper())


def test_editing_a_loaded_schema_cannot_weaken_validation() -> None:
    schema = tmf622_schemas.load_schema("Error")
    schema["required"].clear()
    assert tmf622_schemas.load_schema("Error")["required"] == ["code", "reason"]
    assert not tmf622_schemas.validator_for("Error").is_valid({})
