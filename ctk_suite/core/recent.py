"""`Recent`: the values last computed from a few objects, by identity: a bounded cache for what is large
(a decoded or parsed body) and read many times in a row, never all at once (issue 17)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class Recent(Generic[V]):
    """The values of the last `size` objects asked about; an older one is computed again when asked."""

    def __init__(self, size: int) -> None:
        self._size = size
        # id -> (the object, kept so that its id is not reused while cached; its value)
        self._values: OrderedDict[int, tuple[object, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, owner: object, compute: Callable[[], V]) -> V:
        """The value of `owner`, computed by `compute` unless one of the last few."""
        with self._lock:
            cached = self._values.get(id(owner))
            if cached is not None:
                self._values.move_to_end(id(owner))
                return cached[1]
        value = compute()  # outside the lock: decoding 5 MiB must not stall another thread's lookup
        with self._lock:
            self._values[id(owner)] = (owner, value)
            while len(self._values) > self._size:
                self._values.popitem(last=False)
        return value
