"""JSON Patch Query (`application/json-patch-query+json`, TMF630 part 5): JSON Patch whose paths
may select array elements by value, turned into plain RFC 6902 operations.

`/productOrderItem/billingAccount/id?productOrderItem.id=120` (the v5 OAS example) means: in the
array `productOrderItem`, every element whose `id` is "120"; then `billingAccount/id` inside each.
The query names an array of the path by its dotted path from the root, then the attribute under
each element; several conditions are joined with `&` and must all hold. Values compare as text
(`true`, `1`). One operation becomes one per selected element; a query that selects nothing, or
names no array of its path, is refused (400): the client meant something that is not there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl

from mock_server.http.errors import bad_request

Condition = tuple[tuple[str, ...], tuple[str, ...], str]  # (array path, attribute path, value)
Walk = list[tuple[list[str], Any]]  # (concrete pointer segments, node there)


def _unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _conditions(query: str, names: Sequence[str]) -> list[Condition]:
    """`a.b=1&a.c=x` -> conditions on the arrays of the path (`names`: its member names)."""
    found: list[Condition] = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        dotted = tuple(key.split("."))
        split = next((n for n in range(len(dotted) - 1, 0, -1) if _is_prefix(dotted[:n], names)), 0)
        if not split:
            raise bad_request(f"JSON Patch Query {key!r}: names no array of the path")
        found.append((dotted[:split], dotted[split:], value))
    if not found:
        raise bad_request(f"JSON Patch Query {query!r}: no condition (write name.attribute=value)")
    return found


def _is_prefix(prefix: Sequence[str], names: Sequence[str]) -> bool:
    return tuple(names[: len(prefix)]) == tuple(prefix)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _holds(element: Any, attribute: tuple[str, ...], value: str) -> bool:
    node = element
    for name in attribute:
        if not isinstance(node, dict) or name not in node:
            return False
        node = node[name]
    return _text(node) == value


def _select(walk: Walk, names: list[str], conditions: list[Condition]) -> Walk:
    """Where the path so far is an array a condition names: its matching elements instead."""
    mine = [(attribute, value) for array, attribute, value in conditions if list(array) == names]
    if not mine:
        return walk
    selected: Walk = []
    for concrete, node in walk:
        if not isinstance(node, list):
            raise bad_request(f"JSON Patch Query: /{'/'.join(names)} is not an array")
        selected += [
            ([*concrete, str(index)], element)
            for index, element in enumerate(node)
            if all(_holds(element, attribute, value) for attribute, value in mine)
        ]
    return selected


def expand_path(document: Any, path: str) -> list[str]:
    """The JSON Pointers a query path selects in `document` (a plain pointer: itself)."""
    pointer, mark, query = path.partition("?")
    if not mark:
        return [path]
    segments = [_unescape(segment) for segment in pointer.split("/")[1:]]
    names = [segment for segment in segments if not segment.isdigit()]
    conditions = _conditions(query, names)
    walk: Walk = [([], document)]
    walked: list[str] = []
    for segment in segments:
        walk = [([*concrete, segment], _child(node, segment)) for concrete, node in walk]
        if not segment.isdigit():
            walked.append(segment)
            walk = _select(walk, walked, conditions)
    if not walk:
        raise bad_request(f"JSON Patch Query path {path[:200]!r} selects nothing")
    return ["/" + "/".join(_escape(segment) for segment in concrete) for concrete, _ in walk]


def _child(node: Any, segment: str) -> Any:
    if isinstance(node, dict):
        return node.get(segment)
    if isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
        return node[int(segment)]
    return None


def plain_operations(document: Any, operation: dict[str, Any]) -> list[dict[str, Any]]:
    """One query operation as RFC 6902 operations on `document` (the resource as patched so far);
    removals of several elements run from the last index down, so each index stays right.
    """
    paths = expand_path(document, str(operation["path"]))
    if "from" in operation:
        sources = expand_path(document, str(operation["from"]))
        if len(sources) != 1:
            raise bad_request(f"JSON Patch Query: 'from' must select one element, got {len(sources)}")
        operation = {**operation, "from": sources[0]}
    if operation["op"] == "remove":
        paths = sorted(paths, key=_index_order, reverse=True)
    return [{**operation, "path": path} for path in paths]


def _index_order(pointer: str) -> list[tuple[int, str]]:
    return [(int(part), "") if part.isdigit() else (-1, part) for part in pointer.split("/")]
