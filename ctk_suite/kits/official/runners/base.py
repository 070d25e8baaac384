"""What a model of an official runner (Newman, Cypress) offers a run of its kit, and what it is offered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ctk_suite.core.failures import Kind
from ctk_suite.engine.records import AssertionResult
from ctk_suite.http.errors import AUTH
from ctk_suite.http.exchange import Exchange
from ctk_suite.kits.official.assertions import Unjudged
from ctk_suite.kits.official.checks.catalogue import get_check
from ctk_suite.kits.official.checks.kinds import CheckContext
from ctk_suite.kits.official.scenario import RequestSpec
from ctk_suite.kits.official.variables import Variables


class Judging(Protocol):
    """The run as a runner model sees it: the captured values, the checks' view of a response, and the
    captures, which the official runner decides (what its scripts hand to `pm.globals` or Cypress.env)."""

    @property
    def variables(self) -> Variables: ...

    def context(self, spec: RequestSpec, exchange: Exchange, body: Any) -> CheckContext:
        """The response as the checks of `spec` see it, with `body` as its parsed body."""
        ...

    def capture(self, spec: RequestSpec, exchange: Exchange, body: Any) -> None:
        """Keep what `spec` captures from `body`."""
        ...

    def capture_failed(self, spec: RequestSpec, why: str) -> None:
        """Mark what `spec` captures as unavailable, saying `why`."""
        ...


@dataclass(frozen=True)
class Judged:
    """A request's assertions, each with its strict verdict and the official one beside it."""

    results: tuple[AssertionResult, ...]
    #: The official script's own error on the request (Newman's test-script failure), if it stopped.
    official_error: str | None = None


class OfficialRunner(Protocol):
    """A model of the program that runs an official kit, registered by the name a scenario's
    `officialRunner` gives (runners/__init__.py): the run asks it everything that differs between them."""

    #: What a {{VAR}} without a captured value is sent as; None: as Postman resolves it (an unset global
    #: stays `{{VAR}}`, one set from a missing attribute is empty: `Variables.render_url`).
    missing_text: str | None
    #: Whether a body that is not JSON reaches the checks as text (our own, unofficial runs of its kit).
    judges_raw_bodies: bool

    def judge(
        self, run: Judging, spec: RequestSpec, exchange: Exchange, where: str, unjudged: Unjudged | None
    ) -> Judged:
        """Every assertion of `spec` on `exchange`: ours, with what the official runner would report."""
        ...


def transport_kind(error: str) -> Kind:
    """The failure kind of an exchange that got no answer: refused credentials, or the transport."""
    return Kind.AUTH if error.startswith(AUTH) else Kind.TRANSPORT


def reads_json(spec: RequestSpec) -> bool:
    """Whether anything of `spec` needs its response body parsed: a capture or a check of the body."""
    kinds = (get_check(a.kind) for a in spec.assertions)
    return bool(spec.captures) or spec.captures_all or any(kind.needs_json for kind in kinds)


def request_label(spec: RequestSpec) -> str:
    """`N1 POST /ProductOrder`, how a dependent assertion names the request it waited for."""
    return f"{spec.scenario} {spec.method} {spec.name}"
