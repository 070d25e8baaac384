"""TMF630 paging answers: 206 Partial Content for a page, 200 for the whole collection, a well-formed Link."""

from __future__ import annotations

import re

from ctk_suite.core.failures import clip
from ctk_suite.kits.extended.records import Sent
from ctk_suite.kits.extended.verdicts import Failures, json_array, responded

#: TMF630 (paging): a partial answer is 206 Partial Content, the whole collection 200 OK.
PAGE_STATUSES = (200, 206)
# RFC 8288 section 3: link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param ), link-param =
# token BWS [ "=" BWS ( token / quoted-string ) ].
_TCHARS = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_PARAM = rf"""\s*;\s*{_TCHARS}\s*(?:=\s*(?:{_TCHARS}|"(?:[^"\\]|\\.)*"))?"""
_LINK_VALUE = re.compile(rf"\s*<[^<>\s]*>(?:{_PARAM})*\s*")
_REL = re.compile(r";\s*rel\s*=", re.IGNORECASE)


def page_answer(sent: Sent) -> Failures:
    """A list answer with a page status (200 or 206) and a JSON array body."""
    if missing := responded(sent):
        return missing
    if sent.status not in PAGE_STATUSES:
        expected = "HTTP 200 (the whole collection) or 206 (a partial page)"
        return [sent.fail("status", expected, f"HTTP {sent.status}")]
    return json_array(sent)


def partial_agrees(sent: Sent) -> Failures:
    """A 206 names a partial page: X-Total-Count, when given, is above the number of orders returned."""
    total = _header(sent, "X-Total-Count")
    if sent.status != 206 or total is None or not total.strip().isdigit():
        return []
    if int(total) > len(sent.json):
        return []
    shown = f"HTTP 206 with all {total} orders of the collection"
    return [sent.fail("status", "HTTP 200 for the whole collection (206 is for a partial page)", shown)]


def links(sent: Sent) -> Failures:
    """When a Link header is sent, each of its links is `<uri>; rel=...` (RFC 8288 section 3)."""
    header = _header(sent, "Link")
    if header is None:
        return []
    bad = [value for value in _split(header) if not _LINK_VALUE.fullmatch(value) or not _REL.search(value)]
    if not bad:
        return []
    return [sent.fail("header Link", '<uri>; rel="next", ... (RFC 8288)', clip(repr(bad[0]), 80))]


def _split(header: str) -> list[str]:
    """The link-values of a Link header: split at commas outside `<...>` and quoted strings."""
    parts, current, inside = [], "", ""
    for char in header:
        if char == "," and not inside:
            parts.append(current)
            current = ""
            continue
        current += char
        if (inside == "<" and char == ">") or (inside == '"' and char == '"'):
            inside = ""
        elif not inside and char in '<"':
            inside = char
    return [*parts, current]


def _header(sent: Sent, name: str) -> str | None:
    return sent.exchange.header(name)
