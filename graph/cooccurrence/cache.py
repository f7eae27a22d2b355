"""Counts and analysed networks kept between requests, keyed by the store's snapshot.

The server is asked about the same window again and again: every ``/api/cooccurrence`` request
and every network page analyses the whole network of its window, as ``newsgraph cooccur`` does,
and only then cuts the ``top`` rows it returns (:func:`graph.cooccurrence.shown.shown`). An on-disk
store publishes a new snapshot after every unit of writes, and readers answer from one snapshot,
so a value keyed by the snapshot the store answers from stays exact: a write changes the key.

* :class:`CountsCache` keeps a window's counts (what networks of every weight start from);
* :class:`NetworkCache` keeps whole analysed networks, one per snapshot and
  :class:`~graph.cooccurrence.network.NetworkOptions` (``top`` aside: it only chooses rows).

Both follow one rule (:class:`SnapshotCache`), so that a cached value is what a fresh computation
gives, or the cache does not answer:

* the key is the snapshot the store answers from (:func:`store_version`), read before the
  computation and again after it; a value is kept only when no snapshot was published meanwhile
  (else its caller gets it, as any fresh computation, and it is forgotten);
* stores without snapshots here (a remote endpoint) are never cached;
* the computations are deterministic (Louvain and betweenness's sample are seeded);
* one computation per key at a time: requests for the same key wait for it instead of repeating it;
* cached values are shared and never changed: :func:`~graph.cooccurrence.shown.shown` copies what it
  cuts, and a network cut to 0 rows is never asked of the cache.

tests/test_cache.py checks the counts; tests/test_analysis_api_cache.py the networks, a write
while a computation runs, a reader that has not followed a write, and a write under a server.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Generic, TypeVar

from cachetools import LRUCache
from newsgraph.cooccurrence import Counts, count_window
from newsgraph.cooccurrence.window import Window
from newsgraph.store.base import Store

if TYPE_CHECKING:
    from newsgraph.cooccurrence.network import Network, NetworkOptions

__all__ = ["CountsCache", "NetworkCache", "SnapshotCache", "store_version"]

T = TypeVar("T")
#: The edges the whole networks a :class:`NetworkCache` keeps may have together (about 600
#: bytes each: 60 MB for 20,000 articles' 68,000 edges); the newest is kept whatever its size.
NETWORK_EDGES = 600_000


def store_version(store: Store) -> str | None:
    """The version the store answers from (:meth:`Store.version`: unique across rebuilds of a
    store at one path); None for stores that cannot name one (nothing is cached for them).

    A server's store names the newest snapshot, which its query workers follow; a read-only
    :class:`~graph.store.EmbeddedStore` the one it holds until it is refreshed; a writer the
    newest it published, and none in the middle of a unit of writes.
    """
    version = store.version()
    return version.tag if version is not None else None


class SnapshotCache(Generic[T]):
    """A small LRU of values computed from one snapshot of a store (thread-safe).

    ``size`` bounds the entries; ``cost`` and ``budget``, when given, also bound the sum of
    their costs (the newest entry is kept whatever its cost). Entries of other snapshots go as
    soon as a value of a newer one is kept: they can never be asked for again.

    The entries are a :class:`cachetools.LRUCache`: weighed by ``cost`` (capped at ``budget``,
    so that a value over it evicts every other and stays alone), it keeps the cost budget and
    the order; the number of entries is bounded here, by evicting its oldest (``popitem``).
    """

    def __init__(
        self, size: int = 8, *, cost: Callable[[T], int] | None = None, budget: int = 0
    ) -> None:
        self.size = size
        self.cost = cost
        self.budget = budget
        self.hits = 0
        self._version: str | None = None
        self._entries: LRUCache[Hashable, T] = (
            LRUCache(budget, getsizeof=lambda value: min(cost(value), budget))
            if cost is not None and budget > 0
            else LRUCache(max(size, 1))
        )
        self._computing: dict[tuple[str, Hashable], threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, store: Store, key: Hashable, compute: Callable[[], T]) -> T:
        """The value of ``compute()`` for ``store``'s snapshot and ``key``: kept, or computed."""
        version = store_version(store)
        if version is None:
            return compute()
        found = self._kept(version, key)
        if found is not None:
            return found
        entry = (version, key)
        with self._lock:
            computing = self._computing.setdefault(entry, threading.Lock())
        with computing:  # one computation per entry; the others wait for it
            found = self._kept(version, key)
            if found is not None:
                return found
            try:
                value = compute()
                if store_version(store) == version:
                    self._keep(version, key, value)
            finally:
                with self._lock:
                    self._computing.pop(entry, None)
        return value

    def __len__(self) -> int:
        return len(self._entries)

    def _kept(self, version: str, key: Hashable) -> T | None:
        with self._lock:
            found = self._entries.get(key) if version == self._version else None
            if found is not None:
                self.hits += 1
            return found

    def _keep(self, version: str, key: Hashable, value: T) -> None:
        with self._lock:
            if version != self._version:
                self._entries.clear()
                self._version = version
            if key not in self._entries:
                while len(self._entries) >= max(self.size, 1):
                    self._entries.popitem()
            self._entries[key] = value


class CountsCache:
    """Whole-window counts per snapshot (one per server); ``hits`` counts answers it kept."""

    def __init__(self, size: int = 8) -> None:
        self._cache: SnapshotCache[Counts] = SnapshotCache(size)

    @property
    def size(self) -> int:
        return self._cache.size

    @property
    def hits(self) -> int:
        return self._cache.hits

    def count_window(self, store: Store, window: Window, *, min_count: int = 1) -> Counts:
        """:func:`graph.cooccurrence.count_window` of ``store``'s snapshot (method ``auto``)."""
        return self._cache.get(
            store,
            (window, min_count),
            lambda: count_window(store, window, min_count=min_count),
        )


class NetworkCache:
    """Whole analysed networks per snapshot (one per server), what the HTTP API cuts its rows
    from; their counts go through a :class:`CountsCache`, shared by every weight."""

    def __init__(self, size: int = 8, *, edges: int = NETWORK_EDGES) -> None:
        self.counts = CountsCache(size)
        self._cache: SnapshotCache[Network] = SnapshotCache(
            size, cost=lambda network: len(network.edges), budget=edges
        )

    @property
    def hits(self) -> int:
        return self._cache.hits

    def whole(self, store: Store, options: NetworkOptions) -> Network:
        """The analysed network ``options`` describe with every edge (``top`` = 0), as
        ``build_network(store, replace(options, top=0))`` gives it. Shared: never change it."""
        from newsgraph.cooccurrence.network import (
            build_network,  # network.py builds with CountsCache
        )

        whole = dataclasses.replace(options, top=0)
        return self._cache.get(store, whole, lambda: build_network(store, whole, cache=self.counts))
