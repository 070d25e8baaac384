"""What a list query may name: a resource's first-level attributes and their kinds, from its schema.

A filter or a sort that cannot mean anything is refused with a 400 naming the parameter, never
answered with a silent empty page: a date-time attribute compared with something that is not a
date (`orderDate.gt=yesterday`), a name after a scalar attribute that is not an operator
(`orderDate.after=...`: a string has no attributes), a whole object or array compared
(`relatedParty=x`), and a sort on an attribute the resource does not have. Filters on names the
schema does not list stay allowed (TMF resources are extended through `@type`); they match nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

import tmf622_schemas
from mock_server.http.errors import bad_request, shown
from mock_server.store.query import (
    OPERATORS,
    Condition,
    Query,
    SortKey,
    filter_pairs,
    parse_instant,
    parse_query,
)

_SCALAR_TYPES = frozenset({"string", "number", "integer", "boolean"})
_REF_SUFFIX = ".schema.json"


class Kind(StrEnum):
    DATE_TIME = "date-time"
    SCALAR = "scalar"
    COMPOSITE = "object or array"


def _kind(prop: Mapping[str, Any]) -> Kind:
    """A property's kind; a `$ref` (`state` -> its state type) is read from its document."""
    if "$ref" in prop:
        prop = tmf622_schemas.load_schema(str(prop["$ref"]).removesuffix(_REF_SUFFIX))
    if prop.get("format") == "date-time":
        return Kind.DATE_TIME
    return Kind.SCALAR if prop.get("type") in _SCALAR_TYPES else Kind.COMPOSITE


@dataclass(frozen=True, slots=True)
class Attributes:
    """The first-level attributes of one resource schema, by kind."""

    resource: str
    kinds: Mapping[str, Kind]

    def check_filter(self, parameter: str, condition: Condition) -> None:
        """400 naming `parameter` when the condition cannot select anything by construction."""
        attribute, rest = condition.path[0], condition.path[1:]
        kind = self.kinds.get(attribute)
        if kind is None:
            return
        if kind is Kind.COMPOSITE and not rest:
            raise bad_request(
                f"Query parameter {shown(parameter)}: {attribute} is an {kind}; "
                f"filter on one of its attributes, such as {attribute}.id"
            )
        if kind is not Kind.COMPOSITE and rest:
            raise bad_request(
                f"Query parameter {shown(parameter)}: {attribute} has no attribute {shown(rest[0])}; "
                f"follow it with one operator ({', '.join(OPERATORS)}) or none"
            )
        if kind is Kind.DATE_TIME:
            self._check_instants(parameter, attribute, condition.values)

    @staticmethod
    def _check_instants(parameter: str, attribute: str, values: Iterable[str]) -> None:
        for value in values:
            if parse_instant(value) is None:
                raise bad_request(
                    f"Query parameter {shown(parameter)}={shown(value)}: {attribute} is a date-time; "
                    "give an ISO 8601 date or date-time such as 2026-01-31T12:00:00Z"
                )

    def check_sort(self, key: SortKey) -> None:
        """400 for a sort on an attribute the resource lacks, or inside a scalar one."""
        attribute, rest = key.path[0], key.path[1:]
        kind = self.kinds.get(attribute)
        if kind is None:
            raise bad_request(
                f"Query parameter sort: {self.resource} has no attribute {shown(attribute)}; "
                f"sortable: {', '.join(sorted(self.kinds))}"
            )
        if kind is not Kind.COMPOSITE and rest:
            raise bad_request(f"Query parameter sort: {attribute} has no attribute {shown(rest[0])}")


@cache
def attributes_of(schema_name: str) -> Attributes:
    """The attributes of `schema_name` (a resource schema), read once."""
    properties = tmf622_schemas.load_schema(schema_name)["properties"]
    return Attributes(schema_name, {name: _kind(prop) for name, prop in properties.items()})


def parse_checked_query(
    params: Iterable[tuple[str, str]], default_limit: int, max_limit: int, attributes: Attributes
) -> Query:
    """`parse_query`, then every filter and sort key checked against `attributes`."""
    pairs = list(params)
    query = parse_query(pairs, default_limit, max_limit)
    for (name, _), condition in zip(filter_pairs(pairs), query.conditions, strict=True):
        attributes.check_filter(name, condition)
    for key in query.sort:
        attributes.check_sort(key)
    return query
