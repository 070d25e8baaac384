"""What the report writers know besides the CTK run: levels, cleanup, warnings, baseline, secrets to mask."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ctk_suite.baseline import Comparison
from ctk_suite.cleanup import CleanupReport
from ctk_suite.redaction import SecretRegistry
from ctk_suite.runner import CtkRun, RequestResult


@dataclass(frozen=True)
class LevelOutcome:
    """The verdict of one level: the official CTK, extended mandatory, extended optional."""

    level: str  # "ctk", "extended-mandatory", "extended-optional"
    label: str  # "CTK 4.0.0", "extended mandatory", ...
    total: int
    failed: int
    ran: bool = True

    @property
    def passed(self) -> bool:
        """The level ran and nothing failed."""
        return self.ran and self.failed == 0

    @property
    def verdict(self) -> str:
        """`pass`, `fail` or `not run`."""
        return "not run" if not self.ran else "pass" if self.passed else "fail"

    def as_json(self) -> dict[str, Any]:
        """One entry of summary.json's `levels`."""
        return {
            "label": self.label,
            "verdict": self.verdict,
            "passed": self.total - self.failed,
            "total": self.total,
        }

    def line(self) -> str:
        """`CTK 4.0.0: pass (63/63)`."""
        if not self.ran:
            return f"{self.label}: not run"
        return f"{self.label}: {self.verdict} ({self.total - self.failed}/{self.total})"


def ctk_outcome(run: CtkRun) -> LevelOutcome:
    """The CTK level: pass only when every assertion passed and every request got a response."""
    assertions = [a for r in run.results for a in r.assertions]
    failed = sum(not a.passed for a in assertions)
    # A request with no assertion (N2 ?fields=) that got no answer counts as one failed check.
    unanswered = sum(r.error is not None and not r.assertions for r in run.results)
    total = len(assertions) + unanswered
    return LevelOutcome("ctk", f"CTK {run.scenario.ctk_version}", total, failed + unanswered)


@dataclass(frozen=True)
class ReportContext:
    """Everything around the CTK run that goes into the reports; the default is a bare CTK run."""

    registry: SecretRegistry = field(default_factory=SecretRegistry)
    profile: str | None = None
    api_url: str | None = None  # for a run without the CTK level (the CTK run knows its own)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    levels: tuple[LevelOutcome, ...] = ()
    #: Results of the extended level: reported beside the CTK's, never inside its `requests`.
    extended: tuple[RequestResult, ...] = ()
    cleanup: CleanupReport | None = None
    warnings: tuple[str, ...] = ()
    baseline: Comparison | None = None
