"""Hypothesis strategies for server responses (bodies, headers, statuses) and a fake server drawing them.

Used by test_fuzz_suite_parsing.py. A conforming answer is drawn beside the fuzzed one, part by part,
so multi-request flows (create, then read it back...) get past their first step and reach every check.
"""

from __future__ import annotations

import encodings.aliases
import functools
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from ctk_suite.http.exchange import Exchange
from tests.support.hardening.budget import share_of

EXAMPLES_ENV = "TMF622_PARSE_FUZZ_EXAMPLES"
BASE_URL = "http://ctk.invalid/tmf-api/productOrderingManagement/v4/"
ORDER_KEYS = ("id", "href", "orderDate", "state", "productOrderItem", "relatedParty", "@type", "description")
#: Ids the fake server hands out, so captured values, listed orders and events refer to each other.
KNOWN_IDS = ("po-1", "42", "\ud800", "a\x00b\u2028c", "x" * 300, "é/?#%", " ")
HUGE_NUMBERS = (10**400, -(10**400), 2**64, 1e308, 5e-324, -0.0)
SPECIAL_STRINGS = (
    "",
    "\ud800",
    "\udfff\ud800",
    "\x00",
    "\u2028\u2029\x85",
    "\x1b[31mred",
    "\ufeff",
    "\uffff",
)
#: Every codec name Python knows, text or not (base64, rot13, idna, undefined...): a charset may name any.
CODECS = sorted(
    {*encodings.aliases.aliases.values(), "idna", "punycode", "undefined", "unicode_escape", "mbcs"}
)
CONTENT_TYPES = (
    "application/json",
    "application/json;charset=UTF-8",
    'application/json; charset="utf-16"',
    "application/json; charset=latin-1",
    "application/json; charset=utf-8\x00",
    "application/json; charset=\ud800",
    "application/json; charset=",
    "text/html; charset=utf-8",
    ";;;=;",
    "",
)


def fuzz_settings(examples: int, shrink: bool = True) -> settings:
    """`examples` derandomized cases in CI, this run's share of them elsewhere (budget.py);
    TMF622_PARSE_FUZZ_EXAMPLES random ones when set."""
    override = os.environ.get(EXAMPLES_ENV, "").strip()
    return settings(
        max_examples=int(override) if override else share_of(examples),
        derandomize=not override,
        database=None,
        deadline=None,
        phases=[phase for phase in Phase if shrink or phase is not Phase.shrink],
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


strings = st.text(st.characters(exclude_categories=()), max_size=12) | st.sampled_from(SPECIAL_STRINGS)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from(HUGE_NUMBERS)
    | st.floats()  # NaN and Infinity: not JSON, so the body must be refused
    | strings
    | st.sampled_from(KNOWN_IDS)
)
json_values = st.recursive(
    scalars,
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.sampled_from(ORDER_KEYS) | strings, kids, max_size=5)
    ),
    max_leaves=12,
)
known_ids = st.sampled_from(KNOWN_IDS)
hrefs = known_ids.map(lambda i: f"{BASE_URL}productOrder/{i}")
items = st.lists(
    st.fixed_dictionaries(
        {}, optional={"id": strings, "action": st.sampled_from(("add", "modify")) | strings}
    ),
    max_size=3,
)
#: Orders whose every attribute may be missing or of the wrong shape.
orders = st.fixed_dictionaries(
    {},
    optional={
        "id": known_ids | known_ids | json_values,
        "href": hrefs | json_values,
        "orderDate": st.sampled_from(("2026-11-27T10:00:00Z", "not a date")) | json_values,
        "state": st.sampled_from(("acknowledged", "completed", "")) | json_values,
        "productOrderItem": items | json_values,
        "relatedParty": st.lists(st.fixed_dictionaries({"id": strings}), max_size=2) | json_values,
        "description": strings,
        "productOrder": st.fixed_dictionaries({"id": known_ids}),  # a cancellation's order
        "callback": strings,  # a hub subscription's
    },
)
#: Orders with every mandatory attribute in place (values still fuzzed): the flows can go on with them.
good_orders = st.fixed_dictionaries(
    {
        "id": known_ids,
        "href": hrefs,
        "orderDate": st.just("2026-11-27T10:00:00Z") | strings,
        "state": st.sampled_from(("acknowledged", "completed")) | strings,
        "productOrderItem": st.lists(
            st.fixed_dictionaries({"id": strings, "action": st.just("add")}), min_size=1, max_size=3
        ),
        "relatedParty": st.just([{"id": "p"}]) | json_values,
    },
    optional={
        "description": strings,
        "productOrder": st.fixed_dictionaries({"id": known_ids}),
        "@type": json_values,
    },
)
documents = orders | st.lists(orders, max_size=4) | json_values | st.lists(scalars, max_size=4)


