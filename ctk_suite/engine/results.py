"""The collector the plugin owns: every unit's result in run order, and the verdicts drawn from them."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ctk_suite.core.levels import Level
from ctk_suite.engine.records import KitInfo, UnitResult, Verdict

#: A level that judged less than this share of the checks that applied is `incomplete`, not `pass`.
MIN_JUDGED_SHARE = 0.5

#: Levels in report order, and how they are named in reports.
LEVEL_LABELS = {level.value: level.label for level in Level}


@dataclass(frozen=True)
class LevelOutcome:
    """The tally of one level: strict (ours) and official (TM Forum's kit) verdicts, and not-run checks."""

    level: str  # "ctk", "extended-mandatory", "extended-optional"
    label: str  # "CTK 4.0.0", "extended mandatory 4.0.0"
    total: int  # assertions that applied to the target (not-applicable ones left out)
    failed: int
    official_failed: int = 0
    not_run: int = 0
    ran: bool = True
    #: Assertions the official kit would not evaluate either (v5: its verdict where ours is "not run";
    #: v4: those its script does not emit).
    official_not_run: int | None = None
    #: Assertions the official kit skips (v5: after its `before all` hook failed): neither passed nor failed.
    official_skipped: int = 0
    #: Checks left out of `total`: the server has no such part to judge (shown, never counted as judged).
    not_applicable: int = 0

    @property
    def passed(self) -> bool:
        """The level ran and nothing failed (strict)."""
        return self.ran and self.failed == 0

    @property
    def official_passed(self) -> bool:
        """The level ran and the official kit would fail nothing."""
        return self.ran and self.official_failed == 0

    def incomplete(self, official: bool = False) -> bool:
        """Nothing failed, but less than half of what applied was judged: not a pass (README "Levels")."""
        judged = self.official_evaluated if official else self.evaluated
        failed = self.official_failed if official else self.failed
        return self.ran and failed == 0 and (judged == 0 or judged < MIN_JUDGED_SHARE * self.total)

    @property
    def verdict(self) -> str:
        """`pass`, `fail`, `incomplete` (judged less than half) or `not run`."""
        if not self.ran:
            return "not run"
        return "fail" if not self.passed else "incomplete" if self.incomplete() else "pass"

    def judged(self) -> str:
        """`judged 47 of 398 (12%)`: how much of what applied got a verdict."""
        share = 100 * self.evaluated // self.total if self.total else 100
        return f"judged {self.evaluated} of {self.total} ({share}%)"

    @property
    def evaluated(self) -> int:
        """Assertions that got a verdict (not-run ones are counted apart)."""
        return self.total - self.not_run

    @property
    def official_evaluated(self) -> int:
        """Assertions the official kit would evaluate: where ours is not run, it may still judge."""
        return self.total - (self.not_run if self.official_not_run is None else self.official_not_run)

    @property
    def official_passed_count(self) -> int:
        """Assertions the official kit passes (a skipped one is not a pass)."""
        return self.official_evaluated - self.official_failed - self.official_skipped

    def score(self, official: bool = False) -> str:
        """`61/63`: passed of evaluated."""
        if official:
            return f"{self.official_passed_count}/{self.official_evaluated}"
        return f"{self.evaluated - self.failed}/{self.evaluated}"

    def as_json(self) -> dict[str, Any]:
        """One entry of summary.json's `levels`."""
        return {
            "label": self.label,
            "verdict": self.verdict,
            "passed": self.evaluated - self.failed,
            "total": self.evaluated,
            "officialPassed": self.official_passed_count,
            "officialTotal": self.official_evaluated,
            "notRun": self.not_run,
            "applicable": self.total,
            "notApplicable": self.not_applicable,
        }

    def line(self) -> str:
        """`CTK 4.0.0: pass (63/63)`, with the official score when it differs, and the not-run count."""
        if not self.ran:
            return f"{self.label}: not run"
        text = f"{self.label}: {self.verdict} ({self.score()}"
        if (
            self.official_passed_count != self.evaluated - self.failed
            or self.official_evaluated != self.evaluated
        ):
            text += f", official {self.score(official=True)}"
        if self.not_run:
            text += f", {self.not_run} not run: {self.judged()}"
        if self.not_applicable:
            text += f", {self.not_applicable} not applicable"
        return text + ")"


class ResultCollector:
    """Results in run order; only the plugin adds to it."""

    def __init__(self) -> None:
        self._results: list[UnitResult] = []
        self.started_at = datetime.now(UTC)
        self._started = time.perf_counter()
        self._last = self._started

    def start(self) -> None:
        """The run starts now (its first unit, after the session opened)."""
        if not self._results:
            self.started_at = datetime.now(UTC)
            self._started = self._last = time.perf_counter()

    def add(self, results: Iterable[UnitResult]) -> None:
        """Record what one item ran."""
        self._results.extend(results)
        self._last = time.perf_counter()

    @property
    def duration_ms(self) -> float:
        """From the first unit's start to the last unit's end."""
        return round((self._last - self._started) * 1000, 1)

    @property
    def results(self) -> tuple[UnitResult, ...]:
        """Every result, setup ones included."""
        return tuple(self._results)

    def counted(self, level: str | None = None) -> list[UnitResult]:
        """The results that count (not setup), of one level or all."""
        return [r for r in self._results if not r.setup and (level is None or r.level == level)]

    def kits(self) -> list[KitInfo]:
        """The kits that ran, in run order."""
        return list({r.kit.id: r.kit for r in self._results}.values())

    def official_kit(self) -> KitInfo | None:
        """The port of TM Forum's own kit, if it ran."""
        return next((kit for kit in self.kits() if kit.official), None)

    def outcome(self, level: str) -> LevelOutcome:
        """The tally of `level` over the results that count."""
        mine = self.counted(level)
        base = LEVEL_LABELS.get(level, level)
        return tally(level, f"{base} {mine[0].kit.version}" if mine else base, mine)

    def kit_outcome(self, kit: KitInfo) -> LevelOutcome:
        """The tally of one kit over the results that count (`CTK 4.0.0`, `extended 4.0.0`)."""
        return tally(kit.id, kit.title, [r for r in self.counted() if r.kit.id == kit.id])


def tally(key: str, label: str, results: list[UnitResult]) -> LevelOutcome:
    """Assertions of `results`: evaluated, failed (strict and official), not run."""
    if not results:
        return LevelOutcome(key, label, 0, 0, ran=False)
    # Not applicable (the server has no such part): never judged, never a pass, not among what applied.
    everything = [a for r in results for a in r.assertions]
    assertions = [a for a in everything if not a.not_applicable]
    # A request with no assertion (N2 ?fields=) that got no answer counts as one failed check.
    unanswered = sum(r.error is not None and not r.assertions for r in results)
    return LevelOutcome(
        key,
        label,
        total=len(assertions) + unanswered,
        failed=sum(a.verdict is Verdict.FAILED for a in assertions) + unanswered,
        official_failed=sum(a.official_verdict is Verdict.FAILED for a in assertions) + unanswered,
        not_run=sum(a.verdict is Verdict.NOT_RUN for a in assertions),
        official_not_run=sum(a.official_verdict in UNCOUNTED for a in assertions),
        official_skipped=sum(a.official_verdict is Verdict.SKIPPED for a in assertions),
        not_applicable=len(everything) - len(assertions),
    )


#: Official verdicts of assertions the official kit does not evaluate: left out of its totals.
UNCOUNTED = frozenset({Verdict.NOT_RUN, Verdict.NOT_EMITTED})
