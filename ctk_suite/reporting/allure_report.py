"""The one module that talks to Allure: steps, redacted attachments, labels, environment and categories."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import allure
import allure_commons
import pytest

from ctk_suite.core.failures import Kind
from ctk_suite.core.redaction import SecretRegistry, redact_body, redact_headers, redact_text, redact_url
from ctk_suite.engine.items import KitItem, UnitFailed
from ctk_suite.engine.records import UnitResult, Verdict, failure_kind
from ctk_suite.engine.results import UNCOUNTED
from ctk_suite.http.exchange import Exchange
from ctk_suite.reporting.replay import reproduce

#: An attachment shows at most this much of a body (the exchange itself may hold up to 5 MiB).
MAX_ATTACHED_CHARS = 64 * 1024
#: The label that carries a failed unit's kind; Allure 3's categories match on it (allure_html.py).
KIND_LABEL = "failureKind"

CATEGORY_NAMES = {
    Kind.TRANSPORT: "Transport errors (no usable response)",
    Kind.AUTH: "Authentication errors (token endpoint, credentials)",
    Kind.PRECONDITION: "Not run: a request or value it needs is unavailable",
    Kind.BODY: "Response body is not JSON",
    Kind.STATUS: "Wrong status code",
    Kind.SCHEMA: "Schema violations",
    Kind.ASSERTION: "Assertion failures",
    Kind.INTERNAL: "Suite errors (a check of ours crashed)",
}
assert set(CATEGORY_NAMES) == set(Kind)


class AllureRedaction:
    """An Allure plugin that masks what allure-pytest itself writes before its file logger does: the
    message and traceback of a crashed test, step titles and parameter values (ours are masked already)."""

    def __init__(self, registry: SecretRegistry) -> None:
        self._registry = registry

    def __repr__(self) -> str:
        return "<tmf622-ctk Allure redaction>"

    @allure_commons.hookimpl(tryfirst=True)
    def report_result(self, result: Any) -> None:
        """Mask a test result in place, just before it is written."""
        self._mask(result)

    @allure_commons.hookimpl(tryfirst=True)
    def report_container(self, container: Any) -> None:
        """Mask a fixture container (befores, afters) in place."""
        for item in [*container.befores, *container.afters]:
            self._mask(item)

    def _mask(self, item: Any) -> None:
        details = item.statusDetails
        if details is not None and details.message and details.message.startswith(_UNIT_FAILED):
            details.message = details.message.removeprefix(_UNIT_FAILED)  # our message, not a Python class
        if item.name:
            item.name = redact_text(item.name, self._registry)
        if (details := item.statusDetails) is not None:
            details.message = details.message and redact_text(details.message, self._registry)
            details.trace = details.trace and redact_text(details.trace, self._registry)
        for parameter in getattr(item, "parameters", ()) or ():
            parameter.value = redact_text(str(parameter.value), self._registry)
        for step in item.steps:
            self._mask(step)


_UNIT_FAILED = f"{UnitFailed.__module__}.{UnitFailed.__qualname__}: "


def mask_allure(registry: SecretRegistry) -> Callable[[], None]:
    """Register an `AllureRedaction` for `registry`; returns the function that removes it."""
    plugin = AllureRedaction(registry)
    allure_commons.plugin_manager.register(plugin)
    return lambda: allure_commons.plugin_manager.unregister(plugin)


def categories() -> list[dict[str, Any]]:
    """Allure 3 category rules (allurerc `categories`): one per failure kind, matched on KIND_LABEL."""
    return [
        {"name": name, "matchers": {"labels": {KIND_LABEL: kind.value}, "statuses": ["failed", "broken"]}}
        for kind, name in CATEGORY_NAMES.items()
    ]


def allure2_categories() -> list[dict[str, Any]]:
    """The same categories as Allure 2's categories.json, matched on the `[kind]` that starts a message."""
    return [
        {
            "name": name,
            "matchedStatuses": ["failed", "broken"],
            "messageRegex": rf"[^\n]*?\[{kind.value}\] (?s:.*)",
        }
        for kind, name in CATEGORY_NAMES.items()
    ]


