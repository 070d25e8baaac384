"""What the extended level records: each request it sent (`Sent`), what a probe learnt, what a check found."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ctk_suite.core.failures import Failure, render
from ctk_suite.http.client import Exchange
from ctk_suite.kits.extended.catalogue import Rule
from ctk_suite.kits.official.run import NotJson, parse_json

#: How many failures one check's reason spells out before summarising the rest.
MAX_LISTED = 6


class Blocked(Exception):
    """A probe could not gather its evidence; the message says why. Its checks fail with that reason."""


class Unmet(Blocked):
    """A precondition of the checks is missing (no order id after the create, a created order without
    the state a filter needs): they are reported as not run, with the reason, never failed (issue 9)."""


class ProbeCrashed(Blocked):
    """A probe raised an unexpected error (a bug): its checks fail, they are not merely not run."""


class NotApplicable(Exception):
    """The check cannot judge this server: what it needs is absent (an optional feature the server says it
    does not support, an attribute no response carried). The message says why: the check is not run."""


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

    @cached_property
    def parsed(self) -> tuple[Any, str | None]:
        """(body, None), or (None, why it is not JSON)."""
        try:
            return parse_json(self.exchange.text), None
        except NotJson as exc:
            return None, str(exc)

    @property
    def json(self) -> Any:
        """The parsed body (None when it is not JSON)."""
        return self.parsed[0]

    def fail(self, where: str, expected: str, seen: str) -> Failure:
        """A failure about this request's response."""
        return Failure(request=self.request, where=where, expected=expected, seen=seen)

    def note(self, note: str) -> Failure:
        """A failure explained by one sentence."""
        return Failure(request=self.request, note=note)


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
    """One extended check: its rule, why it failed (nothing: passed), and the requests it looked at."""

    rule: Rule
    failures: tuple[Failure, ...]
    sent: tuple[Sent, ...] = ()
    #: Why the check could not be evaluated (a missing precondition, NotApplicable): neither passed nor
    #: failed, counted apart.
    not_run: str | None = None

    @property
    def passed(self) -> bool:
        """True when nothing failed: a check not run did not fail (`not_run` says it was not judged)."""
        return not self.failures

    @property
    def reason(self) -> str | None:
        """The failures on one line, each prefixed by its request, or why it did not run; None: passed."""
        if self.not_run is not None:
            return self.not_run
        if not self.failures:
            return None
        lines = [describe_failure(f) for f in self.failures[:MAX_LISTED]]
        hidden = len(self.failures) - MAX_LISTED
        if hidden > 0:
            lines.append(f"... and {hidden} more")
        return "; ".join(lines)


def describe_failure(failure: Failure) -> str:
    """`GET /productOrder?fields=state (fields on the list): $[0].note: expected ..., seen ...`."""
    return f"{failure.request}: {render(failure)}" if failure.request else render(failure)
