"""Content negotiation: every answer of the mock is JSON, so an `Accept` that excludes JSON gets 406.

RFC 9110 §12.5.1: `application/json`, `application/*` and `*/*` accept it (parameters such as
`charset` aside) unless `q=0`; the most specific range decides. A missing or empty `Accept`
accepts anything. An `Accept` with no readable range is ignored, as the RFC allows.
"""

from __future__ import annotations

from functools import lru_cache

from aiohttp import web
from aiohttp.typedefs import Handler

from mock_server.http.errors import ApiError, shown

#: Media ranges that cover `application/json`, most specific first.
_COVERING = ("application/json", "application/*", "*/*")


def _quality(parameters: list[str]) -> float:
    """The `q` parameter (1 when absent); an unreadable one counts as 1, as if it were absent."""
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value.strip())
            except ValueError:
                return 1.0
    return 1.0


def _ranges(accept: str) -> dict[str, float]:
    """`text/html;q=0.9, */*` -> {"text/html": 0.9, "*/*": 1.0} (media ranges lower-cased)."""
    ranges: dict[str, float] = {}
    for entry in accept.split(","):
        media_range, *parameters = entry.split(";")
        media_range = media_range.strip().lower()
        if "/" in media_range:
            ranges.setdefault(media_range, _quality(parameters))
    return ranges


@lru_cache(maxsize=64)  # clients send a handful of Accept values; bounded, as the header is theirs
def accepts_json(accept: str) -> bool:
    """Whether a response in `application/json` is acceptable under this `Accept` header value."""
    ranges = _ranges(accept)
    if not ranges:
        return True
    for media_range in _COVERING:
        if media_range in ranges:
            return ranges[media_range] > 0
    return False


def refuse_unacceptable(request: web.Request) -> None:
    """406 before any work when the client accepts no JSON (the Error body is JSON regardless), except
    on a page (`serves_html`), asked only then: almost every request accepts JSON, and looking up the
    route's handler cost as much as the Accept check itself."""
    values = request.headers.getall("Accept", ())
    if not values:
        return
    accept = values[0] if len(values) == 1 else ", ".join(values)
    if not accepts_json(accept) and not serves_html(request):
        raise ApiError(406, f"Every answer here is application/json, which Accept {shown(accept)} excludes")


#: Marks a handler whose answer may be HTML (the landing page, /docs): `Accept: text/html` is not a 406 there.
HTML_PAGE = "_tmf622_html_page"


def html_page(handler: Handler) -> Handler:
    """Mark `handler` as a page (see HTML_PAGE)."""
    setattr(handler, HTML_PAGE, True)
    return handler


def serves_html(request: web.Request) -> bool:
    return bool(getattr(request.match_info.route.handler, HTML_PAGE, False))