def record(result: UnitResult, registry: SecretRegistry | None = None) -> None:
    """Label the running test, attach its exchanges, and add one step per assertion (failed ones marked)."""
    dynamic: Any = allure.dynamic  # allure's label helpers carry no type hints
    kit = result.kit
    dynamic.parent_suite(kit.collection)
    dynamic.suite(result.group)
    dynamic.epic(f"TMF622 Product Ordering v{kit.version}")
    dynamic.feature(result.group)
    dynamic.story(result.title)
    labels = {"level": result.level, "scenario": result.group, "kit": kit.title}
    rules = [a.rule for a in result.assertions if a.rule]
    labels["specRule"] = result.group if rules else f"{kit.title} {result.group}"
    if rules:
        labels["specSource"] = rules[0]
    if (kind := failure_kind(result)) is not None:
        labels[KIND_LABEL] = kind.value
    for name, value in labels.items():
        dynamic.label(name, redact_text(value, registry))
    # Two requests share a name (`N1 /ProductOrder` POST and GET): the method keeps their histories apart.
    allure.dynamic.parameter("method", result.method or "-")
    allure.dynamic.parameter("url", redact_url(result.url, registry), excluded=True)  # run-specific ids
    if any(a.official is not None for a in result.assertions):
        allure.dynamic.parameter("verdicts", _both_counts(result), excluded=True)
    if result.exchange is not None:
        attach_exchange(result.exchange, "", registry)
    for label, exchange in result.more:
        attach_exchange(exchange, redact_text(f" {label}", registry), registry)
    if result.error is not None:
        _attach(redact_text(result.error, registry), "error")
    if result.official_error is not None:
        _attach(redact_text(result.official_error, registry), "official script error")
    if (line := reproduce(result, registry)) is not None:
        _attach(line, "reproduce (curl)")  # the line summary.json's `reproduce` holds
    for assertion in result.assertions:
        reason = None if assertion.reason is None else redact_text(assertion.reason, registry)
        official = "" if assertion.official is None else f" [official: {assertion.official.value}]"
        unjudged = None if assertion.passed or assertion.failed else assertion.verdict.value
        _step(redact_text(assertion.name, registry) + official, reason, unjudged)


def _both_counts(result: UnitResult) -> str:
    """`official 13/13, strict 10/13`: passed of all, by each verdict (the official total leaves out what
    the official kit does not evaluate: not emitted by its script, or not run)."""
    total = len(result.assertions)
    counted = [a for a in result.assertions if a.official_verdict not in UNCOUNTED]
    official = sum(a.official_verdict is Verdict.PASSED for a in counted)
    return f"official {official}/{len(counted)}, strict {sum(a.passed for a in result.assertions)}/{total}"


class AllureRecorder:
    """A pytest plugin: once a unit's item has run, its results go on its Allure test (labels, exchanges
    as attachments, one step per assertion), while allure-pytest still holds that test open."""

    def __init__(self, registry: SecretRegistry) -> None:
        self._registry = registry

    def __repr__(self) -> str:
        return "<tmf622-ctk Allure recorder>"

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Any:
        """After the unit ran (passed, failed or skipped alike)."""
        yield
        if isinstance(item, KitItem) and item.results:
            record_unit(item.results, self._registry)


def record_unit(results: Sequence[UnitResult], registry: SecretRegistry | None = None) -> None:
    """One unit's results on the running test: its setup results attached, then its own recorded."""
    for setup in results[:-1]:
        attach_setup(setup, registry)
    record(results[-1], registry)


def attach_setup(result: UnitResult, registry: SecretRegistry | None = None) -> None:
    """A request run as setup for the running test: its exchange, named as such."""
    if result.exchange is not None:
        attach_exchange(result.exchange, redact_text(f" (setup: {result.title})", registry), registry)
    elif result.error is not None:
        _attach(redact_text(result.error, registry), f"setup: {result.title}")


def _step(name: str, reason: str | None, unjudged: str | None = None) -> None:
    """A passed step, a failed one (its reason), or a skipped one: a not-run (or not applicable) assertion
    is neither a pass nor a failure; `unjudged` is its verdict."""
    try:
        with allure.step(name):
            if unjudged is not None:
                raise pytest.skip.Exception(f"{unjudged}: {reason}")
            if reason is not None:
                raise AssertionError(reason)
    except (AssertionError, pytest.skip.Exception):
        pass  # recorded on the step; the item fails (or is skipped) once all assertions are reported


def _attach(text: str, name: str) -> None:
    allure.attach(text, name=name, attachment_type=allure.attachment_type.TEXT)


