"""pytest side of the extended level: the catalogue file (`extended-*.yaml`) as one item per rule.

The items run after the CTK's when both files are given (`--ctk-level all`), share the session's
HTTP client (auth, TLS, cleanup bookkeeping) and feed the session's reports beside the CTK level.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from ctk_suite.extended.catalogue import CatalogueError, Rule, RuleLevel, load_catalogue
from ctk_suite.extended.options import resolve_listener
from ctk_suite.extended.records import CheckResult, describe_failure
from ctk_suite.extended.registry import CHECKS
from ctk_suite.extended.results import outcomes, request_result
from ctk_suite.mock_process import EmbeddedMock
from ctk_suite.redaction import SecretRegistry, redact_text
from ctk_suite.reporting import allure_report
from ctk_suite.runner import RequestResult
from ctk_suite.session import CtkSession

if TYPE_CHECKING:
    # The run imports the probes and checks (aiohttp, jsonschema): only once a catalogue is collected.
    # pytest makes a collector for every sibling file, so a CTK-only run would pay for them too.
    from ctk_suite.extended.listener import ListenerSettings
    from ctk_suite.extended.run import ExtendedRun

COLLECTION = "TMF622 extended conformance"
RUN_KEY = pytest.StashKey["ExtendedRun"]()
StartMock = Callable[[EmbeddedMock], str]
#: Sent with every extended request (TMF622 v4 consumes and produces JSON), as the CTK's config.json does.
JSON_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}


class ExtendedFile(pytest.File):
    """The catalogue: one item per rule, mandatory rules first, in the file's order."""

    def __init__(self, *, ctk_session: CtkSession, start_mock: StartMock, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ctk_session = ctk_session
        self.start_mock = start_mock

    def collect(self) -> Iterator[pytest.Item]:
        """Validate the catalogue and the listener options before anything is sent."""
        import ctk_suite.extended.run  # noqa: F401, PLC0415 - registers the checks (see TYPE_CHECKING)

        try:
            catalogue = load_catalogue(self.path)
            listener = resolve_listener(self.config)
        except (CatalogueError, pytest.UsageError) as exc:
            raise self.CollectError(str(exc)) from None
        if unchecked := [rule.id for rule in catalogue.rules if rule.id not in CHECKS]:
            raise self.CollectError(f"{self.path}: no check implements {', '.join(unchecked)}")
        for level in RuleLevel:
            for rule in catalogue.at_level(level):
                yield ExtendedItem.from_parent(self, name=rule.name, rule=rule, listener=listener)


class ExtendedFailed(AssertionError):
    """The rule does not hold; the message lists every failure."""


class ExtendedItem(pytest.Item):
    """One extended check."""

    def __init__(self, *, rule: Rule, listener: ListenerSettings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rule = rule
        self.listener = listener
        #: Read by the progress printer and the levels selection (see ctk_suite.plugin).
        self.ctk_level = rule.level.label
        self.result: RequestResult | None = None

    @property
    def host(self) -> ExtendedFile:
        """The file item that holds the session and the mock starter."""
        parent = self.parent
        assert isinstance(parent, ExtendedFile)
        return parent

    def runtest(self) -> None:
        """Evaluate the rule, hand the verdict to the session's reports, fail with every reason."""
        session = self.host.ctk_session
        run = extended_run(self.config, session, self.host.start_mock, self.listener)
        checked = run.evaluate(self.rule)
        self.result = request_result(checked, run.target.base_url)
        session.extended_results.append(self.result)
        others = [o for o in session.level_outcomes if not o.level.startswith("extended-")]
        session.level_outcomes[:] = others + outcomes(run.results, RuleLevel)
        labels = {"specRule": self.rule.id, "specSource": f"{self.rule.source}: {self.rule.clause}"}
        allure_report.record(self.result, COLLECTION, session.registry, labels)
        more = [
            (f"{sent.exchange.method} /{sent.path} ({sent.label})", sent.exchange)
            for sent in checked.sent[1:]
        ]
        allure_report.attach_exchanges(more, session.registry)
        if not checked.passed:
            raise ExtendedFailed(redact_text(failure_message(checked), session.registry))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        """Our failures are already readable: no traceback."""
        if isinstance(excinfo.value, ExtendedFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the rule is defined."""
        return self.path, None, self.name


def failure_message(result: CheckResult) -> str:
    """The rule, where it comes from, then one line per failure."""
    rule = result.rule
    lines = [
        f"{rule.id} ({rule.level.label}) does not hold: {rule.rule}",
        f"  source: {rule.source_title}, {rule.clause}",
    ]
    return "\n".join(lines + [f"  - {describe_failure(f)}" for f in result.failures])


def extended_run(
    config: pytest.Config, session: CtkSession, start_mock: StartMock, listener: ListenerSettings
) -> ExtendedRun:
    """The session's extended run, created at its first check with the session's client."""
    from ctk_suite.extended.run import ExtendedRun, Target  # noqa: PLC0415 - see TYPE_CHECKING

    run = config.stash.get(RUN_KEY, None)
    if run is None:
        client = session.ensure_client(start_mock)
        profile = session.load()
        headers = {**JSON_HEADERS, **session.config.headers}
        target = Target(profile.target.api_url, headers, profile.payload, client.send)
        register_callback_secrets(listener.callback_url, session.registry)
        run = config.stash[RUN_KEY] = ExtendedRun(target, listener)
        config.add_cleanup(run.close)  # before the session closes its client (cleanups run last-in first)
    return run


def register_callback_secrets(callback_url: str | None, registry: SecretRegistry) -> None:
    """A tunnel's callback URL may carry a password or a token in its query: mask them in every report."""
    if not callback_url:
        return
    parts = urlsplit(callback_url)
    registry.add(parts.password)
    for _, value in parse_qsl(parts.query):
        registry.add(value)
