"""The sort-based distinct values give numpy.unique's answers."""

from __future__ import annotations

import numpy as np
import pytest
from newsgraph.cooccurrence import arrays


@pytest.mark.parametrize("size", [0, 1, 2, 1_000, 100_000])
def test_distinct_values_and_counts_are_numpys(size: int) -> None:
    values = np.random.default_rng(size).integers(-(2**40), 2**40, size) // 1_000_000
    expected, expected_counts = np.unique(values, return_counts=True)
    found, counts = arrays.distinct_counts(values)
    assert found.tolist() == expected.tolist()
    assert counts.tolist() == expected_counts.tolist()
    assert arrays.distinct(values).tolist() == expected.tolist()
    assert found.dtype == values.dtype
