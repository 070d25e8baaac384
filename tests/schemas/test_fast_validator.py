"""The compiled validator (`fast_validator_for`) and the reference one (`validator_for`) agree.

The mock answers valid / invalid with the compiled one and words errors with the reference one: if
they ever disagreed, the mock would accept what the schemas refuse (or refuse with no error to show).
A fixed corpus pins the edges where the two libraries are known to differ (date-time, uri); random
mutations of valid documents explore the rest.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tmf622_schemas
from tests.support.schemas.payloads import CTK_CREATE_BODY, SERVER_ORDER, with_changes

#: A create request using most optional parts of the schema (what the CTK body leaves out).
RICH_CREATE_BODY: dict[str, Any] = {
    key: value for key, value in SERVER_ORDER.items() if key not in {"id", "href", "orderDate", "state"}
}
RICH_CREATE_BODY.pop("expectedCompletionDate")
RICH_CREATE_BODY["productOrderItem"] = [
    {key: value for key, value in item.items() if key != "state"} for item in SERVER_ORDER["productOrderItem"]
]

#: (schema, a valid document of it): the documents the mock validates on its request paths.
SEEDS: list[tuple[str, dict[str, Any]]] = [
    ("ProductOrder_Create", CTK_CREATE_BODY),
    ("ProductOrder_Create", RICH_CREATE_BODY),
    ("ProductOrder", SERVER_ORDER),
    ("ProductOrder_Update", {"description": "new text", "state": "held"}),
    ("CancelProductOrder_Create", {"productOrder": {"id": "3f1c2a"}, "cancellationReason": "x"}),
    ("CancelProductOrder", {"id": "c1", "href": "/c1", "state": "done", "productOrder": {"id": "1"}}),
    ("EventSubscriptionInput", {"callback": "http://127.0.0.1:9/listener", "query": "eventType=x"}),
]

#: Where rfc3339-validator and rfc3986-validator (the reference's format checkers) and jsonschema-rs's
#: own checkers differ, or could: leap seconds, year 0, a trailing newline, odd offsets, IRIs.
DATE_TIMES = [
    "2026-11-27T10:00:00Z", "2026-11-27t10:00:00z", "2026-11-27T23:59:60Z", "0000-01-01T00:00:00Z",
    "2026-11-27T10:00:00Z\n", "2026-02-29T10:00:00Z", "2024-02-29T10:00:00Z", "2026-11-27T10:00:00",
    "2026-11-27T10:00:00+24:00", "2026-11-27T10:00:00-00:00", "2026-11-27T10:00:00.Z", "2026-11-27T10:00Z",
    "2026-11-27T10:00:00.123456789+01:00", "2026-11-27 10:00:00Z", "2026-11-27T10:00:00,5Z",
    "2026-11-27T24:00:00Z", "2026-11-31T10:00:00Z", "2026-11-27", "", " 2026-11-27T10:00:00Z",
]  # fmt: skip
URIS = [
    "http://a", "https://example.test/x?y#z", "not a uri", "a:b", "urn:isbn:123", "/relative", "//host/p",
    "http://[::1]/", "http://[::1", "http://a/%zz", "http://a/ü", "http://ü.de/", "http:", "http://a:99999/",
    "http://a:b/", "http://a/b c", "http://a/{x}", "http://a#b#c", "http://a/%2", "HTTP://A", "x", "",
    "http://a/\n", "1http:foo",
]  # fmt: skip
ENUM_VALUES = ["add", "modify", "delete", "noChange", "acknowledged", "held", "done", "completed", "bogus"]

#: Property names the schemas know, so mutations land on checked fields, not only on extensions.
FIELD_NAMES = sorted(
    {
        name
        for schema in tmf622_schemas.schema_names()
        for name in tmf622_schemas.load_schema(schema).get("properties", {})
    }
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(DATE_TIMES + URIS + ENUM_VALUES)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELD_NAMES), inner, max_size=3)
    ),
    max_leaves=6,
)


def agree(schema: str, document: Any) -> bool:
    """Both verdicts, asserted equal; the verdict."""
    reference = tmf622_schemas.validator_for(schema).is_valid(document)
    assert tmf622_schemas.fast_validator_for(schema).is_valid(document) is reference, (schema, document)
    return reference


def containers(document: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of every object and array in `document` (the root included)."""
    if isinstance(document, dict):
        children = document.items()
    elif isinstance(document, list):
        children = enumerate(document)
    else:
        return []
    return [path] + [found for key, child in children for found in containers(child, (*path, key))]


