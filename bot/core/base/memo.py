"""A bounded memo: values worked out once and kept, the oldest dropped past a size.

For what the hot path would otherwise work out again for every case, from values that never
change once made (frozen readings, playbooks' texts): the readings last stored or read, a
playbook's progress lines and step lists, a group card's texts. Safe to share between the
event loop and worker threads.
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedMemo(Generic[K, V]):
    """At most `size` values by key; keeping one more drops the oldest kept."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: dict[K, V] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K) -> V | None:
        """The value kept for `key`, or None."""
        return self._items.get(key)

    def keep(self, key: K, value: V) -> V:
        """Keep `value` for `key` (the oldest goes past the size); the value."""
        with self._lock:
            self._items[key] = value
            if len(self._items) > self.size:
                del self._items[next(iter(self._items))]
        return value
