"""Follow a v5 `202 Accepted` answer to the resource its Location names (asynchronous servers).

TMF622 v5 lets createProductOrder, patchProductOrder, deleteProductOrder and createCancelProductOrder answer
202: the work goes on after the answer. The level then reads the resource at the answer's Location until it
is there (200; for a DELETE, until it is gone: 404), up to the listener's event timeout.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from ctk_suite.kits.extended.records import BodySchema, Sent

if TYPE_CHECKING:
    from ctk_suite.kits.extended.run import ExtendedRun

ACCEPTED = 202
#: First pause between two reads of an accepted resource; it doubles up to MAX_PAUSE_S.
FIRST_PAUSE_S, MAX_PAUSE_S = 0.02, 0.5


def location_path(run: ExtendedRun, sent: Sent) -> str | None:
    """The answer's Location as a path below the API root (`productOrder/7`); None when it has none or
    it points outside the API (a client must not be sent elsewhere)."""
    location = sent.exchange.header("Location")
    if not location and sent.exchange.method == "DELETE":  # the resource itself is what goes away
        return sent.path.partition("?")[0]
    if not location:
        return None
    root = run.target.base_url
    absolute = urljoin(root + sent.path, location.strip())
    if not absolute.startswith(root) or urlsplit(absolute).netloc != urlsplit(root).netloc:
        return None
    return absolute[len(root) :]


def follow(run: ExtendedRun, sent: Sent, expects: BodySchema | None, gone: bool = False) -> Sent | None:
    """For a 202: read the Location until it answers 200 (`gone`: 404) or the deadline passes; the last
    read. None when `sent` is not a 202 or names no Location in the API (the async check reports it)."""
    if sent.status != ACCEPTED or (path := location_path(run, sent)) is None:
        return None
    wanted = 404 if gone else 200
    if fields := [p for p in urlsplit(sent.path).query.split("&") if p.startswith("fields=")]:
        path += ("&" if "?" in path else "?") + fields[0]  # the selection asked for applies to the result
    deadline = time.monotonic() + run.listener_settings.timeout_s
    pause, waiter = FIRST_PAUSE_S, threading.Event()
    while True:
        read = run.send(f"follow the 202 of {sent.label}", "GET", path, expects=expects)
        if read.status == wanted or time.monotonic() + pause > deadline:
            return read
        waiter.wait(pause)  # a poll interval, not a test sleep: the server finishes in its own time
        pause = min(pause * 2, MAX_PAUSE_S)


def settled(run: ExtendedRun, key: str, sent: Sent, expects: BodySchema | None) -> dict[str, Sent]:
    """`{key: sent}`, plus `{key + ".follow": the read of its Location}` when it was a 202 followed."""
    read = follow(run, sent, expects, gone=sent.exchange.method == "DELETE")
    return {key: sent} if read is None else {key: sent, f"{key}.follow": read}


def outcome(evidence_sent: dict[str, Sent], key: str) -> Sent:
    """The answer that counts for `key`: the followed read of a 202, else the answer itself."""
    return evidence_sent.get(f"{key}.follow", evidence_sent[key])