def mutated(document: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """`document` with one container changed: a member replaced, removed or added."""
    result = copy.deepcopy(document)
    path = data.draw(st.sampled_from(containers(result)))
    target: Any = result
    for step in path:
        target = target[step]
    keys = list(target.keys()) if isinstance(target, dict) else list(range(len(target)))
    action = data.draw(st.sampled_from(["replace", "remove", "add"] if keys else ["add"]))
    if action == "add" and isinstance(target, dict):
        target[data.draw(st.sampled_from(FIELD_NAMES))] = data.draw(json_values)
    elif action == "add":
        target.append(data.draw(json_values))
    else:
        key = data.draw(st.sampled_from(keys))
        if action == "remove":
            del target[key]
        else:
            target[key] = data.draw(json_values)
    return result


@pytest.mark.parametrize(
    ("schema", "document"), SEEDS, ids=[f"{name}-{i}" for i, (name, _) in enumerate(SEEDS)]
)
def test_seed_documents_are_valid_for_both(schema: str, document: dict[str, Any]) -> None:
    assert agree(schema, document)


@pytest.mark.parametrize("value", DATE_TIMES)
@pytest.mark.parametrize(("schema", "path"), [
    ("ProductOrder_Create", ["requestedStartDate"]),
    ("ProductOrder", ["orderDate"]),
    ("ProductOrder", ["note", 0, "date"]),
])  # fmt: skip
def test_date_time_edges_get_the_same_verdict(schema: str, path: list[str | int], value: str) -> None:
    seed = CTK_CREATE_BODY if schema == "ProductOrder_Create" else SERVER_ORDER
    agree(schema, with_changes(seed, path, value))


@pytest.mark.parametrize("value", URIS)
def test_uri_edges_get_the_same_verdict(value: str) -> None:
    agree("ProductOrder_Create", {**CTK_CREATE_BODY, "@schemaLocation": value})
    agree("EventSubscriptionInput", {"callback": value})


def test_format_edges_include_both_verdicts() -> None:
    """The edge corpus is only worth something if it holds values each side accepts and refuses."""
    verdicts = {agree("ProductOrder", {**SERVER_ORDER, "orderDate": value}) for value in DATE_TIMES}
    verdicts |= {agree("EventSubscriptionInput", {"callback": value}) for value in URIS}
    assert verdicts == {True, False}


@pytest.mark.parametrize(
    ("schema", "document"),
    [
        ("ProductOrder_Create", with_changes(CTK_CREATE_BODY, ["productOrderItem", 0, "action"], "create")),
        ("ProductOrder_Create", with_changes(CTK_CREATE_BODY, ["productOrderItem"], [])),
        ("ProductOrder_Create", {**CTK_CREATE_BODY, "state": "acknowledged"}),
        ("ProductOrder_Create", with_changes(CTK_CREATE_BODY, ["productOrderItem", 0, "quantity"], 1.5)),
        ("ProductOrder_Create", with_changes(CTK_CREATE_BODY, ["productOrderItem", 0, "quantity"], 2.0)),
        ("ProductOrder_Create", with_changes(CTK_CREATE_BODY, ["productOrderItem", 0, "quantity"], True)),
        ("ProductOrder_Create", with_changes(CTK_CREATE_BODY, ["productOrderItem", 0, "quantity"], 2**80)),
        ("ProductOrder", with_changes(SERVER_ORDER, ["state"], "draft")),
        ("ProductOrder", with_changes(SERVER_ORDER, ["productOrderItem", 0, "product", "status"], "gone")),
        ("CancelProductOrder_Create", {"productOrder": {"href": "/x"}}),
    ],
)
def test_known_mistakes_get_the_same_verdict(schema: str, document: dict[str, Any]) -> None:
    agree(schema, document)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(SEEDS), data=st.data())
def test_random_mutations_get_the_same_verdict(seed: tuple[str, dict[str, Any]], data: st.DataObject) -> None:
    schema, document = seed
    agree(schema, mutated(document, data))


@pytest.mark.parametrize("name", tmf622_schemas.schema_names())
def test_every_schema_compiles_and_agrees_on_trivial_documents(name: str) -> None:
    """Every `$ref` resolves inside the compiled registry too (a miss would raise, never fetch)."""
    for document in ({}, "text", 1, None, [], {"id": "1", "@type": "X"}):
        agree(name, document)
