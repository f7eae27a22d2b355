"""Distinct values of integer arrays, by sorting.

``numpy.unique`` without counts takes a hash-based path in numpy 2.3 and later that is about
fifty times slower than a sort on the wide int64 codes newsgraph counts (1.5 million pair
codes: 1.6 s against 0.03 s); these helpers sort and compare neighbours instead.
"""

from __future__ import annotations

import numpy as np

__all__ = ["distinct", "distinct_counts"]


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending (what ``numpy.unique(values)`` gives).

    >>> distinct(np.array([5, 1, 5, 3, 1])).tolist()
    [1, 3, 5]
    """
    ordered = np.sort(values)
    return ordered[_firsts(ordered)]


def distinct_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values, ascending, and how often each occurs.

    >>> values, counts = distinct_counts(np.array([5, 1, 5, 3, 1, 5]))
    >>> values.tolist(), counts.tolist()
    ([1, 3, 5], [2, 1, 3])
    """
    ordered = np.sort(values)
    firsts = np.flatnonzero(_firsts(ordered))
    return ordered[firsts], np.diff(np.append(firsts, len(ordered)))


def _firsts(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal values in a sorted array begins."""
    firsts = np.empty(len(ordered), dtype=np.bool_)
    if len(ordered):
        firsts[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=firsts[1:])
    return firsts
