"""The `v5` section of seed files: v5 resources stored at start and after a reset, checked first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mock_server.domain.seed import SeedError
from mock_server.versions.tmf622_v5.seed import load_v5_seed
from tests.support.mock.mock_helpers import TIMEOUT_S
from tests.support.mock.v5_helpers import V5_BASE_PATH, item, v5_errors, v5_url

SEED = """\
productOrder:                       # v4 entries beside the v5 ones
  - {id: v4-1, productOrderItem: [{id: "1", action: add}]}
v5:
  productOrder:
    - id: v5-1
      "@type": ProductOrder
      creationDate: 2026-02-01T09:00:00Z   # unquoted: stays a string
      state: completed
      productOrderItem: [{id: "1", action: add, "@type": ProductOrderItem, state: completed}]
    - "@type": ProductOrder
      requestedInitialState: draft
      productOrderItem: [{id: "1", action: add, "@type": ProductOrderItem}]
  cancelProductOrder:
    - {id: task-1, "@type": CancelProductOrder, productOrder: {id: v5-1, "@type": ProductOrderRef}}
"""


TASK = "{id: a, '@type': CancelProductOrder, productOrder: {id: x, '@type': P}}"


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "seed.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_v5_entries_are_stored_with_server_fields_and_again_after_reset(
    make_api: Any, tmp_path: Path
) -> None:
    api = make_api(seed_files=(write(tmp_path, SEED),), public_url="https://orders.example.com")
    for _ in range(2):
        orders = api.http.get(v5_url(api, "productOrder"), timeout=TIMEOUT_S).json()
        assert [o["state"] for o in orders] == ["draft", "completed"]  # newest first
        assert all(v5_errors("ProductOrder", o) == [] for o in orders)
        seeded = next(o for o in orders if o["id"] == "v5-1")
        assert seeded["href"] == f"https://orders.example.com{V5_BASE_PATH}/productOrder/v5-1"
        assert seeded["completionDate"] == seeded["creationDate"] == "2026-02-01T09:00:00Z"
        task = api.http.get(v5_url(api, "cancelProductOrder/task-1"), timeout=TIMEOUT_S).json()
        assert (task["state"], task["@type"]) == ("acknowledged", "CancelProductOrder")
        assert api.http.get(api.url("productOrder/v4-1"), timeout=TIMEOUT_S).status_code == 200
        created = api.http.post(
            v5_url(api, "productOrder"), json={"@type": "ProductOrder", "productOrderItem": [item()]}
        )
        assert created.status_code == 201
        assert api.http.post(f"{api.root}/_mock/reset", json={}, timeout=TIMEOUT_S).status_code == 204


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("v5: [1]", "$.v5: expected a mapping"),
        ("v5: {order: []}", "$.v5: expected a mapping"),
        ("v5: {productOrder: [1]}", "$.v5.productOrder: expected a list"),
        (
            "v5: {productOrder: [{'@type': ProductOrder, state: bogus}]}",
            "$.v5.productOrder[0].state: 'bogus'",
        ),
        (
            "v5: {productOrder: [{productOrderItem: [{id: '1', action: add}]}]}",
            "productOrderItem[0]: '@type'",
        ),
        (
            "v5: {cancelProductOrder: [{'@type': Cancel, productOrder: {id: x, '@type': ProductOrderRef}}]}",
            "@type",
        ),
        ("v5: {productOrder: [{'@type': ProductOrder, x: .nan, productOrderItem: []}]}", "not a JSON object"),
        (f"v5: {{cancelProductOrder: [{TASK}, {TASK}]}}", "given twice"),
    ],
)
def test_a_bad_v5_section_stops_the_start(tmp_path: Path, section: str, message: str) -> None:
    path = write(tmp_path, section)
    with pytest.raises(SeedError) as raised:
        load_v5_seed([path])
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)