def deep(depth: int, opener: str, closer: str, inside: str = "") -> bytes:
    return (opener * depth + inside + closer * depth).encode()


def nested_items(depth: int) -> bytes:
    """An order whose items nest `depth` deep (ProductOrderItem.productOrderItem is recursive)."""
    item: dict[str, Any] = {"id": "1", "action": "add"}
    for _ in range(depth):
        item = {"id": "1", "action": "add", "productOrderItem": [item]}
    return json.dumps(
        {"id": "po-1", "href": f"{BASE_URL}productOrder/po-1", "productOrderItem": [item]}
    ).encode()


class Big(bytes):
    """A body shown by its length and start in hypothesis' reports (a 200 kB repr would be a warning)."""

    def __repr__(self) -> str:
        return f"Big({len(self)} bytes: {bytes(self[:48])!r}...)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


#: Bodies no strategy reaches by chance: nesting around the parser's stack, huge strings and numbers.
_EXTREME_BODIES = (
    deep(100_000, "[", "]"),
    deep(995, '{"productOrderItem": [', "]}", "{}"),
    *(b'{"id": ' + deep(depth, "[", "]") + b"}" for depth in (300, 800, 990)),
    *(b'[{"id": 1}, {"id": ' + deep(depth, "[", "]") + b"}]" for depth in range(850, 1000, 15)),
    nested_items(60),
    nested_items(300),
    b'{"id": "' + b"x" * 200_000 + b'"}',
    b'{"id": 1' + b"0" * 5_000 + b"}",  # past Python's int-parsing limit
    b"[1e999, -1e999, 1e-999]",
    b'{"id": "\\ud800", "href": "\\udc00\\ud800", "orderDate": "\\u0000\\u2028"}',
    b"\xef\xbb\xbf" + b'{"id": "po-1"}',
    b"\xff\xfe{\x00}\x00",
    b'{"id": "po-1"}\x00',
    b"NaN",
    b"",
)
EXTREME_BODIES = tuple(Big(body) if len(body) > 1000 else body for body in _EXTREME_BODIES)


def encode(value: Any, ascii_only: bool = True, prefix: bytes = b"", suffix: bytes = b"") -> bytes:
    """`value` as JSON bytes; lone surrogates go out raw (not UTF-8) unless escaped."""
    text = json.dumps(value, ensure_ascii=ascii_only)
    return prefix + text.encode("utf-8", "surrogatepass") + suffix


bodies = st.one_of(
    st.binary(max_size=64),
    st.builds(
        encode,
        documents,
        st.booleans(),
        st.sampled_from((b"", b"\xef\xbb\xbf", b" \r\n\t", b"\x00")),
        st.sampled_from((b"", b"\n", b"\x00", b",", b"}")),
    ),
    st.sampled_from(EXTREME_BODIES),
)
content_types = (
    st.sampled_from(CONTENT_TYPES)
    | st.sampled_from(CODECS).map(lambda codec: f"application/json; charset={codec}")
    | st.text(max_size=30)
)
counts = st.sampled_from(("1", "0", "²", "١٢", "-1", " 3 ", "")) | st.text(max_size=20)
headers = st.fixed_dictionaries(
    {},
    optional={
        "Content-Type": content_types,
        "location": hrefs | st.text(max_size=20),
        "X-Result-Count": counts,
        "x-total-count": counts,
        "Content-Length": counts,
        "CONTENT-TYPE": content_types,  # a duplicate under another case: the first one wins
    },
)
#: The client's one-line errors (that it makes them so is test_the_client_records_any_response_...).
errors = st.sampled_from(("transport error: connection refused by ctk.invalid", "auth error: token refused"))


