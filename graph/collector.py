"""Pausing or slowing Python's cyclic garbage collector around work that makes many objects.

The co-occurrence network and the linking pass build hundreds of thousands to millions of
small objects, none in a cycle (reference counting frees them); each collection would walk them
all again (at 100k articles, 0.7 s of a linking batch's 1.7 s of name resolution). Ingest's
mapping, which may make a few cycles, runs with it slowed (:func:`relaxed`).

A process that keeps what a pass made for the next pass (a server carrying the linking tables
from one handed batch to the next, :mod:`graph.linking.carry`) would otherwise have each of
its later collections walk those tables again, young, then older, then all of it: with the
interpreter held throughout, so that the server's other threads wait (at 100k articles, pauses
of 36–186 ms after each batch, ``bench/README.md``). :func:`paused` with ``keep`` moves what
the process holds at the end of the block out of the collector's sight (``gc.freeze``). What
dies among it in a cycle is then not reclaimed at once; once the frozen objects have grown by
a quarter since the collector last saw them all, they are handed back and collected, once.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = [
    "RECLAIM_GROWTH", "RELAXED_THRESHOLD", "collect_all", "paused", "relax_for_good", "relaxed",
]  # fmt: skip


@contextmanager
def paused(*, keep: bool = False) -> Iterator[None]:
    """The collector off for the block, then as it was. ``keep``: what the process holds when
    the block ends is kept for long (see the module docstring), and frozen; the block's own
    collection after a quarter's growth (:data:`RECLAIM_GROWTH`) is the one place where the
    frozen objects are walked (``tests/test_collector.py``).

    >>> with paused():
    ...     gc.isenabled()
    False
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if keep:
            _freeze()
    finally:
        if enabled:
            gc.enable()


#: How much the frozen objects may grow (as a share of their number when the collector last saw
#: them all) before :func:`paused` with ``keep`` hands them back and collects them once.
RECLAIM_GROWTH = 0.25
#: The frozen objects' number just after the last collection of them all (0: none yet), and
#: how much they grew since. Counting the frozen objects walks them all (at a million articles,
#: 0.16 s a batch), so it is done at a collection of them all only; a freeze adds what it
#: moves less what died among the frozen: the collector's own count of objects made less
#: those gone since its last collection, and what survived the collections since the last
#: freeze (the older generations). At 100k articles, a batch of 100 grew the frozen objects
#: by 84–396, and this counted 38–301 (it moved 5,675–7,403).
_frozen_after_reclaim = 0
_frozen_since = 0


def _freeze() -> None:
    global _frozen_after_reclaim, _frozen_since
    young = gc.get_count()[0] + len(gc.get_objects(1)) + len(gc.get_objects(2))
    gc.freeze()
    if not _frozen_after_reclaim:
        _frozen_after_reclaim, _frozen_since = gc.get_freeze_count(), 0
    else:
        _frozen_since += young
        if _frozen_since > _frozen_after_reclaim * RECLAIM_GROWTH:
            collect_all()


def collect_all() -> None:
    """A full collection that sees the frozen objects too (then frozen again): where something
    must be gone once nothing refers to it, cycles included (a database that closes when its
    last reference goes, :meth:`graph.store.EmbeddedStore._close_primary`)."""
    global _frozen_after_reclaim, _frozen_since
    frozen = gc.get_freeze_count()
    gc.unfreeze()
    gc.collect()
    if frozen:
        gc.freeze()
        _frozen_after_reclaim, _frozen_since = gc.get_freeze_count(), 0


#: Allocations between two collections of the youngest generation under :func:`relaxed`
#: (Python's default is 700).
RELAXED_THRESHOLD = 20_000


@contextmanager
def relaxed(threshold: int = RELAXED_THRESHOLD) -> Iterator[None]:
    """The collector on, but run less often, for the block; then as it was (once the last of
    blocks open at the same time, in any thread, ends).

    For work that makes many short-lived objects and keeps a few, where pausing the collector
    would let whatever cycles it makes pile up (an ingest of a day-long stream). Ingest's
    mapping and writing: 100,000 articles into Virtuoso spent 2.0 s in 1,202 collections at
    the default, 0.6 s in 34 at this threshold (``bench/README.md``; ``tests/test_parallel.py``
    checks that ingest maps under it).

    >>> with relaxed():
    ...     gc.get_threshold()[0] == RELAXED_THRESHOLD
    True
    """
    global _relaxed_depth, _relaxed_before
    with _relaxed_lock:
        if _relaxed_depth == 0:
            _relaxed_before = gc.get_threshold()
        _relaxed_depth += 1
        _youngest(max(threshold, gc.get_threshold()[0]))
    try:
        yield
    finally:
        with _relaxed_lock:
            _relaxed_depth -= 1
            if _relaxed_depth == 0:
                gc.set_threshold(*_relaxed_before)


def relax_for_good(threshold: int = RELAXED_THRESHOLD) -> None:
    """The collector slowed as :func:`relaxed` slows it, for the rest of the process: for a
    process that does nothing else (ingest's mapping workers)."""
    _youngest(threshold)


def _youngest(threshold: int) -> None:
    gc.set_threshold(threshold, *gc.get_threshold()[1:])


_relaxed_lock = threading.Lock()
_relaxed_depth = 0
_relaxed_before = gc.get_threshold()
