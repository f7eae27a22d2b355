"""From counted pairs to weighted edges: measures, the threshold and the ranking.

An :class:`Edge` carries a pair's count and both association measures; ``--weight`` chooses
which one ranks the edges (and weighs them in the analysis). Ranking is total and stable:
weight (descending), then count (descending), then the two IRIs — so ``--top`` cuts the same
edges every run.

>>> from graph.cooccurrence import count_lists
>>> counts = count_lists([["a", "b"], ["a", "b"], ["a", "c"], ["d"]])
>>> [(e.source, e.target, e.count) for e in select_edges(counts)]
[('a', 'b', 2), ('a', 'c', 1)]
>>> [(e.source, e.target) for e in select_edges(counts, weight="npmi", top=1)]
[('a', 'b')]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from graph.cooccurrence import Counts, jaccard, npmi
from graph.errors import QueryError

__all__ = ["WEIGHTS", "Edge", "make_edge", "rank_key", "select_edges"]

WEIGHTS = ("count", "npmi", "jaccard")


@dataclass(frozen=True, slots=True)
class Edge:
    """One pair of entities (``source`` < ``target`` by code point) and its measures."""

    source: str
    target: str
    count: int
    npmi: float
    jaccard: float
    source_count: int
    target_count: int

    def weight(self, measure: str) -> float:
        return float(getattr(self, measure))


def make_edge(pair: tuple[str, str], n_xy: int, entities: Mapping[str, int], n: int) -> Edge:
    """The edge of a pair from its count, both entities' counts and N."""
    source, target = pair
    n_x, n_y = entities[source], entities[target]
    return Edge(source, target, n_xy, npmi(n_xy, n_x, n_y, n), jaccard(n_xy, n_x, n_y), n_x, n_y)


def check_weight(weight: str) -> str:
    if weight not in WEIGHTS:
        raise QueryError(f"weight {weight!r}: choose one of {', '.join(WEIGHTS)}")
    return weight


def rank_key(weight: str) -> Callable[[Edge], tuple[float, int, str, str]]:
    """The sort key of edges: weight and count descending, then the IRIs."""
    check_weight(weight)
    return lambda e: (-e.weight(weight), -e.count, e.source, e.target)


def select_edges(
    counts: Counts, *, weight: str = "count", min_count: int = 1, top: int = 0
) -> list[Edge]:
    """The edges with count ≥ ``min_count``, ranked by ``weight``; the first ``top``.

    Parameters
    ----------
    counts : Counts
        N, n_x and n_xy of a window (:mod:`graph.cooccurrence`).
    weight : {"count", "npmi", "jaccard"}
        The measure that ranks the edges (then count, then the IRIs).
    min_count : int
        The smallest n_xy kept.
    top : int
        How many edges to keep, 0 for all.

    Returns
    -------
    list of Edge
        Ranked, strongest first. The ranking measure is computed for every pair, the others and
        the edges only for those kept.

    Examples
    --------
    >>> from graph.cooccurrence import Counts
    >>> counts = Counts(4, {"a": 3, "b": 2, "c": 1}, {("a", "b"): 2, ("a", "c"): 1})
    >>> [(e.source, e.target, round(e.npmi, 3)) for e in select_edges(counts, weight="npmi")]
    [('a', 'b', 0.415), ('a', 'c', 0.208)]
    """
    check_weight(weight)
    kept = [(pair, n_xy) for pair, n_xy in counts.pairs.items() if n_xy >= min_count]
    if not kept:
        return []
    n, singles = counts.articles, counts.entities
    together = [n_xy for _pair, n_xy in kept]
    firsts = [singles[x] for (x, _y), _n in kept]
    seconds = [singles[y] for (_x, y), _n in kept]
    if weight == "npmi":
        measure: list[float] | list[int] = list(
            map(npmi, together, firsts, seconds, [n] * len(kept))
        )
    elif weight == "jaccard":
        measure = list(map(jaccard, together, firsts, seconds))
    else:
        measure = together
    position = {name: index for index, name in enumerate(sorted(singles))}
    order = np.lexsort((
        np.fromiter((position[y] for (_x, y), _n in kept), dtype=np.int64, count=len(kept)),
        np.fromiter((position[x] for (x, _y), _n in kept), dtype=np.int64, count=len(kept)),
        -np.asarray(together, dtype=np.int64),
        -np.asarray(measure, dtype=np.float64),
    ))  # fmt: skip
    chosen = order[:top] if top > 0 else order
    return [
        Edge(
            kept[i][0][0],
            kept[i][0][1],
            together[i],
            npmi(together[i], firsts[i], seconds[i], n),
            jaccard(together[i], firsts[i], seconds[i]),
            firsts[i],
            seconds[i],
        )
        for i in chosen.tolist()
    ]
