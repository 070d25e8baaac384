"""Automatic progression and paced cancellation over real HTTP, and the progression file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from mock_server.config.settings import Settings
from mock_server.keys import LIFECYCLE_KEY
from mock_server.versions.tmf622_common.scenario import Step, load_scenario, parse_scenario, scenario_for
from mock_server.versions.tmf622_common.states import OrderState
from tests.support.mock.listener_helpers import Listener, is_state, listening, subscribe, summary
from tests.support.mock.mock_helpers import Api

if TYPE_CHECKING:  # the module named conftest differs by rootdir/import order: annotations only
    from conftest import ApiFactory

FAST = 0.01
MERGE = {"Content-Type": "application/merge-patch+json"}


def scenario_file(tmp_path: Path, document: dict[str, Any]) -> str:
    path = tmp_path / "progression.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return str(path)


def offering_order(api: Api, offering: str) -> dict[str, Any]:
    items = [{"id": "1", "action": "add", "productOffering": {"id": offering}}, {"id": "2", "action": "add"}]
    return api.create_order(productOrderItem=items)


def order_states(listener: Listener, order_id: str, final: str) -> list[tuple[str, str, str | None]]:
    """The events about one order until it reaches `final` (a timeout fails the test)."""
    seen = listener.until(is_state("ProductOrderStateChangeEvent", final, order_id))
    return [summary(e) for e in seen if e["event"].get("productOrder", {}).get("id") == order_id]


def test_auto_progress_walks_a_new_order_to_completed(make_api: ApiFactory) -> None:
    api = make_api(auto_progress=True, progress_delay_s=FAST)
    with listening() as listener:
        subscribe(api, listener)
        order = api.create_order(
            productOrderItem=[{"id": "1", "action": "add"}, {"id": "2", "action": "add"}]
        )
        assert order["state"] == "acknowledged"
        events = order_states(listener, order["id"], "completed")
    assert events == [
        ("ProductOrderCreateEvent", "acknowledged", None),
        ("ProductOrderStateChangeEvent", "inProgress", None),
        ("ProductOrderStateChangeEvent", "completed", None),
    ]
    stored = api.http.get(order["href"]).json()
    assert stored["state"] == "completed"
    assert stored["completionDate"] >= stored["orderDate"]
    assert [item["state"] for item in stored["productOrderItem"]] == ["completed", "completed"]


def test_progression_file_chooses_the_path_by_offering(make_api: ApiFactory, tmp_path: Path) -> None:
    document = {
        "default": ["inProgress", {"state": "completed", "delay": 0}],
        "productOffering": {
            "broken": ["inProgress", {"state": "failed", "delay": FAST}],
            "waits": ["pending"],
        },
    }
    api = make_api(progression_file=scenario_file(tmp_path, document), progress_delay_s=FAST)
    with listening() as listener:
        subscribe(api, listener)
        broken = offering_order(api, "broken")
        failed_events = order_states(listener, broken["id"], "failed")
        waiting = offering_order(api, "waits")
        waiting_events = order_states(listener, waiting["id"], "pending")
        _, information = listener.next()
    assert failed_events[1:] == [
        ("ProductOrderStateChangeEvent", "inProgress", None),
        ("ProductOrderStateChangeEvent", "failed", None),
    ]
    stored = api.http.get(broken["href"]).json()
    assert (stored["state"], "completionDate" in stored) == ("failed", False)
    assert [item["state"] for item in stored["productOrderItem"]] == ["failed", "failed"]
    assert waiting_events[1:] == [("ProductOrderStateChangeEvent", "pending", None)]
    assert summary(information) == ("ProductOrderInformationRequiredEvent", "pending", "relatedParty")


def test_a_client_patch_wins_over_the_progression(make_api: ApiFactory, tmp_path: Path) -> None:
    """Without the re-check, the walk would move the held order on to inProgress (the table allows it)."""
    document = {
        "productOffering": {
            "slow": [{"state": "inProgress", "delay": 0.15}],
            "marker": [{"state": "inProgress", "delay": 0.3}],
        }
    }
    api = make_api(progression_file=scenario_file(tmp_path, document))
    with listening() as listener:
        subscribe(api, listener, "eventType=ProductOrderStateChangeEvent")
        slow = offering_order(api, "slow")
        held = api.http.patch(slow["href"], data=b'{"state": "held"}', headers=MERGE)
        assert held.status_code == 200
        marker = offering_order(api, "marker")  # its step is due after the slow order's step
        received = listener.until(is_state("ProductOrderStateChangeEvent", "inProgress", marker["id"]))
    assert [(e["event"]["productOrder"]["id"], e["event"]["productOrder"]["state"]) for e in received] == [
        (slow["id"], "held"),
        (marker["id"], "inProgress"),
    ]
    assert api.http.get(slow["href"]).json()["state"] == "held"


def test_paced_cancellation_answers_at_once_and_finishes_in_the_background(
    make_api: ApiFactory, tmp_path: Path
) -> None:
    api = make_api(progression_file=scenario_file(tmp_path, {"default": []}), progress_delay_s=FAST)
    with listening() as listener:
        order = api.create_order()
        subscribe(api, listener, "eventType=CancelProductOrderStateChangeEvent,ProductOrderStateChangeEvent")
        body = {"productOrder": {"id": order["id"]}, "cancellationReason": "duplicate"}
        response = api.http.post(api.url("cancelProductOrder"), json=body)
        assert response.status_code == 201
        task = response.json()
        assert task["state"] == "acknowledged"
        received = listener.until(is_state("CancelProductOrderStateChangeEvent", "done"))
    assert [summary(e)[:2] for e in received] == [
        ("ProductOrderStateChangeEvent", "assessingCancellation"),
        ("CancelProductOrderStateChangeEvent", "inProgress"),
        ("ProductOrderStateChangeEvent", "pendingCancellation"),
        ("ProductOrderStateChangeEvent", "cancelled"),
        ("CancelProductOrderStateChangeEvent", "done"),
    ]
    cancelled = api.http.get(order["href"]).json()
    assert (cancelled["state"], cancelled["cancellationReason"]) == ("cancelled", "duplicate")
    done = api.http.get(task["href"]).json()
    assert done["effectiveCancellationDate"] == cancelled["cancellationDate"]


def test_paced_cancellation_fails_when_the_client_moves_the_order_back(
    make_api: ApiFactory, tmp_path: Path
) -> None:
    api = make_api(progression_file=scenario_file(tmp_path, {"default": []}), progress_delay_s=0.1)
    with listening() as listener:
        order = api.create_order()
        subscribe(api, listener, "eventType=CancelProductOrderStateChangeEvent")
        task = api.http.post(api.url("cancelProductOrder"), json={"productOrder": {"id": order["id"]}}).json()
        assert api.http.get(order["href"]).json()["state"] == "assessingCancellation"
        back = api.http.patch(order["href"], data=b'{"state": "acknowledged"}', headers=MERGE)
        assert back.status_code == 200
        received = listener.until(is_state("CancelProductOrderStateChangeEvent", "terminatedWithError"))
    assert received[-1]["event"]["cancelProductOrder"]["id"] == task["id"]
    stored = api.http.get(order["href"]).json()
    assert (stored["state"], "cancellationDate" in stored) == ("acknowledged", False)


@pytest.mark.parametrize("settings", [{}, {"deterministic": True, "auto_progress": True}])
def test_default_and_deterministic_modes_stay_synchronous(
    make_api: ApiFactory, settings: dict[str, Any]
) -> None:
    api = make_api(progress_delay_s=60, **settings)
    order = api.create_order()
    assert api.app[LIFECYCLE_KEY].running == 0  # no walk was started (it would sleep for 60 s)
    task = api.http.post(api.url("cancelProductOrder"), json={"productOrder": {"id": order["id"]}}).json()
    assert task["state"] == "done"
    assert api.http.get(order["href"]).json()["state"] == "cancelled"
    assert api.app[LIFECYCLE_KEY].running == 0


def test_scenario_selection_from_settings(tmp_path: Path) -> None:
    assert scenario_for(Settings()) is None
    assert scenario_for(Settings(auto_progress=True, deterministic=True)) is None
    default = scenario_for(Settings(auto_progress=True, progress_delay_s=2.0))
    assert default is not None
    assert default.default == (Step(OrderState.IN_PROGRESS, 2.0), Step(OrderState.COMPLETED, 2.0))
    from_file = scenario_for(Settings(progression_file=scenario_file(tmp_path, {"productOffering": {7: []}})))
    assert from_file is not None
    assert from_file.path_for({"productOrderItem": [{"productOffering": {"id": "7"}}]}) == ()


def test_nested_items_pick_the_path_and_follow_the_order() -> None:
    scenario = parse_scenario({"productOffering": {"inner": ["held"]}}, 1.0)
    order = {
        "productOrderItem": [
            {"id": "1", "productOrderItem": [{"id": "2", "productOffering": {"id": "inner"}}]}
        ]
    }
    assert scenario.path_for(order) == (Step(OrderState.HELD, 1.0),)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {"default": ["completed"]},
            "$.default[0]: ProductOrderStateType cannot go from 'acknowledged' to 'completed'",
        ),
        ({"default": ["inProgress", "inProgress"]}, "$.default[1]: 'inProgress' is repeated"),
        ({"default": ["done"]}, "'done' is not a ProductOrderStateType"),
        (
            {"productOffering": {"x": ["assessingCancellation"]}},
            "$.productOffering.x[0]: 'assessingCancellation' is reached by",
        ),
        ({"default": [{"state": "inProgress", "delay": -1}]}, "$.default[0]"),
        ({"default": [{"state": "inProgress", "wait": 1}]}, "$.default[0]"),
        ({"steps": []}, "Additional properties"),
        (["inProgress"], "is not of type 'object'"),
    ],
)
def test_bad_scenarios_are_refused_with_the_place(document: Any, message: str) -> None:
    with pytest.raises(ValueError) as refused:  # noqa: PT011 (the message is checked below)
        parse_scenario(document, 1.0)
    assert message in str(refused.value)


def test_unreadable_progression_file_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("default: [inProgress", encoding="utf-8")
    for path in (str(broken), str(tmp_path / "missing.yaml")):
        with pytest.raises(ValueError, match="progression file"):
            load_scenario(path, 1.0)
