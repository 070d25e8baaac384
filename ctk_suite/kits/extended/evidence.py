"""What the extended level gathers and finds: each request it sent (`Sent`), what a probe learnt
(`Evidence`), and what a check found (`CheckResult`, handed to the engine as its one result record)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ctk_suite.core.failures import Failure, Kind, NotRun
from ctk_suite.core.recent import Recent
from ctk_suite.engine.records import AssertionResult, KitInfo, UnitResult
from ctk_suite.http.exchange import Exchange
from ctk_suite.kits.extended.catalogue import Rule
from ctk_suite.kits.official.bodies import NotJson, parse_json

#: The bodies last parsed: the checks of a probe read its few bodies in a row, and the run keeps every
#: probe's requests to its end; a parsed 5 MB list would be held that long (issue 17).
_PARSED: Recent[tuple[Any, str | None]] = Recent(2)


class Blocked(Exception):
    """A probe could not gather its evidence; the message says why. It carries what the checks that
    need it get instead of a verdict of their own (`outcome`): a failure with that reason by default.

    It is the one exception of the extended level, because a probe is many calls below the check that
    asked for it; `ExtendedRun.evaluate` records its `outcome` as it records a check's answer.
    """

    def __init__(self, reason: str, outcome: Failure | NotRun | None = None) -> None:
        super().__init__(reason)
        self.outcome = outcome or Failure(request="", note=f"not checked: {reason}")

    @classmethod
    def unmet(cls, reason: str) -> Blocked:
        """A precondition of the checks is missing (no order id after the create, a created order without
        the state a filter needs): they are not run, with the reason, never failed (issue 9)."""
        return cls(reason, NotRun(f"not run: {reason}"))

    @classmethod
    def crashed(cls, reason: str) -> Blocked:
        """A probe raised an unexpected error (a bug): its checks fail, they are not merely not run."""
        return cls(reason, Failure(request="", note=reason, kind=Kind.INTERNAL))


@dataclass(frozen=True)
class BodySchema:
    """The TMF622 v4 schema a 2xx body must match: one resource, a list of them, or a `?fields=` subset."""

    name: str
    many: bool = False
    partial: bool = False  # ?fields= answers legitimately lack required attributes
    version: str = "4"  # the TMF622 major version whose schemas apply (tmf622_schemas)


@dataclass(frozen=True)
class Sent:
    """One request of the extended level and its exchange.

    `path` is relative to the API root (`productOrder?fields=state`): it is what reports show, so a
    credential in the base URL can never reach them. `expects` is the schema of a 2xx body, None
    when a 2xx must have no body (204).
    """

    label: str
    path: str
    exchange: Exchange
    expects: BodySchema | None

    @property
    def request(self) -> str:
        """`POST /productOrder (create)`, how failures name the request."""
        return f"{self.exchange.method} /{self.path} ({self.label})"

    @property
    def status(self) -> int | None:
        """The HTTP status, None after a transport error."""
        return self.exchange.status

    @property
    def parsed(self) -> tuple[Any, str | None]:
        """(body, None), or (None, why it is not JSON)."""
        return _PARSED.get(self.exchange, self._parse)

    def _parse(self) -> tuple[Any, str | None]:
        try:
            return parse_json(self.exchange.text), None
        except NotJson as exc:
            return None, str(exc)

    @property
    def json(self) -> Any:
        """The parsed body (None when it is not JSON)."""
        return self.parsed[0]

    def fail(self, where: str, expected: str, seen: str, kind: Kind = Kind.ASSERTION) -> Failure:
        """A failure about this request's response; `kind` files it under its Allure category."""
        return Failure(request=self.request, where=where, expected=expected, seen=seen, kind=kind)

    def note(self, note: str, kind: Kind | None = None) -> Failure:
        """A failure explained by one sentence; without a `kind`, a transport (or token endpoint) error
        of this request is one, anything else an assertion."""
        if kind is None:
            error = self.exchange.error
            kind = (
                Kind.ASSERTION
                if error is None
                else Kind.AUTH
                if error.startswith("auth error")
                else Kind.TRANSPORT
            )
        return Failure(request=self.request, note=note, kind=kind)


@dataclass(frozen=True)
class Evidence:
    """What a probe gathered: its requests by key, and values learnt on the way (the created order...).

    `touch`, when set, is told which request a check reads, so its result can name that one first.
    """

    sent: Mapping[str, Sent]
    values: Mapping[str, Any] = field(default_factory=dict)
    touch: Callable[[Sent], None] | None = field(default=None, compare=False, repr=False)

    def __getitem__(self, key: str) -> Sent:
        sent = self.sent[key]
        if self.touch is not None:
            self.touch(sent)
        return sent


@dataclass(frozen=True)
class CheckResult:
    """One extended check: its rule, why it failed (nothing: passed) or why it was not run, and the
    requests it looked at, the one it is about first."""

    rule: Rule
    failures: tuple[Failure, ...]
    sent: tuple[Sent, ...] = ()
    #: Why the check could not be evaluated (a precondition failed, or the server has nothing of the kind
    #: to judge): neither passed nor failed, counted apart.
    not_run: NotRun | None = None

    @property
    def passed(self) -> bool:
        """True when nothing failed: a check not run did not fail (`not_run` says it was not judged)."""
        return not self.failures

    @property
    def reason(self) -> str | None:
        """The failures on one line, each prefixed by its request, or why it did not run; None: passed."""
        return self.assertion().reason

    def assertion(self) -> AssertionResult:
        """The check as the engine's one assertion, keyed by its rule id (stable for baselines); its
        failures stay values, each naming the request it is about."""
        rule = self.rule
        return AssertionResult(
            rule.title,
            self.failures,
            key=rule.id,
            rule=f"{rule.source}: {rule.rule}",
            not_run=self.not_run,
            cites_requests=True,
        )

    def unit(self, api_url: str, kit: KitInfo) -> UnitResult:
        """The check as the engine's unit: its first request as the exchange, the others as `more`.

        `group` is the rule id (`TMF622B-M-POST-201`), so reports and baselines find a check by its id.
        """
        main = self.sent[0] if self.sent else None
        return UnitResult(
            kit=kit,
            level=self.rule.level,
            group=self.rule.id,
            name=self.rule.title,
            method=main.exchange.method if main else "",
            url=api_url + (main.path if main else ""),
            exchange=main.exchange if main else None,
            assertions=(self.assertion(),),
            not_sent=None if main else (self.reason or "no request was needed"),
            more=tuple((s.request, s.exchange) for s in self.sent[1:]),
        )
