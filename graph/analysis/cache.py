"""Counts kept between requests, keyed by the store's snapshot, so they are never stale.

The server asks for the same window's counts again and again (every network page without an
entity). An embedded store publishes a new snapshot after every write (``STORE/snapshots/CURRENT``
names it), so counts keyed by that name stay exact: a write changes the key. Remote stores are not
cached (their writes are not seen here).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from pathlib import Path

from graph.analysis.window import Window
from graph.cooccurrence import Counts, count_window
from graph.store.base import Store
from graph.store.snapshots import Snapshots

__all__ = ["CountsCache", "store_version"]


def store_version(store: Store) -> str | None:
    """The snapshot an on-disk store is at (None for stores without one)."""
    path = getattr(store, "path", None)
    if not isinstance(path, Path):
        return None
    current = Snapshots(path / "snapshots").current()
    return f"{path.resolve()}@{current}" if current else None


class CountsCache:
    """A small LRU of whole-window counts (thread-safe; one per server)."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Counts] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0

    def count_window(self, store: Store, window: Window, *, min_count: int = 1) -> Counts:
        version = store_version(store)
        if version is None:
            return count_window(store, window, min_count=min_count)
        key = (version, window, min_count)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]
        counts = count_window(store, window, min_count=min_count)
        with self._lock:
            self._entries[key] = counts
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return counts
