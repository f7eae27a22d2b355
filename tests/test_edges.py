"""Edges from counts (graph/cooccurrence/edges.py): the measures and a total, stable ranking."""

from __future__ import annotations

import pytest
from newsgraph.cooccurrence import Counts, jaccard, npmi
from newsgraph.cooccurrence.edges import select_edges
from newsgraph.errors import QueryError

COUNTS = Counts(
    articles=10,
    entities={"a": 6, "b": 3, "c": 2, "d": 2},
    pairs={("a", "b"): 3, ("a", "c"): 1, ("c", "d"): 2, ("b", "c"): 1, ("a", "d"): 1},
)


def test_measures_follow_the_definitions() -> None:
    edge = next(e for e in select_edges(COUNTS) if (e.source, e.target) == ("c", "d"))
    assert edge.npmi == npmi(2, 2, 2, 10) and edge.jaccard == jaccard(2, 2, 2) == 1.0
    assert (edge.source_count, edge.target_count) == (2, 2)


@pytest.mark.parametrize("weight", ["count", "npmi", "jaccard"])
def test_ranking_is_by_weight_then_count_then_iris(weight: str) -> None:
    ranked = select_edges(COUNTS, weight=weight)
    keys = [(-e.weight(weight), -e.count, e.source, e.target) for e in ranked]
    assert keys == sorted(keys)


def test_threshold_and_top() -> None:
    assert [(e.source, e.target) for e in select_edges(COUNTS, min_count=2)] == [
        ("a", "b"), ("c", "d")]  # fmt: skip
    assert len(select_edges(COUNTS, top=2)) == 2
    assert len(select_edges(COUNTS, top=0)) == 5


def test_unknown_weight() -> None:
    with pytest.raises(QueryError, match="weight 'pmi'"):
        select_edges(COUNTS, weight="pmi")
