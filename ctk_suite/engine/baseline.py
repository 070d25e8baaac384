"""Compare a run with an earlier summary.json: with a baseline, only regressions fail the run.

A regression is an assertion that fails now and did not fail in the baseline: it passed there, or it
did not exist there (a new check, or a request that was not sent). Assertions that passed in the
baseline and are not evaluated now are listed as `missing`, without failing the run: conditional
assertions (the created order paged out of a busy list) come and go.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUMMARY_FORMAT_PREFIX = "tmf622-ctk-summary/"
#: The pseudo-assertion a request carries in the comparison: it got an HTTP response at all.
ANSWERED = "(request got a response)"


class BaselineError(ValueError):
    """The baseline file cannot be used; the message is one line."""


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reason: str | None


@dataclass(frozen=True)
class Comparison:
    """Assertions by how their verdict moved since the baseline; each entry is one readable line."""

    file: str
    regressions: tuple[str, ...] = ()
    known_failures: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The `baseline` object of summary.json."""
        return {
            "file": self.file,
            "regressions": list(self.regressions),
            "knownFailures": list(self.known_failures),
            "fixed": list(self.fixed),
            "missing": list(self.missing),
        }


def load_baseline(path: Path) -> dict[str, Any]:
    """The baseline summary; BaselineError when it is missing, not JSON or not a summary."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"baseline {path}: file not found") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BaselineError(f"baseline {path}: not a readable JSON file ({exc})") from None
    if not isinstance(document, dict):
        raise BaselineError(f"baseline {path}: not a tmf622-ctk summary.json (not an object)")
    kind = document.get("format")
    if not isinstance(kind, str) or not kind.startswith(SUMMARY_FORMAT_PREFIX):
        raise BaselineError(f"baseline {path}: not a tmf622-ctk summary.json (format {kind!r})")
    if not isinstance(document.get("requests"), list):
        raise BaselineError(f"baseline {path}: it holds no `requests` list")
    return document


def compare(baseline: Mapping[str, Any], current: Mapping[str, Any], file: str) -> Comparison:
    """Sort every assertion of `current` (and the baseline's passes it lost) into the four lists."""
    before, now = verdicts(baseline), verdicts(current)
    regressions, known, fixed = [], [], []
    for key, verdict in now.items():
        old = before.get(key)
        if not verdict.passed and (old is None or old.passed):
            regressions.append(_line(key, verdict, "new" if old is None else "passed in the baseline"))
        elif not verdict.passed:
            known.append(_line(key, verdict, "failed in the baseline too"))
        elif old is not None and not old.passed:
            fixed.append(key)
    missing = [key for key, old in before.items() if old.passed and key not in now]
    return Comparison(file, tuple(regressions), tuple(known), tuple(fixed), tuple(missing))


def _line(key: str, verdict: Verdict, history: str) -> str:
    return f"{key} ({history}): {verdict.reason or 'failed'}"


def verdicts(summary: Mapping[str, Any]) -> dict[str, Verdict]:
    """Every assertion of a summary by a key stable across runs: level, request, unrendered name."""
    found: dict[str, Verdict] = {}
    seen: dict[str, int] = {}
    for request in _requests(summary):
        title = f"{request.get('level', 'ctk')} {request.get('scenario')} {request.get('name')} "
        title += f"[{request.get('method')}]"
        seen[title] = seen.get(title, 0) + 1
        if seen[title] > 1:  # the same request sent twice: keep them apart by position
            title += f" #{seen[title]}"
        error = request.get("error")
        found[f"{title}: {ANSWERED}"] = Verdict(error is None, error)
        for assertion in request.get("assertions") or []:
            name = assertion.get("key") or assertion.get("name")
            found[f"{title}: {name}"] = Verdict(bool(assertion.get("passed")), assertion.get("reason"))
    return found


def _requests(summary: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The CTK's requests, then those of the extended level (kept apart so `requests` stays the CTK's)."""
    for section in ("requests", "extendedRequests"):
        for request in summary.get(section) or []:
            if isinstance(request, Mapping):
                yield request
