"""Everything a report writer reads about one run, fixed once the run is over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ctk_suite.config.profile import Profile
from ctk_suite.core.redaction import SecretRegistry
from ctk_suite.core.version import __version__
from ctk_suite.engine.baseline import Comparison
from ctk_suite.engine.cleanup import CleanupReport
from ctk_suite.engine.records import KitInfo, UnitResult
from ctk_suite.engine.results import LEVEL_LABELS, LevelOutcome, ResultCollector, tally
from ctk_suite.engine.state import SuiteState
from ctk_suite.http.auth import tls_warning


@dataclass(frozen=True)
class RunReport:
    """One run's results and what surrounds them (profile, cleanup, warnings, baseline)."""

    results: tuple[UnitResult, ...]
    registry: SecretRegistry
    profile: Profile | None = None
    api_url: str | None = None
    embedded: bool = False
    started_at: datetime | None = None
    duration_ms: float = 0.0
    cleanup: CleanupReport | None = None
    warnings: tuple[str, ...] = ()
    baseline: Comparison | None = None
    toolkit_version: str = __version__

    @classmethod
    def of(cls, state: SuiteState) -> RunReport:
        """The report of the plugin's state."""
        collector = state.results
        return cls(
            results=collector.results,
            registry=state.registry,
            profile=state.profile,
            api_url=state.api_url,
            embedded=state.profile.target.embedded_mock,
            started_at=collector.started_at,
            duration_ms=collector.duration_ms,
            cleanup=state.cleanup,
            warnings=tuple(_warnings(state)),
            baseline=state.comparison,
        )

    @classmethod
    def of_results(
        cls, results: list[UnitResult], api_url: str | None = None, registry: SecretRegistry | None = None
    ) -> RunReport:
        """A bare report of `results` (tests, tools)."""
        collector = ResultCollector()
        collector.add(results)
        registry = registry or SecretRegistry()
        return cls(tuple(results), registry, api_url=api_url, started_at=collector.started_at)

    def _collector(self) -> ResultCollector:
        collector = ResultCollector()
        collector.add(self.results)
        return collector

    @property
    def kits(self) -> list[KitInfo]:
        """The kits that ran, in run order."""
        return self._collector().kits()

    @property
    def official_kit(self) -> KitInfo | None:
        """The port of TM Forum's kit, when it ran."""
        return self._collector().official_kit()

    def counted(self, kit: KitInfo | None = None) -> list[UnitResult]:
        """The results that count (setup ones excluded), of one kit or all."""
        return [r for r in self.results if not r.setup and (kit is None or r.kit.id == kit.id)]

    def levels(self) -> list[LevelOutcome]:
        """A tally per level that ran or was selected."""
        collector = self._collector()
        ran = {r.level for r in self.results}
        selected = [level.value for level in self.profile.levels] if self.profile else []
        order = [level for level in LEVEL_LABELS if level in ran or level in selected]
        order += sorted(ran - set(order))
        return [collector.outcome(level) for level in order]

    def kit_outcomes(self) -> list[LevelOutcome]:
        """A tally per kit that ran."""
        collector = self._collector()
        return [collector.kit_outcome(kit) for kit in collector.kits()]

    @property
    def verdict_mode(self) -> str:
        """`strict` (ours) or `official` (TM Forum's kit): which verdicts decide the exit code."""
        return self.profile.verdict if self.profile else "strict"

    @property
    def passed(self) -> bool:
        """The run passes: with a baseline, nothing regressed; else every level that ran passed."""
        if self.baseline is not None:
            return not self.baseline.regressions
        official = self.verdict_mode == "official"
        outcomes = [o for o in self.levels() if o.ran]
        return bool(outcomes) and all(o.official_passed if official else o.passed for o in outcomes)

    def verdict_line(self) -> str:
        """`tmf622-ctk: CTK 4.0.0 63/63, extended 4.0.0 27/29: FAIL`: the line a CI log is searched for."""
        parts = []
        for outcome in self.kit_outcomes():
            text = f"{outcome.label} {outcome.score()}"
            if outcome.score(official=True) != outcome.score():
                text += f" (official {outcome.score(official=True)})"
            if outcome.not_run:
                text += f" ({outcome.not_run} not run)"
            parts.append(text)
        mode = " by official verdicts" if self.verdict_mode == "official" else ""
        return f"tmf622-ctk: {', '.join(parts)}: {'PASS' if self.passed else 'FAIL'}{mode}"


def _warnings(state: SuiteState) -> list[str]:
    """Lines the summary must show: TLS verification off, a selected level with no checks."""
    found = [w for w in [tls_warning(state.profile.http)] if w]
    for level in state.profile.levels:
        if level.value not in state.collected_levels:
            found.append(f"level {level.value} was selected but none of its checks was collected")
    return found


def kit_tally(results: list[UnitResult], kit: KitInfo) -> LevelOutcome:
    """The tally of one kit's results."""
    return tally(kit.id, kit.title, [r for r in results if r.kit.id == kit.id and not r.setup])