def attach_exchange(exchange: Exchange, suffix: str, registry: SecretRegistry | None = None) -> None:
    """Request and response heads as text, their bodies apart (JSON bodies as JSON attachments)."""
    _attach(request_text(exchange, registry), f"request{suffix}")
    if exchange.request_body:
        _attach_body(
            exchange.request_body.decode("utf-8", errors="replace"), f"request body{suffix}", registry
        )
    if exchange.status is not None:
        _attach(response_text(exchange, registry), f"response{suffix}")
        if exchange.body:
            _attach_body(exchange.text, f"response body{suffix}", registry)


def _attach_body(text: str, name: str, registry: SecretRegistry | None) -> None:
    # The state of the registry is part of the key: a secret registered since is masked in a new entry.
    shown, is_json = _shown_attachment(text, registry, None if registry is None else registry.rules())
    kind = allure.attachment_type.JSON if is_json else allure.attachment_type.TEXT
    allure.attach(shown, name=name, attachment_type=kind)


def _shown_attachment(text: str, registry: SecretRegistry | None, rules: object) -> tuple[str, bool]:
    """The body as shown and whether it is JSON; a body within the cut is kept for the next check that
    attaches the same exchange (the v5 extended kit attaches each setup exchange to hundreds of checks)."""
    if len(text) > MAX_ATTACHED_CHARS:  # never kept: a cache of 5 MB bodies would hold them all
        return shown_body(text, registry), False
    return _shown_small_attachment(text, registry, rules)


@functools.lru_cache(maxsize=16)  # at most 16 bodies of MAX_ATTACHED_CHARS, a few MB
def _shown_small_attachment(text: str, registry: SecretRegistry | None, _rules: object) -> tuple[str, bool]:
    return shown_body(text, registry), _is_json(text)


def _is_json(text: str) -> bool:
    if len(text) > MAX_ATTACHED_CHARS:
        return False  # shown cut, so no longer JSON
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def request_text(exchange: Exchange, registry: SecretRegistry | None = None) -> str:
    """The request line and headers as sent (auth headers included, masked)."""
    first = f"{exchange.method} {redact_url(exchange.url, registry)}"
    return _head(first, exchange.request_headers, registry)


def response_text(exchange: Exchange, registry: SecretRegistry | None = None) -> str:
    """The status line and headers as received, secrets masked."""
    cut = " (cut at the size limit)" if exchange.truncated else ""
    first = f"HTTP {exchange.status} ({exchange.elapsed_ms:g} ms, {exchange.size} bytes{cut})"
    return _head(first, exchange.response_headers, registry)


def _head(first_line: str, headers: Mapping[str, str], registry: SecretRegistry | None) -> str:
    lines = [first_line, *(f"{k}: {v}" for k, v in redact_headers(headers, registry).items())]
    return "\n".join(lines) + "\n"


#: The word a cut ends in (up to a JWT's length) is dropped, so no part of a secret survives the cut.
_MAX_WORD = 8192
_LAST_WORD = re.compile(r"[\s\"',;:{}\[\]][^\s\"',;:{}\[\]]*\Z")  # a delimiter first: linear time


def shown_body(text: str, registry: SecretRegistry | None) -> str:
    """A body as attached: pretty JSON, masked; a long one cut first (masking 5 MiB takes seconds)."""
    if len(text) <= MAX_ATTACHED_CHARS:
        return redact_body(_pretty(text), registry)
    shown = _without_last_word(text[:MAX_ATTACHED_CHARS])
    return redact_body(shown, registry) + f"\n... ({len(text) - len(shown)} more characters not shown)"


def _without_last_word(text: str) -> str:
    tail_start = max(0, len(text) - _MAX_WORD)
    last = _LAST_WORD.search(text, tail_start)
    return text[: last.start() + 1] if last else text[:tail_start]


def _pretty(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


def write_environment(results_dir: Path, properties: Mapping[str, str]) -> None:
    """environment.properties and categories.json beside the results (read by the report generator)."""
    results_dir.mkdir(parents=True, exist_ok=True)
    lines = [f"{_escape_key(k)}={_escape_value(v)}" for k, v in properties.items()]
    (results_dir / "environment.properties").write_text("\n".join(lines) + "\n", encoding="utf-8")
    categories_json = json.dumps(allure2_categories(), indent=2)
    (results_dir / "categories.json").write_text(categories_json + "\n", encoding="utf-8")


def _escape_value(text: str) -> str:
    """Java .properties escaping of a value: backslashes and line breaks."""
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _escape_key(text: str) -> str:
    """Keys also end at `=`, `:` or white space."""
    return _escape_value(text).replace("=", "\\=").replace(":", "\\:").replace(" ", "\\ ")
