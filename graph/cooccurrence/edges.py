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
from typing import NamedTuple

import numpy as np
from newsgraph.cooccurrence import Counts, jaccard, jaccard_many, npmi, npmi_many
from newsgraph.cooccurrence.paircounts import PairCounts
from newsgraph.errors import QueryError

__all__ = ["WEIGHTS", "Edge", "make_edge", "rank_key", "select_edges"]

WEIGHTS = ("count", "npmi", "jaccard")


class Edge(NamedTuple):
    """One pair of entities (``source`` < ``target`` by code point) and its measures.

    A named tuple: a whole network makes hundreds of thousands, and a tuple is built several
    times faster than a frozen dataclass. ``count`` is the pair's count (it hides
    :meth:`tuple.count`).
    """

    source: str
    target: str
    count: int  # type: ignore[assignment]  # the field shadows tuple.count on purpose
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
    pairs = PairCounts.of(counts.pairs).at_least(min_count)
    if not len(pairs):
        return []
    n, names = counts.articles, pairs.names
    entity_counts = np.array([counts.entities[name] for name in names.tolist()], dtype=np.int64)
    sources, targets, together = pairs.first, pairs.second, pairs.counts
    firsts, seconds = entity_counts[sources], entity_counts[targets]
    measures = {
        "npmi": lambda: npmi_many(together, firsts, seconds, n),
        "jaccard": lambda: jaccard_many(together, firsts, seconds),
        "count": lambda: together,
    }
    order = np.lexsort((targets, sources, -together, -np.asarray(measures[weight](), np.float64)))
    chosen = order[:top] if top > 0 else order
    together, firsts, seconds = together[chosen], firsts[chosen], seconds[chosen]
    return list(
        map(
            Edge._make,
            zip(
                names[sources[chosen]].tolist(),
                names[targets[chosen]].tolist(),
                together.tolist(),
                npmi_many(together, firsts, seconds, n).tolist(),
                jaccard_many(together, firsts, seconds).tolist(),
                firsts.tolist(),
                seconds.tolist(),
                strict=True,
            ),
        )
    )
