"""The one result record of the suite: every kit's every assertion, as the reports read it.

A unit is what one pytest item runs: a request of the official kit, or a check of the extended level.
Its assertions carry their verdict, the reason and the `kind` of the failure as data, so report writers,
Allure categories and the exit code never parse a message to learn what went wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ctk_suite.core.failures import Failure, Kind, render_all
from ctk_suite.http.client import Exchange


class Verdict(StrEnum):
    """What became of one assertion."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_RUN = "not run"  # its precondition did not hold: neither a pass nor a failure of the server
    #: Official only. Cypress did not run the test: its suite's `before all` hook failed (v5).
    SKIPPED = "skipped"
    #: Official only. The official script never emitted the assertion (a branch not taken, or the script
    #: threw before it: v4, Newman); not counted, as Newman does not count it.
    NOT_EMITTED = "not emitted"


@dataclass(frozen=True)
class KitInfo:
    """A kit's report identity: `CTK 4.0.0`, `extended 4.0.0`."""

    id: str  # "ctk-4.0.0": the scenario file's stem
    name: str  # "CTK", "extended"
    version: str  # the TMF622 API version the kit certifies
    collection: str  # the collection or catalogue title shown by Allure and JUnit
    official: bool  # the port of TM Forum's own kit (its requests are summary.json's `requests`)

    @property
    def title(self) -> str:
        """`CTK 4.0.0`."""
        return f"{self.name} {self.version}"


@dataclass(frozen=True)
class AssertionResult:
    """One named assertion: the failures that make it fail (none: passed), and its verdicts."""

    name: str
    failures: tuple[Failure, ...] = ()
    #: The name before {{VAR}} rendering: stable from run to run, so a baseline can match it.
    key: str | None = None
    #: The spec rule the assertion tests (extended checks; the CTK's are the kit's own assertions).
    rule: str | None = None
    #: What the official kit would report where it differs from ours (its check is vacuous or weaker);
    #: None when both agree.
    official: Verdict | None = None
    #: Set when the assertion could not be evaluated (its precondition did not hold): neither verdict.
    not_run: str | None = None

    @property
    def verdict(self) -> Verdict:
        """Our (strict) verdict."""
        if self.not_run is not None:
            return Verdict.NOT_RUN
        return Verdict.FAILED if self.failures else Verdict.PASSED

    @property
    def official_verdict(self) -> Verdict:
        """The verdict TM Forum's own kit would give (ours where they agree)."""
        return self.official if self.official is not None else self.verdict

    @property
    def passed(self) -> bool:
        """True when nothing failed (a not-run assertion did not pass)."""
        return self.verdict is Verdict.PASSED

    @property
    def failed(self) -> bool:
        """True when the server broke the assertion."""
        return self.verdict is Verdict.FAILED

    @property
    def kind(self) -> Kind | None:
        """The kind of the first failure (precondition for a not-run assertion), None when passed."""
        if self.not_run is not None:
            return Kind.PRECONDITION
        return self.failures[0].kind if self.failures else None

    @property
    def reason(self) -> str | None:
        """The rendered failures, or why it was not run; None when passed."""
        if self.not_run is not None:
            return self.not_run
        return render_all(self.failures) if self.failures else None


@dataclass(frozen=True)
class UnitResult:
    """What one item ran: a request of a kit or an extended check, with its assertions in order."""

    kit: KitInfo
    level: str  # "ctk", "extended-mandatory", "extended-optional"
    group: str  # the official scenario (N1, N2, E1) or the extended rule id
    name: str  # the request's name as the report shows it (`/ProductOrder/{{IDPO01}}`) or the rule title
    method: str  # the HTTP method of its (first) request, "" when it sent none
    url: str
    exchange: Exchange | None
    assertions: tuple[AssertionResult, ...]
    not_sent: str | None = None
    #: Run only because a selected unit needed what it captures (`-k`): shown, not counted.
    setup: bool = False
    #: Further requests the unit sent (an extended check reads several), as (label, exchange).
    more: tuple[tuple[str, Exchange], ...] = field(default=())
    #: The error that stopped the official kit's script for this request (Newman's test-script error,
    #: e.g. `JSONError: ...`), as the official report records it apart from the assertions.
    official_error: str | None = None

    @property
    def title(self) -> str:
        """`N1 /ProductOrder [POST]`, or `TMF622B-M-POST-201 create answers 201` for a check."""
        return f"{self.group} {self.name} [{self.method}]" if self.method else f"{self.group} {self.name}"

    @property
    def error(self) -> str | None:
        """The transport error, or why the request could not be sent."""
        return self.exchange.error if self.exchange is not None else self.not_sent

    @property
    def failed(self) -> list[AssertionResult]:
        """The assertions that failed."""
        return [a for a in self.assertions if a.failed]

    @property
    def official_failed(self) -> list[AssertionResult]:
        """The assertions the official kit would fail."""
        return [a for a in self.assertions if a.official_verdict is Verdict.FAILED]


def failure_kind(result: UnitResult) -> Kind | None:
    """The kind of the unit's first failed assertion (or of its transport error)."""
    failed = [a for a in result.assertions if a.failed]
    if failed:
        return failed[0].kind
    return Kind.TRANSPORT if result.error is not None and not result.assertions else None
