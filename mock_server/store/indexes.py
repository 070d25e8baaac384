"""Secondary indexes of the in-memory store: a filter's matches, newest first, without a scan or a sort.

Entries are creation numbers (`seq`, the store's row keys), kept in creation order, so the default
TMF630 order (newest first) is a walk from the end and a page of 10 among a million matches costs
about 10 steps. Both index kinds key scalars with `query.value_key` and match with the rules of
`query.matches`, so an indexed answer is exactly the predicate's answer.

- `HashIndex` (`?state=`, `?relatedParty.id=`): key -> bucket of seqs, ascending. A bucket is one
  int or an `array('q')` (8 bytes a seq, one object for the garbage collector). New resources have
  the largest seq, so adding is an append; a resource moving between buckets (a state change) is an
  insertion and a deletion at its place: memmoves of the bucket's tail (about 0.2 ms at worst in a
  bucket of a million, short for recent resources, which sit near the end).
- `SortedIndex` (`?orderDate.gte=`): (kind, value, seq) entries, sorted; a range is a slice found by
  bisection. While values grow with creation (orderDate is set on creation), `disorder` stays 0 and
  every slice is already in creation order: it is paged lazily too. Otherwise (back-dated values)
  the slice's seqs are sorted: O(m log m) for m matches.
"""

from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from itertools import islice
from typing import Any, Protocol, TypeAlias

from mock_server.store.query import Condition, Key, leaf_values, value_key

#: One seq, or several in ascending order.
Bucket: TypeAlias = "int | array[int]"  # a string: array is not subscriptable at run time
#: (kind, value, seq), as `value_key` keys the value.
Entry = tuple[str, Any, int]


class Candidates(Protocol):
    """The matches of one condition (or of none: every row), as an index finds them."""

    def bound(self) -> int:
        """At most this many matches: the query walks the smallest set and checks the others."""

    def exact(self) -> int | None:
        """How many distinct matches, when known without walking them."""

    def newest_first(self, skip: int = 0) -> Iterator[int]:
        """Distinct seqs of the matches from the newest, after `skip` of them."""

    def __contains__(self, seq: int) -> bool: ...


def keys_at(resource: Mapping[str, Any], path: tuple[str, ...]) -> set[Key]:
    """The keys of every scalar at `path` (several when the path crosses an array)."""
    if len(path) == 1:  # a first-level scalar (`state`, `orderDate`): no walk; every insert keys several
        value = resource.get(path[0])
        if not isinstance(value, list | dict):
            key = None if value is None else value_key(value)
            return set() if key is None else {key}
    keys = (value_key(leaf) for leaf in leaf_values(resource, path))
    return {key for key in keys if key is not None}


def distinct(seqs: Iterable[int]) -> Iterator[int]:
    """Drop repeats from a descending stream (a resource with several matching values)."""
    previous = None
    for seq in seqs:
        if seq != previous:
            yield seq
        previous = seq


def merge_newest(streams: list[Iterator[int]]) -> Iterator[int]:
    """Merge descending streams into one descending stream of distinct seqs (an OR of values)."""
    if len(streams) == 1:
        return streams[0]
    return distinct(heapq.merge(*streams, reverse=True))


def _bucket_add(bucket: Bucket | None, seq: int) -> Bucket:
    if bucket is None:
        return seq
    if isinstance(bucket, int):
        return array("q", sorted((bucket, seq)))
    if bucket[-1] < seq:
        bucket.append(seq)  # the usual case: the newest resource
    else:
        insort(bucket, seq)
    return bucket


def _bucket_remove(bucket: Bucket, seq: int) -> Bucket | None:
    if isinstance(bucket, int):
        return None if bucket == seq else bucket
    position = bisect_left(bucket, seq)
    if position < len(bucket) and bucket[position] == seq:
        del bucket[position]
    return bucket[0] if len(bucket) == 1 else bucket


