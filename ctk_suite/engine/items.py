"""The one collector and the one item of the engine: a kit file, and one unit of it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from ctk_suite.core.redaction import SecretRegistry, redact_text, redact_url
from ctk_suite.engine.kit import KIT_TYPES, Kit, KitError, Unit, declared_format
from ctk_suite.engine.records import UnitResult, failure_kind
from ctk_suite.engine.state import SuiteState

STATE_KEY = pytest.StashKey[SuiteState]()
#: Set on the config by pytest_configure when the options or the profile are unusable (the collection
#: of a kit file then fails with this line, and the project's own test runs are not affected).
CONFIG_ERROR_KEY = pytest.StashKey[str]()
#: Records a unit's results on its test as it ends (the plugin sets Allure's recorder): the engine
#: names no reporter.
RECORDER_KEY = pytest.StashKey[Callable[[Sequence[UnitResult], SecretRegistry], None]]()


def collect_kit_file(file_path: Path, parent: pytest.Collector) -> KitFile | None:
    """A file that declares a registered kit format becomes a KitFile."""
    kit_format = declared_format(file_path)
    return None if kit_format is None else KitFile.from_parent(parent, path=file_path, kit_format=kit_format)


class KitFile(pytest.File):
    """A kit's scenario file: one item per unit, in the kit's order."""

    def __init__(self, *, kit_format: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kit_format = kit_format

    def collect(self) -> Iterator[pytest.Item]:
        """Load and validate the whole kit (and the profile, already resolved) before anything is sent."""
        if error := self.config.stash.get(CONFIG_ERROR_KEY, None):
            raise self.CollectError(error)
        try:
            kit = KIT_TYPES.get(self.kit_format).load(self.path)
        except KitError as exc:
            raise self.CollectError(str(exc)) from None
        for unit in kit.units_for(self.config.stash[STATE_KEY].profile):
            yield KitItem.from_parent(self, name=unit.name, kit=kit, unit=unit)


class UnitFailed(AssertionError):
    """Raised after every assertion of a unit was evaluated and at least one failed."""


class KitItem(pytest.Item):
    """One unit of a kit: runs it through the kit's runner and hands the results to the collector."""

    def __init__(self, *, kit: Kit, unit: Unit, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kit = kit
        self.unit = unit
        self.ctk_level = unit.level  # read by the level selection and the progress printer
        self.result: UnitResult | None = None

    def setup(self) -> None:
        """Open the session (start the mock, pre-flight) here, so its time is not the first unit's."""
        self.config.stash[STATE_KEY].runner_for(self.kit)

    def runtest(self) -> None:
        """Run the unit; report every result it produced (setup ones first); fail if the unit failed."""
        state = self.config.stash[STATE_KEY]
        runner = state.runner_for(self.kit)
        state.results.start()
        results = runner.run(self.unit)
        state.results.add(results)
        self.result = result = results[-1]
        if (record := self.config.stash.get(RECORDER_KEY, None)) is not None:
            record(results, state.registry)
        if result.failed or (result.error is not None and not result.assertions):
            raise UnitFailed(failure_message(result, state.registry))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        """Our failures are already readable: no traceback."""
        if isinstance(excinfo.value, UnitFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the unit is defined."""
        return self.path, None, self.name


def failure_message(result: UnitResult, registry: SecretRegistry | None = None) -> str:
    """`N of M assertions failed` for the unit, then each failed assertion with its reason."""
    exchange = result.exchange
    if exchange is None:
        outcome = f"not sent: {result.not_sent}"
    elif exchange.error is not None:
        outcome = f"{exchange.method} {redact_url(exchange.url)} -> {exchange.error}"
    else:
        outcome = f"{exchange.method} {redact_url(exchange.url)} -> HTTP {exchange.status}"
    kind = failure_kind(result)
    tag = f"[{kind.value}] " if kind else ""  # Allure 2's categories match on it (reporting/allure_report.py)
    lines = [f"{tag}{len(result.failed)} of {len(result.assertions)} assertions failed ({outcome})"]
    if not result.assertions:
        lines = [f"{tag}request failed ({outcome})"]
    for assertion in result.failed:
        lines.append(f"  - {assertion.name}: {assertion.reason}")
        if assertion.rule:
            lines.append(f"    rule {result.group}: {assertion.rule}")
    return redact_text("\n".join(lines), registry)
