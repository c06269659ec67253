"""A small thread-safe LRU cache of results for repeated questions.

Keyed by the normalised question, language and k. One cache belongs to one engine: when
the index swaps, the new engine comes with an empty cache, so nothing stale is served.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from isac.text import fold

V = TypeVar("V")


def cache_key(text: str, *rest: Hashable) -> tuple:
    """The key of a question: folded, whitespace collapsed, trailing punctuation dropped."""
    return (" ".join(fold(text).split()).rstrip("?!. "), *rest)


class ResultCache(Generic[V]):
    """Least recently used goes first; ``get_or_compute`` counts hits and misses."""

    def __init__(self, size: int = 2048, on_lookup: Callable[[bool], None] | None = None):
        self.size = size
        self._data: OrderedDict[tuple, V] = OrderedDict()
        self._lock = threading.Lock()
        self._on_lookup = on_lookup

    def __len__(self) -> int:
        return len(self._data)

    def get_or_compute(self, key: tuple, compute: Callable[[], V]) -> V:
        """The cached value, or ``compute()`` stored under ``key``."""
        if self.size <= 0:
            return compute()
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
        if self._on_lookup is not None:
            self._on_lookup(value is not None)
        if value is not None:
            return value
        value = compute()  # outside the lock: two misses of one key both compute, harmlessly
        with self._lock:
            self._data[key] = value
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value