def _bucket_size(bucket: Bucket) -> int:
    return 1 if isinstance(bucket, int) else len(bucket)


def _bucket_has(bucket: Bucket, seq: int) -> bool:
    if isinstance(bucket, int):
        return bucket == seq
    position = bisect_left(bucket, seq)
    return position < len(bucket) and bucket[position] == seq


def _bucket_newest(bucket: Bucket, skip: int = 0) -> Iterator[int]:
    if isinstance(bucket, int):
        return iter(() if skip else (bucket,))
    return islice(reversed(bucket), skip, None)  # in C: a page of a list is a few steps of it


def _slot(key: Key) -> Hashable:
    """A string is its own dict key (no tuple kept per entry); other kinds keep (kind, value)."""
    return key[1] if key[0] == "s" else key


class BucketUnion:
    """Matches of an `eq` condition: the union of the buckets of its keys (TMF630 `a,b` is OR)."""

    def __init__(self, buckets: list[Bucket], disjoint: bool) -> None:
        self._buckets = buckets
        self._disjoint = disjoint or len(buckets) <= 1

    def bound(self) -> int:
        if len(self._buckets) == 1:  # one value (`?state=acknowledged`): no generator to sum
            return _bucket_size(self._buckets[0])
        return sum(_bucket_size(bucket) for bucket in self._buckets)

    def exact(self) -> int | None:
        return self.bound() if self._disjoint else None

    def newest_first(self, skip: int = 0) -> Iterator[int]:
        if len(self._buckets) == 1:
            return _bucket_newest(self._buckets[0], skip)
        merged = merge_newest([_bucket_newest(bucket) for bucket in self._buckets])
        return islice(merged, skip, None)

    def __contains__(self, seq: int) -> bool:
        return any(_bucket_has(bucket, seq) for bucket in self._buckets)


class HashIndex:
    """Equality index: key -> bucket of seqs. Answers `eq` conditions (`?state=a,b`, `?relatedParty.id=x`)."""

    def __init__(self, path: tuple[str, ...]) -> None:
        self.path = path
        self._seqs: dict[Hashable, Bucket] = {}
        self._multi = 0  # resources with several keys here (an array path): their buckets may overlap

    def update(self, seq: int, old: AbstractSet[Key], new: AbstractSet[Key]) -> None:
        """Move `seq` from the buckets of its `old` keys to those of its `new` keys (only the changes)."""
        self._multi += (len(new) > 1) - (len(old) > 1)
        if old and new:  # an insert (no old keys) or a delete (no new ones) moves every key
            old, new = old - new, new - old
        for key in old:
            slot = _slot(key)
            remaining = _bucket_remove(self._seqs[slot], seq)
            if remaining is None:
                del self._seqs[slot]
            else:
                self._seqs[slot] = remaining
        for key in new:
            slot = _slot(key)
            self._seqs[slot] = _bucket_add(self._seqs.get(slot), seq)

    def candidates(self, condition: Condition) -> BucketUnion | None:
        """The matches of `condition`, or None when this index cannot answer it."""
        if condition.op != "eq":
            return None
        found = (self._seqs.get(_slot(key)) for key in condition.keys)
        return BucketUnion([bucket for bucket in found if bucket is not None], self._multi == 0)

    def clear(self) -> None:
        self._seqs.clear()
        self._multi = 0


class RangeSlices:
    """Matches of a comparison: one slice of a `SortedIndex` per key of the condition."""

    def __init__(self, index: SortedIndex, condition: Condition, slices: list[tuple[int, int]]) -> None:
        self._index, self._condition = index, condition
        self._slices = [(low, high) for low, high in slices if low < high]

    def bound(self) -> int:
        return sum(high - low for low, high in self._slices)

    def exact(self) -> int | None:
        if len(self._slices) <= 1 and self._index.single_valued():
            return self.bound()
        return None

    def newest_first(self, skip: int = 0) -> Iterator[int]:
        if self.exact() is not None and self._index.in_creation_order():
            return self._index.newest_in(*self._slices[0], skip) if self._slices else iter(())
        merged = merge_newest([self._index.newest_in(low, high) for low, high in self._slices])
        return islice(merged, skip, None)

    def __contains__(self, seq: int) -> bool:
        return any(self._condition.accepts(key) for key in self._index.keys_of(seq))


