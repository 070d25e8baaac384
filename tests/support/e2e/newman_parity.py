"""Reduce a Newman JSON report and our summary.json to per-request verdicts, and diff them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

# The CTK's "Individualized tests" embed the server's own values in their names (`'href is ' + href`);
# they differ between two runs against two servers, so parity leaves them aside.
IDENTITY_PREFIXES = ("href is ", "id is ", "orderDate is ")
REASON_CHARS = 120


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reason: str | None = None


@dataclass
class RequestVerdicts:
    """The distinct assertion names of one request and whether each passed (every instance of it)."""

    scenario: str
    name: str
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    error: str | None = None  # transport error, or Newman's test script crashing (a failure too)

    def record(self, assertion: str, verdict: Verdict) -> None:
        """Newman names an assertion once per list element: a name fails if any instance failed."""
        if assertion.startswith(IDENTITY_PREFIXES):
            return
        previous = self.verdicts.get(assertion)
        if previous is None or (previous.passed and not verdict.passed):
            self.verdicts[assertion] = verdict


def _folder_of_items(collection: Mapping[str, Any]) -> dict[str, str]:
    """Map each request item id to its top-level folder (the CTK scenario: N1, N2, E1)."""
    folders: dict[str, str] = {}

    def walk(items: list[dict[str, Any]], folder: str) -> None:
        for item in items:
            if "item" in item:
                walk(item["item"], folder or item["name"])
            else:
                folders[item["id"]] = folder

    walk(collection["item"], "")
    return folders


def _script_errors(run: Mapping[str, Any]) -> dict[str, str]:
    """Item id -> the error that stopped its test script (`pm.response.json()` on HTML, ...)."""
    return {
        failure["source"]["id"]: f"{failure['error'].get('name')}: {failure['error'].get('message')}"
        for failure in run["failures"]
        if failure["error"].get("name") != "AssertionError" and "id" in failure.get("source", {})
    }


def newman_verdicts(report: Mapping[str, Any]) -> list[RequestVerdicts]:
    """Per executed request of a `newman run --reporters json` report, in execution order."""
    folders = _folder_of_items(report["collection"])
    crashed = _script_errors(report["run"])
    requests = []
    for execution in report["run"]["executions"]:
        item = execution["item"]
        transport = execution.get("requestError")
        error = crashed.get(item["id"]) or (transport and transport.get("message"))
        request = RequestVerdicts(folders.get(item["id"], ""), item["name"], error=error)
        for assertion in execution.get("assertions", []):
            error = assertion.get("error")
            request.record(assertion["assertion"], Verdict(not error, error and error.get("message")))
        requests.append(request)
    return requests


def summary_verdicts(summary: Mapping[str, Any]) -> list[RequestVerdicts]:
    """Per request of our summary.json (format tmf622-ctk-summary/1), in run order."""
    requests = []
    for entry in summary["requests"]:
        request = RequestVerdicts(entry["scenario"], entry["name"], error=entry.get("error"))
        for assertion in entry["assertions"]:
            request.record(assertion["name"], Verdict(assertion["passed"], assertion.get("reason")))
        requests.append(request)
    return requests


def _show(verdict: Verdict) -> str:
    if verdict.passed:
        return "passed"
    if not verdict.reason:
        return "FAILED"
    reason = " ".join(verdict.reason.split())  # Newman quotes whole response bodies
    return f"FAILED ({reason if len(reason) <= REASON_CHARS else reason[: REASON_CHARS - 3] + '...'})"


def _request_diff(newman: RequestVerdicts, ours: RequestVerdicts) -> Iterator[str]:
    if (newman.scenario, newman.name) != (ours.scenario, ours.name):
        yield f"request differs: newman {newman.scenario} {newman.name!r}, ctk {ours.scenario} {ours.name!r}"
    for name in sorted(newman.verdicts.keys() - ours.verdicts.keys()):
        yield f"only in newman: {name!r} {_show(newman.verdicts[name])}"
    for name in sorted(ours.verdicts.keys() - newman.verdicts.keys()):
        yield f"only in ctk: {name!r} {_show(ours.verdicts[name])}"
    for name in sorted(newman.verdicts.keys() & ours.verdicts.keys()):
        theirs, mine = newman.verdicts[name], ours.verdicts[name]
        if theirs.passed != mine.passed:
            yield f"verdict differs: {name!r} newman {_show(theirs)}, ctk {_show(mine)}"


def parity_diff(newman: list[RequestVerdicts], ours: list[RequestVerdicts]) -> list[str]:
    """Readable lines, one per difference, grouped under the request they concern; empty on parity."""
    lines = []
    if len(newman) != len(ours):
        lines.append(f"request count differs: newman {len(newman)}, ctk {len(ours)}")
    for position, (theirs, mine) in enumerate(zip(newman, ours, strict=False), start=1):
        differences = list(_request_diff(theirs, mine))
        if differences:
            lines.append(f"#{position} {theirs.scenario} {theirs.name}")
            lines.extend(f"    {difference}" for difference in differences)
    return lines


def _wrong_passes_in(newman: RequestVerdicts, ours: RequestVerdicts) -> Iterator[str]:
    for name, theirs in sorted(newman.verdicts.items()):
        mine = ours.verdicts.get(name)
        if not theirs.passed and (mine is None or mine.passed):
            seen = "missing" if mine is None else "passed"
            yield f"newman {_show(theirs)}, ctk {seen}: {name!r}"
    ours_failed = ours.error is not None or any(not v.passed for v in ours.verdicts.values())
    if newman.error is not None and not ours_failed:
        yield f"newman stopped on {newman.error!r}, ctk passed every assertion"


def wrong_passes(newman: list[RequestVerdicts], ours: list[RequestVerdicts]) -> list[str]:
    """Where Newman failed and our CTK did not: the one divergence a certification tool must never have.

    Our CTK may be stricter than Newman (the official identity checks `pm.expect(x) == y` can never fail,
    and a crashed script skips the checks after it), so passes Newman lacks are not counted here.
    """
    lines = []
    if len(newman) != len(ours):
        lines.append(f"request count differs: newman {len(newman)}, ctk {len(ours)}")
    for position, (theirs, mine) in enumerate(zip(newman, ours, strict=False), start=1):
        found = list(_wrong_passes_in(theirs, mine))
        if found:
            lines.append(f"#{position} {theirs.scenario} {theirs.name}")
            lines.extend(f"    {line}" for line in found)
    return lines


# --- Official verdicts, assertion for assertion (identity checks included) --------------------------------


NOT_EMITTED = "not emitted"


@dataclass
class OfficialVerdicts:
    """One request: each assertion name and its official verdict ("passed", "failed"; ours also "not
    emitted", the same as a name Newman lacks); `stopped`: the error that stopped the test script."""

    scenario: str
    name: str
    verdicts: dict[str, str] = field(default_factory=dict)
    stopped: str | None = None

    def record(self, assertion: str, verdict: str, root: str) -> None:
        """A name fails if any of its emissions failed (Newman names an assertion once per instance).
        The server's API root in a name ('href is http://...') is shown as `{root}`: two runs, two servers."""
        assertion = assertion.replace(root, "{root}") if root else assertion
        if self.verdicts.get(assertion) not in {"failed", "passed"} or verdict == "failed":
            self.verdicts[assertion] = verdict

    def emitted(self) -> dict[str, str]:
        return {name: verdict for name, verdict in self.verdicts.items() if verdict != NOT_EMITTED}


def newman_official(report: Mapping[str, Any], root: str = "") -> list[OfficialVerdicts]:
    """Every assertion Newman emitted, per executed request, identity checks included."""
    folders = _folder_of_items(report["collection"])
    crashed = _script_errors(report["run"])
    requests = []
    for execution in report["run"]["executions"]:
        item = execution["item"]
        request = OfficialVerdicts(folders.get(item["id"], ""), item["name"], stopped=crashed.get(item["id"]))
        for assertion in execution.get("assertions", []):
            request.record(assertion["assertion"], "failed" if assertion.get("error") else "passed", root)
        requests.append(request)
    return requests


def ours_official(summary: Mapping[str, Any], root: str = "") -> list[OfficialVerdicts]:
    """The official verdict our summary.json gives each assertion, and the script error, per request."""
    requests = []
    for entry in summary["requests"]:
        stopped = entry.get("officialScriptError")
        request = OfficialVerdicts(entry["scenario"], entry["name"], stopped=stopped)
        for assertion in entry["assertions"]:
            request.record(assertion["name"], assertion["officialVerdict"], root)
        requests.append(request)
    return requests


def _error_type(error: str | None) -> str | None:
    """`JSONError` of `JSONError: Unexpected token...`: the message is the engine's, the type the rule's."""
    return None if error is None else error.split(":", 1)[0]


def _official_request_diff(newman: OfficialVerdicts, ours: OfficialVerdicts) -> Iterator[str]:
    theirs, mine = newman.emitted(), ours.emitted()
    for name in sorted(theirs.keys() | mine.keys()):
        newman_state, ours_state = theirs.get(name, NOT_EMITTED), mine.get(name, NOT_EMITTED)
        if newman_state != ours_state:
            yield f"{name!r}: newman {newman_state}, ctk official {ours_state}"
    if _error_type(newman.stopped) != _error_type(ours.stopped):
        yield f"script error: newman {newman.stopped!r}, ctk official {ours.stopped!r}"


def official_parity_diff(newman: list[OfficialVerdicts], ours: list[OfficialVerdicts]) -> list[str]:
    """Where our official verdicts differ from Newman's: name for name, state for state (passed, failed,
    not emitted), and the script error of each request."""
    lines = []
    if len(newman) != len(ours):
        lines.append(f"request count differs: newman {len(newman)}, ctk {len(ours)}")
    for position, (theirs, mine) in enumerate(zip(newman, ours, strict=False), start=1):
        found = list(_official_request_diff(theirs, mine))
        if (theirs.scenario, theirs.name) != (mine.scenario, mine.name):
            found.insert(0, f"request differs: ctk {mine.scenario} {mine.name!r}")
        if found:
            lines.append(f"#{position} {theirs.scenario} {theirs.name}")
            lines.extend(f"    {line}" for line in found)
    return lines


def newman_totals(report: Mapping[str, Any]) -> dict[str, int]:
    """Newman's run as our `officialTotals` counts it: distinct assertion names per request (the
    certification report's count), those failed, and the test scripts that threw."""
    requests = newman_official(report)
    verdicts = [v for r in requests for v in r.emitted().values()]
    return {
        "assertions": len(verdicts),
        "failedAssertions": verdicts.count("failed"),
        "skippedAssertions": 0,
        "scriptErrors": report["run"]["stats"]["testScripts"]["failed"],
    }
