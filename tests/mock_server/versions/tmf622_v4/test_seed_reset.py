"""Seed files (YAML/JSON) stored at start, checked with file and path in errors; POST /_mock/reset."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mock_server.app import create_app
from mock_server.config.settings import Settings
from mock_server.domain.seed import SeedError
from mock_server.keys import NOTIFIER_KEY
from mock_server.versions.tmf622_v4.seed import load_seed
from tests.support.mock.mock_helpers import BASE_PATH, TIMEOUT_S, Api

ApiFactory = Callable[..., Api]
ITEM = {"id": "1", "action": "add"}

YAML_ORDERS = """\
# a plain list: every entry is a productOrder
- id: seeded-1
  orderDate: 2026-02-01T09:00:00Z     # unquoted: must stay a string, not a YAML timestamp
  state: completed
  productOrderItem: [{id: "1", action: add, state: completed}]
- description: no server fields at all
  productOrderItem:
    - {id: "1", action: add}
"""
JSON_BOTH = {
    "productOrder": [
        {
            "id": "seeded-3",
            "productOrderItem": [ITEM],
            "externalId": "ext-3",
            "orderDate": "2026-02-02T10:00:00Z",
        }
    ],
    "cancelProductOrder": [{"id": "task-1", "productOrder": {"id": "seeded-3"}, "state": "done"}],
}


@pytest.fixture
def seed_files(tmp_path: Path) -> tuple[str, str]:
    orders, both = tmp_path / "orders.yaml", tmp_path / "more.json"
    orders.write_text(YAML_ORDERS)
    both.write_text(json.dumps(JSON_BOTH))
    return str(orders), str(both)


def listed(api: Api, collection: str = "productOrder") -> list[dict[str, Any]]:
    response = api.http.get(api.url(collection), timeout=TIMEOUT_S)
    assert response.status_code == 200
    body: list[dict[str, Any]] = response.json()
    return body


def reset(api: Api) -> None:
    response = api.http.post(f"{api.root}/_mock/reset", json={}, timeout=TIMEOUT_S)
    assert (response.status_code, response.content) == (204, b"")


def test_seed_files_are_stored_with_server_fields_filled_in(
    make_api: ApiFactory, seed_files: tuple[str, str]
) -> None:
    api = make_api(seed_files=seed_files)
    third, second, first = listed(api)  # newest first: file order is creation order
    assert first == {
        "id": "seeded-1",
        "href": f"{api.base}/productOrder/seeded-1",  # absolute, as a created order's (listening address)
        "orderDate": "2026-02-01T09:00:00Z",
        "state": "completed",
        "productOrderItem": [{"id": "1", "action": "add", "state": "completed"}],
        "@type": "ProductOrder",
        "relatedParty": [],
        "completionDate": "2026-02-01T09:00:00Z",  # TMF622B: filled once completed
    }
    assert second["state"] == "acknowledged"
    assert second["href"] == f"{api.base}/productOrder/{second['id']}"
    assert len(second["id"]) == 36
    assert "orderDate" in second
    assert third["externalId"] == "ext-3"
    assert api.http.get(api.url("productOrder/seeded-1"), timeout=TIMEOUT_S).json() == first
    [task] = listed(api, "cancelProductOrder")
    assert task == {
        "id": "task-1",
        "href": f"{api.base}/cancelProductOrder/task-1",
        "productOrder": {"id": "seeded-3"},
        "state": "done",
        "@type": "CancelProductOrder",
    }
    assert [o["id"] for o in api.http.get(api.url("productOrder?externalId=ext-3")).json()] == ["seeded-3"]


def test_public_url_makes_seeded_hrefs_absolute(make_api: ApiFactory, seed_files: tuple[str, str]) -> None:
    api = make_api(seed_files=seed_files[1:], public_url="https://orders.example.com")
    [order] = listed(api)
    assert order["href"] == f"https://orders.example.com{BASE_PATH}/productOrder/seeded-3"


def test_reset_empties_everything_and_seeds_again(make_api: ApiFactory, seed_files: tuple[str, str]) -> None:
    api = make_api(seed_files=seed_files[1:], notify_attempts=1)
    seeded = listed(api)
    created = api.create_order()
    assert api.http.patch(
        api.url("productOrder/seeded-3"),
        json={"description": "changed"},
        headers={"Content-Type": "application/merge-patch+json"},
        timeout=TIMEOUT_S,
    ).ok
    subscription = api.http.post(api.url("hub"), json={"callback": f"http://127.0.0.1:{closed_port()}/cb"})
    assert subscription.status_code == 201
    api.create_order()  # an event for the (unreachable) listener: one failed attempt in the log
    deadline = time.monotonic() + TIMEOUT_S  # PostgreSQL: the event goes through the outbox first
    while not api.http.get(f"{api.root}/_mock/deliveries", timeout=TIMEOUT_S).json():
        assert time.monotonic() < deadline, "the event was never attempted"
        api.server.run(api.app[NOTIFIER_KEY].join())

    reset(api)
    assert listed(api) == seeded
    assert api.http.get(api.url(f"productOrder/{created['id']}"), timeout=TIMEOUT_S).status_code == 404
    assert listed(api, "cancelProductOrder")[0]["id"] == "task-1"
    hub_entry = api.http.get(api.url(f"hub/{subscription.json()['id']}"), timeout=TIMEOUT_S)
    assert hub_entry.status_code == 404
    assert api.http.get(f"{api.root}/_mock/deliveries", timeout=TIMEOUT_S).json() == []


def test_reset_without_seed_leaves_an_empty_mock(api: Api) -> None:
    api.create_order()
    reset(api)
    assert listed(api) == []
    assert api.count("cancelProductOrder") == 0


def test_deterministic_seed_is_identical_after_reset(
    make_api: ApiFactory, seed_files: tuple[str, str]
) -> None:
    api = make_api(seed_files=seed_files, deterministic=True)
    seeded = listed(api)
    assert seeded[1]["id"] == "00000000-0000-4000-8000-000000000001"
    assert seeded[1]["orderDate"] == "2026-01-01T00:00:00.000Z"
    first_post = api.create_order()
    reset(api)
    assert listed(api) == seeded
    assert api.create_order() == first_post  # the counter and clock went back too


def test_seed_ids_are_never_handed_out_again(make_api: ApiFactory, tmp_path: Path) -> None:
    given = "00000000-0000-4000-8000-000000000001"  # what the first entry would draw otherwise
    seed = tmp_path / "counter.yaml"
    seed.write_text(
        f"- {{productOrderItem: []}}\n- {{id: {given}, productOrderItem: []}}\n- {{productOrderItem: []}}"
    )
    api = make_api(seed_files=(str(seed),), deterministic=True)
    assert [order["id"][-2:] for order in listed(api)] == ["03", "01", "02"]
    assert api.create_order()["id"] == "00000000-0000-4000-8000-000000000004"


def test_a_restarted_sqlite_mock_keeps_its_data_and_is_not_seeded_twice(
    make_api: ApiFactory, seed_files: tuple[str, str], tmp_path: Path
) -> None:
    path = str(tmp_path / "kept.sqlite3")
    first = make_api(seed_files=seed_files, sqlite_path=path)
    created = first.create_order()
    first.http.delete(first.url("productOrder/seeded-1"), timeout=TIMEOUT_S)
    before = listed(first)
    first.server.stop()
    again = make_api(seed_files=seed_files, sqlite_path=path)
    assert listed(again) == before
    assert created["id"] in {order["id"] for order in before}
    reset(again)
    assert {order.get("description") for order in listed(again)} == {None, "no server fields at all"}
    assert len(listed(again)) == 3


def test_an_invalid_seed_stops_the_app_before_it_listens(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- productOrderItem: [{id: '1', action: explode}]\n")
    with pytest.raises(SeedError, match=r"bad\.yaml: \$\[0\]\.productOrderItem\[0\]\.action: 'explode'"):
        create_app(Settings(seed_files=(str(bad),)))


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("a.yaml", "- {state: acknowledged}", "a.yaml: $[0]: 'productOrderItem' is a required property"),
        (
            "a.yaml",
            "productOrder:\n  - {productOrderItem: [], state: flying}",
            "a.yaml: $.productOrder[0].state: 'flying' is not one of",
        ),
        (
            "a.json",
            '{"cancelProductOrder": [{"productOrder": {}}]}',
            "a.json: $.cancelProductOrder[0].productOrder: 'id' is a required property",
        ),
        ("a.yaml", "orders: []", "a.yaml: $: unknown key 'orders'"),
        ("a.yaml", "productOrder: {id: x}", "a.yaml: $.productOrder: expected a list"),
        ("a.yaml", "just text", "a.yaml: $: expected a list of productOrder or a mapping"),
        ("a.yaml", "- 5", "a.yaml: $[0]: expected a productOrder object"),
        ("a.yaml", "- {productOrderItem: [], 7: x}", "a.yaml: $[0]: key 7 is not a string"),
        (
            "a.yaml",
            "- {productOrderItem: [], quantity: .nan}",
            "a.yaml: $[0].quantity: nan is not a JSON number",
        ),
        ("a.yaml", "- {productOrderItem: [], blob: !!binary aGk=}", "a.yaml: $[0].blob: a bytes is not"),
        ("a.yaml", "- {id: a/b, productOrderItem: []}", "a.yaml: $[0].id: 'a/b' must be 1 to 256"),
        (
            "a.yaml",
            "- {id: x, productOrderItem: []}\n- {id: x, productOrderItem: []}",
            "a.yaml: $[1].id: 'x' is already the id of ",
        ),
        ("a.yaml", "- {id: 5, productOrderItem: []}", "a.yaml: $[0].id: 5 is not of type 'string'"),
        ("a.yaml", "- [unclosed", "a.yaml: not valid YAML"),
        ("a.json", "[{'single': 'quotes'}]", "a.json: not valid JSON"),
        ("a.json", '[{"productOrderItem": [], "x": NaN}]', "a.json: not valid JSON: NaN"),
    ],
)
def test_seed_errors_name_the_file_and_the_json_path(
    tmp_path: Path, name: str, content: str, fragment: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(SeedError) as caught:
        load_seed([str(path)])
    message = str(caught.value)
    assert message.startswith(str(tmp_path)), message
    assert fragment in message, message


def test_missing_seed_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match=r"nowhere\.yaml: cannot read the seed file"):
        load_seed([str(tmp_path / "nowhere.yaml")])


def test_empty_seed_file_seeds_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing yet\n")
    assert load_seed([str(empty)]).entries == ()


def closed_port() -> int:
    """A loopback port nobody listens on (bound then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
