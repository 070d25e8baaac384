"""JSON Patch Query (`application/json-patch-query+json`, TMF630 part 5): JSON Patch whose paths
may select array elements by value, turned into plain RFC 6902 operations.

`/productOrderItem/billingAccount/id?productOrderItem.id=120` (the v5 OAS example) means: in the
array `productOrderItem`, every element whose `id` is "120"; then `billingAccount/id` inside each.
Each condition is a dotted path from the root; it filters every array of the path that its dotted
path passes through (the attribute below that array, inside each element; through a nested array,
some element must match), so `productOrderItem.productOrderItem.state=held` selects the held
sub-items of the items that have one. Conditions are joined with `&` and must all hold; values
compare as text (`true`, `1`). One operation becomes one per selected element; a query that
selects nothing, or names no array of its path, is refused (400): the client meant something else.
Every node a search looks at is paid from the patch's `Work` allowance (the core bounds it).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from mock_server.domain.errors import InvalidInput
from mock_server.domain.patch_budget import Work

Condition = tuple[tuple[str, ...], str]  # (dotted attribute path from the root, value)
Walk = list[tuple[list[str], Any]]  # (concrete pointer segments, node there)


def _unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _conditions(query: str) -> list[Condition]:
    """`a.b=1&a.c=x` -> ((a, b), "1"), ((a, c), "x")."""
    found = [(tuple(key.split(".")), value) for key, value in parse_qsl(query, keep_blank_values=True)]
    if not found:
        raise InvalidInput(f"JSON Patch Query {query[:200]!r}: no condition (write name.attribute=value)")
    return found


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _holds(node: Any, attribute: tuple[str, ...], value: str, work: Work) -> bool:
    """The attribute under `node` has `value`; through a nested array, some element must have it."""
    work.spend(1)
    if isinstance(node, list):
        return any(_holds(element, attribute, value, work) for element in node)
    if not attribute:
        return _text(node) == value
    if not isinstance(node, dict) or attribute[0] not in node:
        return False
    return _holds(node[attribute[0]], attribute[1:], value, work)


def _select(
    walk: Walk, names: tuple[str, ...], conditions: list[Condition], used: set[int], work: Work
) -> Walk:
    """At an array of the path: the elements every condition naming something under it holds for."""
    mine = [
        (number, key[len(names) :], value)
        for number, (key, value) in enumerate(conditions)
        if len(key) > len(names) and key[: len(names)] == names
    ]
    selected: Walk = []
    for concrete, node in walk:
        if not isinstance(node, list) or not mine:
            selected.append((concrete, node))
            continue
        used.update(number for number, _, _ in mine)
        selected += [
            ([*concrete, str(index)], element)
            for index, element in enumerate(node)
            if all(_holds(element, attribute, value, work) for _, attribute, value in mine)
        ]
    return selected


def expand_path(document: Any, path: str, work: Work | None = None) -> list[str]:
    """The JSON Pointers a query path selects in `document` (a plain pointer: itself)."""
    work = work or Work()
    pointer, mark, query = path.partition("?")
    if not mark:
        return [path]
    conditions, used = _conditions(query), set[int]()
    walk: Walk = [([], document)]
    names: tuple[str, ...] = ()
    segments = [_unescape(segment) for segment in pointer.split("/")[1:]]
    for position, segment in enumerate(segments):
        work.spend(len(walk))
        walk = [([*concrete, segment], _child(node, segment)) for concrete, node in walk]
        if segment.isdigit():
            continue
        names = (*names, segment)
        indexed = position + 1 < len(segments) and segments[position + 1].isdigit()
        if not indexed:  # an explicit index chooses the element itself
            walk = _select(walk, names, conditions, used, work)
    if not walk:
        raise InvalidInput(f"JSON Patch Query path {path[:200]!r} selects nothing")
    unused = [".".join(key) for number, (key, _) in enumerate(conditions) if number not in used]
    if unused:
        raise InvalidInput(
            f"JSON Patch Query {unused[0][:100]!r}: names no array of the path {pointer[:100]!r}"
        )
    return ["/" + "/".join(_escape(segment) for segment in concrete) for concrete, _ in walk]


def _child(node: Any, segment: str) -> Any:
    if isinstance(node, dict):
        return node.get(segment)
    if isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
        return node[int(segment)]
    return None


def plain_operations(
    document: Any, operation: dict[str, Any], work: Work | None = None
) -> list[dict[str, Any]]:
    """One query operation as RFC 6902 operations on `document` (the resource as patched so far);
    removals of several elements run from the last index down, so each index stays right.
    """
    work = work or Work()
    paths = expand_path(document, str(operation["path"]), work)
    if "from" in operation:
        sources = expand_path(document, str(operation["from"]), work)
        if len(sources) != 1:
            raise InvalidInput(f"JSON Patch Query: 'from' must select one element, got {len(sources)}")
        operation = {**operation, "from": sources[0]}
    if operation["op"] == "remove":
        paths = sorted(paths, key=_index_order, reverse=True)
    return [{**operation, "path": path} for path in paths]


def _index_order(pointer: str) -> list[tuple[int, str]]:
    return [(int(part), "") if part.isdigit() else (-1, part) for part in pointer.split("/")]
