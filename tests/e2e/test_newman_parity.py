"""The Newman-vs-CTK comparison itself, on small hand-made reports (no Newman, no official CTK files)."""

from __future__ import annotations

from typing import Any

from tests.support.e2e.newman_parity import (
    RequestVerdicts,
    Verdict,
    newman_verdicts,
    parity_diff,
    summary_verdicts,
    wrong_passes,
)

Assertions = list[tuple[str, str | None]]  # (name, Newman's error message or None when it passed)


def _newman_report(*executions: tuple[str, Assertions], crashed: str | None = None) -> dict[str, Any]:
    """A report shaped like `newman run --reporters json`; `crashed` names an item whose script threw."""
    items = [{"id": f"item-{i}", "name": name} for i, (name, _) in enumerate(executions)]
    failures = [
        {"error": {"name": "JSONError", "message": "Unexpected token '<'"}, "source": item}
        for item in items
        if item["name"] == crashed
    ]
    runs = [
        {
            "item": item,
            "assertions": [{"assertion": a, **({"error": {"message": e}} if e else {})} for a, e in asserts],
        }
        for item, (_, asserts) in zip(items, executions, strict=True)
    ]
    return {
        "collection": {"item": [{"name": "N1", "item": items}]},
        "run": {"executions": runs, "failures": failures},
    }


def _summary(*requests: tuple[str, list[tuple[str, bool]]]) -> dict[str, Any]:
    return {
        "requests": [
            {
                "scenario": "N1",
                "name": name,
                "error": None,
                "assertions": [{"name": a, "passed": p, "reason": None if p else "boom"} for a, p in asserts],
            }
            for name, asserts in requests
        ]
    }


def test_newman_instances_collapse_to_a_failure_if_any_instance_failed() -> None:
    instances: Assertions = [("Has id", None), ("Has id", "expected string"), ("Ok", None)]
    [request] = newman_verdicts(_newman_report(("/ProductOrder", instances)))
    assert request == RequestVerdicts(
        "N1", "/ProductOrder", {"Has id": Verdict(False, "expected string"), "Ok": Verdict(True)}
    )


def test_identity_checks_are_left_aside() -> None:
    report = _newman_report(("/ProductOrder", [("id is 42", None), ("orderDate is x", "no"), ("Ok", None)]))
    summary = _summary(("/ProductOrder", [("id is 7", True), ("Ok", True)]))
    assert parity_diff(newman_verdicts(report), summary_verdicts(summary)) == []


def test_parity_diff_names_every_difference() -> None:
    report = _newman_report(("/ProductOrder", [("A", None), ("B", None)]), ("/Other", []))
    summary = _summary(("/ProductOrder", [("A", False), ("C", True)]))
    assert parity_diff(newman_verdicts(report), summary_verdicts(summary)) == [
        "request count differs: newman 2, ctk 1",
        "#1 N1 /ProductOrder",
        "    only in newman: 'B' passed",
        "    only in ctk: 'C' passed",
        "    verdict differs: 'A' newman passed, ctk FAILED (boom)",
    ]


def test_parity_diff_reports_a_renamed_request() -> None:
    report = _newman_report(("/ProductOrder", [("A", None)]))
    summary = _summary(("/ProductOrder/{{IDPO01}}", [("A", True)]))
    assert parity_diff(newman_verdicts(report), summary_verdicts(summary)) == [
        "#1 N1 /ProductOrder",
        "    request differs: newman N1 '/ProductOrder', ctk N1 '/ProductOrder/{{IDPO01}}'",
    ]


def test_wrong_passes_ignore_a_stricter_ctk() -> None:
    report = _newman_report(("/ProductOrder", [("A", None), ("B", "bad")]))
    summary = _summary(("/ProductOrder", [("A", False), ("B", False), ("C", False)]))
    assert wrong_passes(newman_verdicts(report), summary_verdicts(summary)) == []


def test_wrong_passes_catch_a_pass_or_a_missing_check_where_newman_failed() -> None:
    report = _newman_report(("/ProductOrder", [("A", "expected undefined to be a string"), ("B", "bad")]))
    summary = _summary(("/ProductOrder", [("A", True)]))
    assert wrong_passes(newman_verdicts(report), summary_verdicts(summary)) == [
        "#1 N1 /ProductOrder",
        "    newman FAILED (expected undefined to be a string), ctk passed: 'A'",
        "    newman FAILED (bad), ctk missing: 'B'",
    ]


def test_a_crashed_newman_script_needs_a_failure_on_our_side() -> None:
    report = _newman_report(("/ProductOrder", [("Status code is 200", None)]), crashed="/ProductOrder")
    passing = _summary(("/ProductOrder", [("Status code is 200", True)]))
    failing = _summary(("/ProductOrder", [("Status code is 200", True), ("Has id", False)]))
    assert wrong_passes(newman_verdicts(report), summary_verdicts(passing)) == [
        "#1 N1 /ProductOrder",
        "    newman stopped on \"JSONError: Unexpected token '<'\", ctk passed every assertion",
    ]
    assert wrong_passes(newman_verdicts(report), summary_verdicts(failing)) == []
