"""The plugin's bookkeeping for one pytest session: the profile, the session, the kits' runners, the results.

Only the plugin and its items write it. What kits and report writers get from it is immutable: the
`SuiteSession` and the collected `UnitResult`s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

import pytest

from ctk_suite.config.profile import Profile
from ctk_suite.core.redaction import SecretRegistry, install_log_redaction
from ctk_suite.engine.baseline import Comparison, load_baseline
from ctk_suite.engine.cleanup import CleanupReport, clean_up
from ctk_suite.engine.kit import Kit, KitRunner
from ctk_suite.engine.mock_process import EmbeddedMock, MockStartError
from ctk_suite.engine.results import ResultCollector
from ctk_suite.engine.session import SuiteSession, TargetUnusable, open_session, preflight
from ctk_suite.http.auth import register_secrets

#: Exit codes a CI gate can tell apart (README "Exit codes"): 1 is a failed check, 2 a usage error.
MOCK_START_FAILED = 3
TARGET_UNUSABLE = 4
#: Sent by the pre-flight request, as every kit sends them.
_JSON = {"Accept": "application/json"}


class StopRun(Exception):
    """The run cannot go on at all; `code` is the exit code that says why."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def start_mock(mock: EmbeddedMock) -> str:
    """The embedded mock's API root; StopRun (exit 3) when it cannot start."""
    try:
        return mock.start()
    except MockStartError as exc:
        raise StopRun(f"tmf622-ctk: cannot start the embedded mock: {exc}", MOCK_START_FAILED) from None


class SuiteState:
    """One pytest session of the suite."""

    def __init__(
        self,
        profile: Profile,
        start: Callable[[EmbeddedMock], str] = start_mock,
        baseline: dict[str, Any] | None = None,
    ) -> None:
        self.profile = profile
        self.registry = SecretRegistry()
        register_secrets(profile.http, self.registry)  # before anything is written: option echoes, errors
        self.results = ResultCollector()
        self.collected_levels: set[str] = set()
        self.cleanup: CleanupReport | None = None
        if baseline is None and profile.baseline is not None:
            baseline = load_baseline(profile.baseline)  # once: `tmf622-ctk` hands over the one it read
        self.baseline: dict[str, Any] | None = baseline
        self.comparison: Comparison | None = None
        self._start = start
        self._session: SuiteSession | None = None
        self._runners: dict[str, KitRunner] = {}
        self._undo_log_redaction: Callable[[], None] | None = None
        #: The exit code the run stopped with (3, 4), for `tmf622-ctk`: pytest's own codes overlap them.
        self.stopped_with: int | None = None
        self.stop_reason: str | None = None  # its one line, for the reports of a stopped run

    @property
    def session(self) -> SuiteSession | None:
        """The session, once the first unit opened it."""
        return self._session

    @property
    def api_url(self) -> str | None:
        """The API root once known (after the mock started, for the embedded one)."""
        if self._session is not None:
            return self._session.api_url
        return None if self.profile.target.base_url is None else self.profile.target.api_url

    def open(self) -> SuiteSession:
        """The session, opened at the first unit: mock started, client built, target pre-flighted."""
        if self._session is None:
            # Only while the suite talks to a target: the project's own test runs keep their log records.
            self._undo_log_redaction = install_log_redaction(self.registry)
            try:
                self._session = open_session(self.profile, self.registry, self._start)
                preflight(self._session, {**_JSON, **self._session.profile.request_headers})
            except StopRun as exc:
                self._stop(str(exc), exc.code)
            except TargetUnusable as exc:
                self._stop(f"tmf622-ctk: target not usable: {exc}", TARGET_UNUSABLE)
        return self._session

    def _stop(self, message: str, code: int) -> NoReturn:
        self.stopped_with = code
        self.stop_reason = message
        pytest.exit(message, returncode=code)

    def runner_for(self, kit: Kit) -> KitRunner:
        """The runner of `kit` for this session, started at its first unit."""
        if kit.info.id not in self._runners:
            self._runners[kit.info.id] = kit.start(self.open())
        return self._runners[kit.info.id]

    def finish(self) -> None:
        """Close the kits' runners, then delete what the run created (unless switched off)."""
        for runner in self._runners.values():
            runner.close()
        if self._session is not None:
            profile = self._session.profile
            self.cleanup = clean_up(
                self._session.client, self._session.created, profile.cleanup, profile.request_headers
            )

    def close(self) -> None:
        """Stop the mock, release connections, stop masking log records."""
        if self._session is not None:
            self._session.close()
        if self._undo_log_redaction is not None:
            self._undo_log_redaction()
            self._undo_log_redaction = None
