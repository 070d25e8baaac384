"""State of one extended run: the target, the probes' evidence (gathered once), the listener, the results."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from ctk_suite.core.failures import Failure, Kind
from ctk_suite.core.registry import Registry
from ctk_suite.http.client import Exchange
from ctk_suite.kits.extended.catalogue import Rule
from ctk_suite.kits.extended.listener import EventListener, ListenerError, ListenerSettings
from ctk_suite.kits.extended.records import (
    Blocked,
    BodySchema,
    CheckResult,
    Evidence,
    NotApplicable,
    ProbeCrashed,
    Sent,
    Unmet,
)
from ctk_suite.kits.official.variables import url_encode

ProbeFn = Callable[["ExtendedRun"], Evidence]
CheckFn = Callable[["ExtendedRun"], Iterable[Failure]]

#: The two tables of the extended level (filled by `versions`: every API version's probes and checks).
#: Probes send their requests once per run; the checks that ask for one share its evidence.
PROBES: Registry[ProbeFn] = Registry("probe")
#: The check of each catalogue rule: it yields failures, nothing when the rule holds.
CHECKS: Registry[CheckFn] = Registry("extended check")


def probe(name: str) -> Callable[[ProbeFn], ProbeFn]:
    """Register a probe under `name`."""
    return PROBES.register(name)


def check(rule_id: str) -> Callable[[CheckFn], CheckFn]:
    """Register the check of catalogue rule `rule_id`."""
    return CHECKS.register(rule_id)


#: How closely a request concerns the running check: the requests it reads name its result.
READ, ASKED, NEEDED = 0, 1, 2
#: `send(method, url, headers, body) -> Exchange`: the CTK's HTTP client, never raising.
Send = Callable[[str, str, Mapping[str, str], bytes | None], Exchange]


@dataclass(frozen=True)
class Target:
    """The server under test as the extended level reaches it, with the CTK run's client and headers."""

    base_url: str  # the API root, ending with "/"
    headers: Mapping[str, str]  # sent with every request (Accept, Content-Type, the profile's headers)
    payload: Callable[[], dict[str, Any]]  # a fresh POST /productOrder body for this deployment
    send: Send


class ExtendedRun:
    """Evaluates extended checks one by one; probes run on first use and their evidence is shared."""

    def __init__(self, target: Target, listener: ListenerSettings | None = None) -> None:
        self.target = target
        self.listener_settings = listener or ListenerSettings()
        self.results: list[CheckResult] = []
        self.subscriptions: list[str] = []  # hub subscriptions not yet unregistered
        self.started_at = datetime.now(UTC)
        self._started = time.perf_counter()
        self._finished: float | None = None
        self._evidence: dict[str, Evidence | Blocked] = {}
        self._seen: list[tuple[int, Sent]] | None = None  # (rank, request) of the running check
        self._depth = 0
        self._listener: EventListener | None = None
        self.rule: Rule | None = None  # the rule being evaluated: a shared check reads its params

    @property
    def duration_ms(self) -> float:
        """Wall time from the start of the run to its last check."""
        end = self._finished if self._finished is not None else time.perf_counter()
        return round((end - self._started) * 1000, 1)

    def send(
        self,
        label: str,
        method: str,
        path: str,
        *,
        expects: BodySchema | None,
        body: Any = None,
        raw: bytes | None = None,
        content_type: str | None = None,
    ) -> Sent:
        """Send one request (a JSON `body`, or `raw` bytes as they are) relative to the API root."""
        headers = dict(self.target.headers)
        if content_type is not None:
            headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
            headers["Content-Type"] = content_type
        data = raw if raw is not None else json.dumps(body).encode() if body is not None else None
        exchange = self.target.send(method, self.target.base_url + path, headers, data)
        return Sent(label, path, exchange, expects)

    def probe(self, name: str) -> Evidence:
        """The evidence of probe `name`, gathered on first use; Blocked when it could not be.

        A check's result lists first the requests it read, then the rest of the probes it asked
        for, then those of the probes they depend on: the first is the request the check is about.
        """
        return self.gathered(name, PROBES.get(name))

    def gathered(self, name: str, gather: ProbeFn) -> Evidence:
        """The evidence `gather` collects, once per run under `name`: a probe with a parameter (the
        attribute a conformance-profile check leaves out) is gathered this way, shared like any probe."""
        self._depth += 1
        try:
            if name not in self._evidence:
                try:
                    self._evidence[name] = gather(self)
                except Blocked as exc:
                    self._evidence[name] = exc
                except Exception as exc:  # a probe bug blocks its checks once, never the run
                    self._evidence[name] = ProbeCrashed(f"probe {name} crashed: {type(exc).__name__}: {exc}")
        finally:
            self._depth -= 1
        outcome = self._evidence[name]
        if isinstance(outcome, Blocked):
            raise outcome
        if self._seen is None:
            return outcome
        seen, direct = self._seen, self._depth == 0
        seen.extend((ASKED if direct else NEEDED, sent) for sent in outcome.sent.values())
        return replace(outcome, touch=lambda sent: seen.append((READ, sent))) if direct else outcome

    def listener(self) -> EventListener:
        """The notification listener, started on first use; Blocked when it cannot start."""
        if self._listener is None:
            listener = EventListener(self.listener_settings)
            try:
                listener.start()
            except ListenerError as exc:
                raise Blocked(str(exc)) from None
            self._listener = listener
        return self._listener

    def evaluate(self, rule: Rule) -> CheckResult:
        """Run the check of `rule`. A missing precondition (Unmet, NotApplicable) makes it not run, with
        the reason: neither a pass nor a failure of the server. A blocked or crashing probe, or a crashing
        check, fails it."""
        seen: list[tuple[int, Sent]] = []
        self._seen, self.rule, not_run = seen, rule, None
        try:
            failures = tuple(CHECKS.get(rule.check_name)(self))
        except NotApplicable as exc:
            failures, not_run = (), str(exc)
        except ProbeCrashed as exc:
            failures = (Failure(request="", note=str(exc), kind=Kind.INTERNAL),)
        except Unmet as exc:
            failures, not_run = (), f"not run: {exc}"
        except Blocked as exc:
            failures = (Failure(request="", note=f"not checked: {exc}"),)
        except Exception as exc:  # a bug in one check fails that check, never the whole run
            note = f"check {rule.id} crashed: {type(exc).__name__}: {exc}"
            failures = (Failure(request="", note=note, kind=Kind.INTERNAL),)
        finally:
            self._seen, self.rule = None, None
        if not seen and not failures and not_run is None:  # a check that looked at nothing must not pass
            failures = (Failure(request="", note=f"check {rule.id} examined no response"),)
        ordered = [sent for _, sent in sorted(seen, key=lambda ranked: ranked[0])]  # stable: keeps run order
        result = CheckResult(rule, failures, tuple({id(s): s for s in ordered}.values()), not_run)
        self.results.append(result)
        self._finished = time.perf_counter()
        return result

    def close(self) -> None:
        """Unregister a subscription a failed or deselected check left behind, then stop the listener."""
        for subscription in list(self.subscriptions):
            self.send(
                "unregister left-over listener", "DELETE", f"hub/{url_encode(subscription)}", expects=None
            )
            self.subscriptions.remove(subscription)
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
