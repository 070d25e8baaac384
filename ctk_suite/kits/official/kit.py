"""Kit type `tmf622-ctk-scenarios/1`: a port of an official CTK, its requests and assertion names as data."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ctk_suite.config.profile import Profile
from ctk_suite.engine.kit import KIT_TYPES, Kit, KitError, KitRunner, Unit
from ctk_suite.engine.records import UnitResult
from ctk_suite.engine.session import SuiteSession
from ctk_suite.kits.official.checks.catalogue import validate_assertion
from ctk_suite.kits.official.run import QUOTES, CtkRun, RunSettings
from ctk_suite.kits.official.runners import RUNNERS
from ctk_suite.kits.official.scenario import SCENARIO_FORMAT, Scenario, ScenarioError, load_scenario
from ctk_suite.kits.official.variables import apply_quote


@KIT_TYPES.register(SCENARIO_FORMAT)
class ScenarioKit(Kit):
    """The official kit's requests in run order, one unit each."""

    format = SCENARIO_FORMAT

    def __init__(self, scenario: Scenario) -> None:
        units = [Unit(str(index), spec.title, spec.level) for index, spec in enumerate(scenario.requests)]
        super().__init__(scenario.kit_info(), units)
        self.scenario = scenario

    @classmethod
    def load(cls, path: Path) -> ScenarioKit:
        """The scenario file, its official runner and every assertion checked against the registered
        runner models and check kinds (an unknown name is refused here, never met mid-run)."""
        try:
            scenario = load_scenario(path)
            if scenario.official_runner not in RUNNERS:
                raise ScenarioError(f"{path}: officialRunner: {RUNNERS.unknown(scenario.official_runner)}")
            for spec in scenario.requests:
                for assertion in spec.assertions:
                    validate_assertion(assertion)
        except (ScenarioError, KeyError) as exc:
            raise KitError(f"invalid CTK scenario {path}: {exc}") from None
        return cls(scenario)

    def units_for(self, profile: Profile) -> tuple[Unit, ...]:
        """Request titles with the profile's `?orderDate=` quoting, as the certification report shows them."""
        quote = QUOTES[profile.order_date_quoting.value]
        return tuple(
            replace(
                unit, name=f"{spec.scenario} {apply_quote(spec.name, spec.quoted_variables, quote)} {method}"
            )
            for unit, spec, method in zip(self.units, self.scenario.requests, self._methods(), strict=True)
        )

    def _methods(self) -> list[str]:
        return [f"[{spec.method}]" for spec in self.scenario.requests]

    def start(self, session: SuiteSession) -> KitRunner:
        """A run of the scenario with the session's client and the profile's payload and headers."""
        profile = session.profile
        settings = RunSettings(
            session.api_url,
            dict(profile.request_headers),
            profile.order_date_quoting.value,
            profile.payload(),
        )
        return ScenarioRunner(CtkRun(self.scenario, settings, session.client, self.info))


class ScenarioRunner(KitRunner):
    """Runs requests by unit; the run keeps the captured variables between them."""

    def __init__(self, run: CtkRun) -> None:
        self.run_state = run

    def run(self, unit: Unit) -> list[UnitResult]:
        """The request of `unit`, after the requests it needs that have not run (as setup)."""
        return self.run_state.execute(self.run_state.scenario.requests[int(unit.id)])
