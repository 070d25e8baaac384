"""State of one suite session: the target profile, the embedded mock, the HTTP client, the runs, cleanup."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ctk_suite.auth import build_session, tls_warning
from ctk_suite.baseline import Comparison, load_baseline
from ctk_suite.cleanup import CleanupReport, CreatedOrders, clean_up
from ctk_suite.client import HttpClient, Limits
from ctk_suite.config import CtkConfig
from ctk_suite.mock_process import EmbeddedMock
from ctk_suite.profile import Level, Profile
from ctk_suite.redaction import SecretRegistry, install_log_redaction
from ctk_suite.reporting.context import LevelOutcome, ReportContext, ctk_outcome
from ctk_suite.runner import CtkRun, RequestResult, RunSettings
from ctk_suite.scenario import Scenario
from ctk_suite.target import aimed_at, resolve_profile

LEVEL_LABELS = {
    Level.CTK: "CTK",
    Level.EXTENDED_MANDATORY: "extended mandatory",
    Level.EXTENDED_OPTIONAL: "extended optional",
}


class CtkSession:
    """Per-session state; the profile is loaded once, the mock and the client on first use."""

    def __init__(self, config: CtkConfig) -> None:
        self.config = config
        self.registry = SecretRegistry()
        self._uninstall_log_redaction: Callable[[], None] | None = None
        self._register_header_secrets()
        self.profile: Profile | None = None
        self.mock: EmbeddedMock | None = None
        self.client: HttpClient | None = None
        self.created: CreatedOrders | None = None
        self.scenario: Scenario | None = None
        self.scenario_path: Any = None
        self.run: CtkRun | None = None
        #: Filled by other levels (extended): their results and verdicts go into the same reports.
        self.extended_results: list[RequestResult] = []
        self.level_outcomes: list[LevelOutcome] = []
        self.collected_levels: set[str] = set()
        self.cleanup: CleanupReport | None = None
        self.baseline: dict[str, Any] | None = None
        self.comparison: Comparison | None = None

    def _register_header_secrets(self) -> None:
        """A credential given with --ctk-header is masked like a profile's (the whole value and its token)."""
        for name, value in self.config.headers.items():
            if self.registry.is_credential_header(name):
                self.registry.add(value)
                self.registry.add(value.rpartition(" ")[2])

    def load(self) -> Profile:
        """The target profile with the command line on top, and the baseline; raise their one-line errors."""
        if self.profile is None:
            self.profile = resolve_profile(self.config.profile_path, self.config.overrides)
            if self.config.baseline is not None:
                self.baseline = load_baseline(self.config.baseline)
        return self.profile

    def ensure_client(self, start_mock: Callable[[EmbeddedMock], str]) -> HttpClient:
        """The one HTTP client of the session (auth, TLS, cleanup bookkeeping), the mock started first."""
        if self.client is None:
            profile = self.load()
            # Only while the suite talks to a target: the project's own test runs keep their log records.
            self._uninstall_log_redaction = install_log_redaction(self.registry)
            if profile.target.embedded_mock:
                self.mock = EmbeddedMock()
                profile = self.profile = aimed_at(profile, start_mock(self.mock))
            limits = Limits(profile.timeouts.connect, profile.timeouts.read)
            self.client = HttpClient(build_session(profile, self.registry), limits, self.registry)
            self.created = CreatedOrders(profile.target.api_url)
            self.client.observe(self.created)
        return self.client

    def ensure_run(self, scenario: Scenario, start_mock: Callable[[EmbeddedMock], str]) -> CtkRun:
        """The CTK run, created at its first request."""
        if self.run is None:
            client = self.ensure_client(start_mock)
            profile = self.load()
            settings = RunSettings(
                profile.target.api_url,
                self.config.headers,
                profile.order_date_quoting.value,
                profile.timeouts.read,
                profile.payload(),
            )
            self.run = CtkRun(scenario, settings, client)
        return self.run

    @property
    def api_url(self) -> str | None:
        """The API root once known (after the mock started, for the embedded one)."""
        if self.profile is None or self.profile.target.base_url is None:
            return None
        return self.profile.target.api_url

    def finish(self) -> None:
        """Delete what the run created (unless switched off): after every check, so verdicts are unchanged."""
        if self.client is not None and self.created is not None and self.profile is not None:
            self.cleanup = clean_up(self.client, self.created, self.profile.cleanup)

    def report_context(self) -> ReportContext:
        """What the writers need besides the CTK run."""
        return ReportContext(
            registry=self.registry,
            profile=self.profile.name if self.profile else None,
            api_url=self.api_url,
            levels=tuple(self._outcomes()),
            extended=tuple(self.extended_results),
            cleanup=self.cleanup,
            warnings=tuple(self.warnings()),
            baseline=self.comparison,
        )

    def _outcomes(self) -> list[LevelOutcome]:
        outcomes = [ctk_outcome(self.run)] if self.run is not None else []
        outcomes += self.level_outcomes
        reported = {outcome.level for outcome in outcomes}
        selected = self.profile.levels if self.profile else ()
        return outcomes + [
            LevelOutcome(level.value, LEVEL_LABELS[level], 0, 0, ran=False)
            for level in selected
            if level.value not in reported
        ]

    def warnings(self) -> list[str]:
        """Lines the summary must show: TLS verification off, a selected level with no checks."""
        found = [w for w in [tls_warning(self.profile)] if w] if self.profile else []
        for level in self.profile.levels if self.profile else ():
            if level.value not in self.collected_levels:
                found.append(f"level {level.value} was selected but none of its checks was collected")
        return found

    def close(self) -> None:
        """Stop the mock, release connections, stop masking log records."""
        if self.mock is not None:
            self.mock.stop()
        if self.client is not None:
            self.client.close()
        if self._uninstall_log_redaction is not None:
            self._uninstall_log_redaction()
            self._uninstall_log_redaction = None
