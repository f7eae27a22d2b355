"""Pair counts kept as arrays (graph/cooccurrence/paircounts.py): the same mapping a dict would be."""

from __future__ import annotations

import pickle
import random

import numpy as np
import pytest
from newsgraph.cooccurrence.paircounts import PairCounts


def random_pairs(seed: int, size: int) -> dict[tuple[str, str], int]:
    rng = random.Random(seed)
    pool = sorted({f"http://x/{rng.randrange(10**6)}" for _ in range(60)} | {"http://x/é"})
    found: dict[tuple[str, str], int] = {}
    while len(found) < size:
        x, y = sorted(rng.sample(pool, 2))
        found[x, y] = rng.randrange(1, 9)
    return found


@pytest.mark.parametrize("size", [0, 1, 40, 900])
def test_reads_as_the_dict_it_was_made_from(size: int) -> None:
    given = random_pairs(size, size)
    pairs = PairCounts.of(given)
    assert len(pairs) == size
    assert list(pairs) == list(given)  # the dict's order, kept
    assert list(pairs.items()) == list(given.items())
    assert pairs == given and dict(pairs) == given
    assert all(type(n) is int for n in pairs.values())
    for pair, n in given.items():
        assert pair in pairs and pairs[pair] == n and pairs.get(pair) == n
    assert ("http://x/none", "http://x/other") not in pairs
    with pytest.raises(KeyError):
        pairs["http://x/none", "http://x/other"]
    assert pickle.loads(pickle.dumps(pairs)) == given


def test_codes_index_the_sorted_names() -> None:
    pairs = PairCounts.of(random_pairs(3, 500))
    names = pairs.names.tolist()
    assert names == sorted(set(names))
    assert bool(np.all(pairs.first < pairs.second))
    assert list(zip(pairs.names[pairs.first], pairs.names[pairs.second], strict=True)) == list(
        pairs
    )
    assert PairCounts.of(pairs) is pairs


def test_at_least_keeps_the_pairs_counted_that_often() -> None:
    given = random_pairs(5, 700)
    pairs = PairCounts.of(given)
    assert pairs.at_least(1) is pairs and pairs.at_least(0) is pairs
    for minimum in (2, 5, 8, 9):
        kept = pairs.at_least(minimum)
        assert kept == {pair: n for pair, n in given.items() if n >= minimum}
        assert list(kept) == [pair for pair, n in given.items() if n >= minimum]
