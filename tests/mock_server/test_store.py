"""MemoryStore: CRUD semantics, copies, and indexes that answer without scanning (and agree with a scan)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from mock_helpers import listed

from mock_server.store import query as query_module
from mock_server.store.base import DuplicateIdError, read
from mock_server.store.memory import MemoryStore
from mock_server.store.query import Condition, SortKey, matches_all, parse_condition

N = 1000


def order(n: int) -> dict[str, Any]:
    return {
        "id": f"o{n}",
        "orderDate": f"2026-11-27T10:{n // 60 % 60:02d}:{n % 60:02d}.000Z",
        "state": ["acknowledged", "inProgress", "completed"][n % 3],
        "externalId": f"e{n % 10}",
        "description": f"d{n % 7}",
        "relatedParty": [{"id": f"p{n % 5}"}, {"id": f"p{n % 11 + 100}"}],
    }


@pytest.fixture
def store() -> MemoryStore:
    filled = MemoryStore()
    for n in range(N):
        filled.add("productOrder", order(n))
    return filled


@pytest.fixture
def predicate_calls(monkeypatch: pytest.MonkeyPatch) -> list[Condition]:
    """Every call of the shared filter predicate, i.e. every resource a query had to look at."""
    calls: list[Condition] = []
    real = query_module.matches

    def counting(resource: dict[str, Any], condition: Condition) -> bool:
        calls.append(condition)
        return real(resource, condition)

    monkeypatch.setattr(query_module, "matches", counting)
    return calls


def test_crud_and_copies() -> None:
    store = MemoryStore()
    document = {"id": "a", "state": "acknowledged"}
    store.add("productOrder", document)
    document["state"] = "mutated by the caller"
    fetched = read(store, "productOrder", "a")
    assert fetched == {"id": "a", "state": "acknowledged"}
    assert fetched is not None
    fetched["state"] = "mutated again"
    assert read(store, "productOrder", "a") == {"id": "a", "state": "acknowledged"}
    with pytest.raises(DuplicateIdError):
        store.add("productOrder", {"id": "a"})
    assert read(store, "cancelProductOrder", "a") is None
    assert store.replace("productOrder", {"id": "a", "state": "held"})
    assert not store.replace("productOrder", {"id": "zz"})
    assert listed(store, "productOrder", [parse_condition("state", "held")], [], 0, 10) == (
        [{"id": "a", "state": "held"}],
        1,
    )
    assert listed(store, "productOrder", [parse_condition("state", "acknowledged")], [], 0, 10) == ([], 0)
    assert store.delete("productOrder", "a")
    assert not store.delete("productOrder", "a")
    assert listed(store, "productOrder", [parse_condition("id", "a")], [], 0, 10) == ([], 0)


def test_reset_empties_every_collection(store: MemoryStore) -> None:
    store.add("cancelProductOrder", {"id": "t", "productOrder": {"id": "o1"}})
    store.reset()
    assert listed(store, "productOrder", [], [], 0, 10) == ([], 0)
    assert listed(store, "cancelProductOrder", [parse_condition("productOrder.id", "o1")], [], 0, 10) == (
        [],
        0,
    )


@pytest.mark.parametrize(
    ("name", "value", "expected_total"),
    [
        ("id", "o500", 1),
        ("id", "o1,o2,nope", 2),
        ("state", "completed", N // 3),
        ("relatedParty.id", "p3", N // 5),
        ("relatedParty.id", "p3,p104", 273),
        ("orderDate", "'2026-11-27T10:05:00Z'", 1),
        ("orderDate.gte", "2026-11-27T10:16:00Z", N - 960),
        ("orderDate.lt", "2026-11-27T10:00:10.000Z", 10),
        ("externalId", "e3", N // 10),
    ],
)
def test_indexed_filters_do_not_scan(
    store: MemoryStore, predicate_calls: list[Condition], name: str, value: str, expected_total: int
) -> None:
    page, total = listed(store, "productOrder", [parse_condition(name, value)], [], 0, N)
    assert total == expected_total == len(page)
    assert predicate_calls == []


def test_unindexed_filter_scans_only_index_candidates(
    store: MemoryStore, predicate_calls: list[Condition]
) -> None:
    _, total = listed(store, "productOrder", [parse_condition("description", "d1")], [], 0, 10)
    assert total == len([n for n in range(N) if n % 7 == 1])
    assert len(predicate_calls) == N  # no index on description: every order is looked at
    predicate_calls.clear()
    conditions = [parse_condition("id", "o1,o8,o15"), parse_condition("description", "d1")]
    assert listed(store, "productOrder", conditions, [], 0, 10)[1] == 3
    assert len(predicate_calls) == 3  # only the id index's candidates


def test_get_does_not_scan(store: MemoryStore, predicate_calls: list[Condition]) -> None:
    assert read(store, "productOrder", "o999") == order(999)
    assert read(store, "productOrder", "nope") is None
    assert predicate_calls == []


def test_indexes_agree_with_a_full_scan(store: MemoryStore) -> None:
    """Random conditions and updates: the indexed answer is always the brute-force answer."""
    chooser = random.Random(622)
    documents = {f"o{n}": order(n) for n in range(N)}
    for round_number in range(200):
        victim = f"o{chooser.randrange(N)}"
        if round_number % 3 == 0:
            changed = {**documents[victim], "state": chooser.choice(["held", "completed"])}
            store.replace("productOrder", changed)
            documents[victim] = changed
        conditions = [_random_condition(chooser) for _ in range(chooser.randint(1, 2))]
        page, total = listed(store, "productOrder", conditions, [], 0, N)
        expected = [d for d in reversed(documents.values()) if matches_all(d, conditions)]
        assert (page, total) == (expected, len(expected)), conditions


def _random_condition(chooser: random.Random) -> Condition:
    minute, second = chooser.randrange(17), chooser.randrange(60)
    options = [
        ("id", f"o{chooser.randrange(N + 5)}"),
        ("state", chooser.choice(["acknowledged", "held", "completed", "x"])),
        ("relatedParty.id", f"p{chooser.randrange(5)},p{chooser.randrange(100, 111)}"),
        (
            f"orderDate.{chooser.choice(['eq', 'gt', 'gte', 'lt', 'lte'])}",
            f"2026-11-27T10:{minute:02d}:{second:02d}Z",
        ),
        ("externalId", f"e{chooser.randrange(12)}"),
    ]
    return parse_condition(*chooser.choice(options))


def test_paging_and_sorting(store: MemoryStore) -> None:
    page, total = listed(store, "productOrder", [], [], 10, 3)
    assert [o["id"] for o in page] == ["o989", "o988", "o987"]
    assert total == N
    ascending, _ = listed(
        store, "productOrder", [parse_condition("state", "completed")], [SortKey(("orderDate",))], 0, 2
    )
    assert [o["id"] for o in ascending] == ["o2", "o5"]