class SortedIndex:
    """Ordered index on (kind, value): answers eq/gt/gte/lt/lte by bisection (`?orderDate.gte=`).

    `keys_of(seq)` gives a stored resource's keys at this path (the store reads the resource): it
    checks a resource against a range when another condition drives the query.
    """

    def __init__(self, path: tuple[str, ...], keys_of: Callable[[int], set[Key]]) -> None:
        self.path = path
        self.keys_of = keys_of
        self._entries: list[Entry] = []
        self._disorder = 0  # neighbours of one kind whose seqs decrease (0: slices are in creation order)
        self._multi = 0

    def update(self, seq: int, old: AbstractSet[Key], new: AbstractSet[Key]) -> None:
        self._multi += (len(new) > 1) - (len(old) > 1)
        if old and new:  # see HashIndex.update
            old, new = old - new, new - old
        for kind, value in old:
            self._remove((kind, value, seq))
        for kind, value in new:
            if not (
                isinstance(value, float) and math.isnan(value)
            ):  # NaN equals nothing: no filter matches it
                self._insert((kind, value, seq))

    def single_valued(self) -> bool:
        return self._multi == 0

    def in_creation_order(self) -> bool:
        return self._disorder == 0

    def _insert(self, entry: Entry) -> None:
        entries = self._entries
        # A new resource's value (orderDate) is usually the greatest: no bisection to find the end.
        position = len(entries) if not entries or entries[-1] <= entry else bisect_right(entries, entry)
        self._disorder -= self._inversion(position - 1, position)
        self._entries.insert(position, entry)
        self._disorder += self._inversion(position - 1, position) + self._inversion(position, position + 1)

    def _remove(self, entry: Entry) -> None:
        position = bisect_left(self._entries, entry)
        if position == len(self._entries) or self._entries[position] != entry:
            return
        self._disorder -= self._inversion(position - 1, position) + self._inversion(position, position + 1)
        del self._entries[position]
        self._disorder += self._inversion(position - 1, position)

    def _inversion(self, left: int, right: int) -> int:
        if left < 0 or right >= len(self._entries):
            return 0
        (kind, _, seq), (next_kind, _, next_seq) = self._entries[left], self._entries[right]
        return int(kind == next_kind and seq > next_seq)

    def newest_in(self, low: int, high: int, skip: int = 0) -> Iterator[int]:
        """Distinct seqs of entries[low:high], newest first; `skip` is positional (no repeats then)."""
        entries = self._entries
        if self._disorder == 0:
            return distinct(entries[i][2] for i in range(high - 1 - skip, low - 1, -1))
        return islice(iter(sorted({entry[2] for entry in entries[low:high]}, reverse=True)), skip, None)

    def candidates(self, condition: Condition) -> RangeSlices:
        return RangeSlices(self, condition, [self._bounds(condition.op, key) for key in condition.keys])

    def _bounds(self, op: str, key: Key) -> tuple[int, int]:
        """Slice of entries satisfying `op key`, within entries of the same kind only."""
        kind, value = key
        first = bisect_left(self._entries, (kind,))
        end = bisect_left(self._entries, (kind + "\0",))
        below = bisect_left(self._entries, (kind, value))
        above = bisect_right(self._entries, (kind, value, math.inf))
        return {
            "eq": (below, above),
            "gt": (above, end),
            "gte": (below, end),
            "lt": (first, below),
            "lte": (first, above),
        }[op]

    def clear(self) -> None:
        self._entries.clear()
        self._disorder = self._multi = 0
