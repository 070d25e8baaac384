"""TMF630 list queries: parsing, the filter predicate both stores share, sorting, fields, paging.

- Filters: `?attr=v` on any first-level attribute or dotted path into objects and arrays
  (`relatedParty.id`); `a,b` is OR; several parameters are AND (TMF622B conformance profile);
  values may be wrapped in single or double quotes (the original CTK sends `?orderDate='...'`).
  `attr.gt|gte|lt|lte|eq=v` compare, as do TMF630's `attr>=v`, `attr<=v`, `attr>v`, `attr<v`;
  any other operator (`attr!=v`) is a 400. Date-times compare as instants, numbers as numbers.
  An attribute a resource lacks matches nothing; filters that cannot mean anything for the
  resource's schema are refused in `attributes.py`.
- `fields=a,b` keeps those first-level attributes plus `id` and `href`; unknown names are ignored.
- `sort=a,-b` orders by attributes (missing values last); without it: newest first. A sort on an
  attribute the resource lacks is a 400 (`attributes.py`).
- `offset`/`limit`: ASCII digits only. TMF630 lets the server pick the page size. The official
  CTK lists without `limit` and expects its order in the answer with status 200, so the default page is large
  (Settings.default_limit, 1000), `limit` is clamped to Settings.max_limit, and the answer is
  always 200 (never 206) with `X-Total-Count` (matches after filtering) and `X-Result-Count`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from mock_server.config.settings import DEFAULT_LIMIT
from mock_server.http.errors import bad_request, shown

Op = Literal["eq", "gt", "gte", "lt", "lte"]
#: A comparable, hashable form of a JSON scalar: (kind, value), kind in b/n/s/t (t = instant in µs).
Key = tuple[str, Any]

RESERVED = frozenset({"fields", "offset", "limit", "sort"})
OPERATORS: Mapping[str, Op] = {"eq": "eq", "gt": "gt", "gte": "gte", "lt": "lt", "lte": "lte"}
_COMPARE: Mapping[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
#: re.ASCII throughout: `\d` alone also matches fullwidth or Arabic-Indic digits (`?limit=%EF%BC%91`).
_DATE_START = re.compile(r"^\d{4}-\d{2}-\d{2}", re.ASCII)
#: A `+` in a query string decodes to a space: `10:00:00+01:00` arrives as `10:00:00 01:00`.
_SPACED_OFFSET = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$", re.ASCII)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = datetime.resolution
_NUMBER = re.compile(r"^-?\d{1,300}(\.\d{1,300})?([eE][-+]?\d{1,3})?$", re.ASCII)
_COUNT = re.compile(r"\d{1,9}", re.ASCII)
#: `attr>=v` / `attr<=v` (TMF630's symbolic form, split at the `=`), `attr>v` / `attr<v`.
_SYMBOLIC = re.compile(r"([^<>!=]+)([<>])([^<>!]*)", re.DOTALL)
#: What is left of an operator (`a!=v`, `a=>v`, `a<>v`) once the forms above are read.
_OPERATOR_CHARACTERS = re.compile(r"[<>!]")
_FORMS = "filter with attr=v, attr.gt|gte|lt|lte=v or attr>=v, attr<=v, attr>v, attr<v (TMF630)"


def parse_instant(text: str) -> int | None:
    """Microseconds since the epoch if `text` is an ISO 8601 date(-time), else None.

    `2026-11-27T10:00:00Z` and `2026-11-27T10:00:00.000Z` give the same instant; a value
    without an offset is taken as UTC.
    """
    if len(text) > 64 or not _DATE_START.match(text):
        return None
    try:
        # Only a spaced offset has a space; `re.sub` costs microseconds even when nothing matches.
        moment = datetime.fromisoformat(_SPACED_OFFSET.sub(r"\1+\2", text) if " " in text else text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return (moment - _EPOCH) // _MICROSECOND
    except (ValueError, OverflowError):
        return None


def value_key(value: Any) -> Key | None:
    """The key a stored scalar is compared and indexed by; None for objects, arrays and null."""
    if isinstance(value, str):  # first: most indexed values are (every insert keys several)
        instant = parse_instant(value)
        return ("s", value) if instant is None else ("t", instant)
    if isinstance(value, bool):  # before int: a bool is an int
        return ("b", value)
    if isinstance(value, int | float):
        return ("n", value)
    return None


def filter_keys(text: str) -> frozenset[Key]:
    """Every key a filter value can equal: `1` matches the number 1 and the string "1"."""
    instant = parse_instant(text)
    if instant is not None:
        return frozenset({("t", instant)})
    keys: set[Key] = {("s", text)}
    if _NUMBER.match(text):
        number = float(text) if any(c in text for c in ".eE") else int(text)
        keys.add(("n", number))
    if text in {"true", "false"}:
        keys.add(("b", text == "true"))
    return frozenset(keys)


def leaf_values(resource: Mapping[str, Any], path: Sequence[str]) -> list[Any]:
    """Scalars reached by `path`, fanning out over arrays (`relatedParty.id` -> every party's id)."""
    nodes: list[Any] = [resource]
    for name in path:
        children: list[Any] = []
        for node in nodes:
            if isinstance(node, dict) and name in node:
                child = node[name]
                children.extend(child if isinstance(child, list) else [child])
        nodes = children
    return [node for node in nodes if node is not None and not isinstance(node, dict | list)]


@dataclass(frozen=True, slots=True)
class Condition:
    """One filter parameter: `path` `op` any of `values` (OR)."""

    path: tuple[str, ...]
    op: Op
    values: tuple[str, ...]
    keys: frozenset[Key] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        keys = frozenset().union(*(filter_keys(value) for value in self.values))
        object.__setattr__(self, "keys", keys)

    @property
    def name(self) -> str:
        return ".".join(self.path)

    def accepts(self, key: Key) -> bool:
        """Whether one stored scalar's key satisfies this condition."""
        if self.op == "eq":
            return key in self.keys
        compare = _COMPARE[self.op]
        return any(wanted[0] == key[0] and compare(key[1], wanted[1]) for wanted in self.keys)


def matches(resource: Mapping[str, Any], condition: Condition) -> bool:
    """The filter predicate: some scalar at the condition's path satisfies it."""
    for leaf in leaf_values(resource, condition.path):
        key = value_key(leaf)
        if key is not None and condition.accepts(key):
            return True
    return False


def matches_all(resource: Mapping[str, Any], conditions: Iterable[Condition]) -> bool:
    return all(matches(resource, condition) for condition in conditions)


@dataclass(frozen=True, slots=True)
class SortKey:
    path: tuple[str, ...]
    descending: bool = False


def sort_value(resource: Mapping[str, Any], path: Sequence[str]) -> Key | None:
    leaves = leaf_values(resource, path)
    return value_key(leaves[0]) if leaves else None


def sort_resources(resources: list[dict[str, Any]], keys: Sequence[SortKey]) -> list[dict[str, Any]]:
    """Stable multi-key sort; resources lacking a key go last in either direction."""
    for key in reversed(keys):
        valued = [(sort_value(resource, key.path), resource) for resource in resources]
        present = [(value, resource) for value, resource in valued if value is not None]
        present.sort(key=lambda pair: pair[0], reverse=key.descending)
        resources = [resource for _, resource in present] + [r for v, r in valued if v is None]
    return resources


def split_values(raw: str) -> tuple[str, ...]:
    """`a,'b,c', "d"` -> ("a", "b,c", "d"): commas separate, quotes wrap a whole value."""
    values: list[str] = []
    rest: str | None = raw
    while rest is not None:
        token, rest = _next_value(rest.lstrip())
        values.append(token)
    return tuple(values)


def _next_value(text: str) -> tuple[str, str | None]:
    quote = text[:1]
    if quote in {"'", '"'}:
        end = text.find(quote, 1)
        after = text[end + 1 :].lstrip() if end > 0 else "x"
        if end > 0 and after[:1] in {"", ","}:
            return text[1:end], (after[1:] if after else None)
    token, comma, rest = text.partition(",")
    return token.strip(), (rest if comma else None)


def _symbolic(name: str, raw: str) -> tuple[str, Op, str] | None:
    """TMF630's `attr>=v`, `attr<=v`, `attr>v`, `attr<v` as (attr, op, value), else None.

    The query string splits at the first `=`: `a>=v` arrives as name `a>` and value `v`; `a>v`,
    having no `=`, as name `a>v` and an empty value.
    """
    found = _SYMBOLIC.fullmatch(name)
    if found is None:
        return None
    attribute, symbol, rest = found.groups()
    if not rest:
        return attribute, "gte" if symbol == ">" else "lte", raw
    value = f"{rest}={raw}" if raw else rest
    return attribute, "gt" if symbol == ">" else "lt", value


def parse_condition(name: str, raw: str) -> Condition:
    """`orderDate.gte` + `'2026-01-01T00:00:00Z'` -> Condition(("orderDate",), "gte", (...));
    `orderDate>` + `...` (from `orderDate>=...`) gives the same. 400 for an operator it does not know.
    """
    symbolic = _symbolic(name, raw)
    if symbolic is not None:
        name, op, raw = symbolic
        return Condition(tuple(name.split(".")), op, split_values(raw))
    if _OPERATOR_CHARACTERS.search(name):
        raise bad_request(
            f"Query parameter {shown(name)} uses an operator this server does not know; {_FORMS}"
        )
    path = tuple(name.split("."))
    if len(path) > 1 and path[-1] in OPERATORS:
        return Condition(path[:-1], OPERATORS[path[-1]], split_values(raw))
    return Condition(path, "eq", split_values(raw))


def parse_fields(raw: str) -> frozenset[str]:
    """First-level attribute names; `a.b` selects `a` (TMF630 first-level selection)."""
    return frozenset(token.strip().split(".")[0] for token in raw.split(",") if token.strip())


#: What every `?fields=` projection keeps (TMF622B); the OpenAPI documents say so too.
ALWAYS_SELECTED = frozenset({"id", "href"})


def select_fields(resource: dict[str, Any], fields: frozenset[str] | None) -> dict[str, Any]:
    """The resource reduced to `fields`; `id` and `href` always stay (TMF622B)."""
    if fields is None:
        return resource
    return {name: value for name, value in resource.items() if name in fields or name in ALWAYS_SELECTED}


def parse_sort(raw: str) -> tuple[SortKey, ...]:
    """`-orderDate,id` -> newest first, then by id. A `+` prefix arrives as a space."""
    keys = []
    for token in (t.strip() for t in raw.split(",")):
        if token:
            descending = token.startswith("-")
            keys.append(SortKey(tuple(token.lstrip("+-").split(".")), descending))
    return tuple(keys)


def parse_count(name: str, raw: str) -> int:
    if not _COUNT.fullmatch(raw):
        raise bad_request(
            f"Query parameter {name}={shown(raw)} must be a non-negative integer (ASCII digits)"
        )
    return int(raw)


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed list (or retrieve) request."""

    conditions: tuple[Condition, ...] = ()
    sort: tuple[SortKey, ...] = ()
    fields: frozenset[str] | None = None
    offset: int = 0
    limit: int = DEFAULT_LIMIT


def _reserved_value(params: Sequence[tuple[str, str]], name: str) -> str | None:
    values = [value for key, value in params if key == name]
    if len(values) > 1:
        raise bad_request(f"Query parameter {name} is given {len(values)} times; give it once")
    return values[0] if values else None


def filter_pairs(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (name, value) pairs that are filters: named, and not a reserved parameter."""
    return [(name, value) for name, value in pairs if name and name not in RESERVED]


def parse_query(params: Iterable[tuple[str, str]], default_limit: int, max_limit: int) -> Query:
    """Split the query string into reserved parameters and filters (AND of all filters)."""
    pairs = list(params)
    fields, sort = _reserved_value(pairs, "fields"), _reserved_value(pairs, "sort")
    offset, limit = _reserved_value(pairs, "offset"), _reserved_value(pairs, "limit")
    return Query(
        conditions=tuple(parse_condition(k, v) for k, v in filter_pairs(pairs)),
        sort=parse_sort(sort) if sort is not None else (),
        fields=parse_fields(fields) if fields is not None else None,
        offset=parse_count("offset", offset) if offset is not None else 0,
        limit=min(parse_count("limit", limit), max_limit) if limit is not None else default_limit,
    )


def count_headers(total: int, page_size: int) -> dict[str, str]:
    """TMF630 paging headers: all matches after filtering, and how many this page holds."""
    return {"X-Total-Count": str(total), "X-Result-Count": str(page_size)}
