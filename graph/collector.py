"""Pausing or slowing Python's cyclic garbage collector around work that makes many objects.

The co-occurrence network and the linking pass build hundreds of thousands to millions of
small objects, none in a cycle (reference counting frees them); each collection would walk them
all again (at 100k articles, 0.7 s of a linking batch's 1.7 s of name resolution). Ingest's
mapping, which may make a few cycles, runs with it slowed (:func:`relaxed`).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["RELAXED_THRESHOLD", "paused", "relax_for_good", "relaxed"]


@contextmanager
def paused() -> Iterator[None]:
    """The collector off for the block, then as it was.

    >>> with paused():
    ...     gc.isenabled()
    False
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