@dataclass(frozen=True)
class Reply:
    """What the fake server answers: everything an `Exchange` records about a response."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    error: str | None = None
    truncated: bool = False
    elapsed_ms: float = 1.0

    def exchange(self, method: str, url: str, sent: Mapping[str, str], body: bytes | None) -> Exchange:
        if self.error is not None:  # as the client records it: no status, no body
            return Exchange(method, url, MappingProxyType(dict(sent)), body, error=self.error)
        return Exchange(
            method,
            url,
            MappingProxyType(dict(sent)),
            body,
            status=self.status,
            response_headers=MappingProxyType(dict(self.headers)),
            kept=self.body,
            elapsed_ms=self.elapsed_ms,
            truncated=self.truncated,
        )


def expected_answer(method: str, listing: bool) -> tuple[int, st.SearchStrategy[Any]]:
    """The status and the body a conforming server gives."""
    if method == "DELETE":
        return 204, st.just(None)
    if listing:
        return 200, st.lists(good_orders, min_size=1, max_size=3)
    return (201 if method == "POST" else 200), good_orders


@functools.cache  # built once per kind of request: building strategies costs more than drawing them
def plausible_replies(method: str, listing: bool) -> st.SearchStrategy[Reply]:
    """The status and body shape a conforming server sends, with fuzzed values and count headers."""
    status, shape = expected_answer(method, listing)
    return st.builds(
        Reply,
        status=st.just(status),
        headers=st.fixed_dictionaries(
            {"Content-Type": st.just("application/json")},
            optional={"Location": hrefs, "X-Result-Count": counts, "X-Total-Count": counts},
        ),
        body=shape.map(lambda value: b"" if value is None else encode(value)),
    )


@functools.cache
def replies_for(method: str, listing: bool) -> st.SearchStrategy[Reply]:
    """Each part of the reply either as a conforming server would send it, or fuzzed."""
    plausible = plausible_replies(method, listing)
    return st.builds(
        Reply,
        status=plausible.map(lambda r: r.status) | st.integers(100, 599),
        headers=plausible.map(lambda r: r.headers) | headers,
        body=plausible.map(lambda r: r.body) | bodies,
        error=st.none() | st.none() | st.none() | errors,  # mostly a response: its body is fuzzed
        truncated=st.booleans(),
        elapsed_ms=st.floats(0, 1e7),
    )


class FakeServer:
    """Stands in for the HTTP client: each request gets a reply drawn for it, one in `faults` fuzzed."""

    def __init__(self, data: st.DataObject, faults: int = 1) -> None:
        self.data = data
        self.fuzzed = st.sampled_from((False,) * (faults - 1) + (True,))

    def send(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None = None) -> Exchange:
        kind = (method, method == "GET" and "productOrder?" in url)
        fuzzed = self.data.draw(self.fuzzed, label="fuzzed")
        strategy = replies_for(*kind) if fuzzed else plausible_replies(*kind)
        reply = self.data.draw(strategy, label=f"{method} {url}"[:100])
        return reply.exchange(method, url, headers, body)

    def close(self) -> None:
        """Nothing to release."""


class ConstantServer:
    """Answers every request with the same reply, or the one given for its method (the regressions)."""

    def __init__(self, reply: Reply, **by_method: Reply) -> None:
        self.reply, self.by_method = reply, by_method

    def send(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None = None) -> Exchange:
        return self.by_method.get(method, self.reply).exchange(method, url, headers, body)

    def close(self) -> None:
        """Nothing to release."""
