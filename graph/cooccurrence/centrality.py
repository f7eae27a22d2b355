"""Centrality on the co-occurrence network: weighted degree, PageRank, betweenness.

Weights are the edges' ``weight`` attribute (the measure chosen with ``--weight``); only edges
with a positive weight take part (an NPMI at or below zero says the two entities meet no more
often than chance). Betweenness treats a strong tie as a short one: distance = 1 / weight.

>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_weighted_edges_from([("a", "b", 3), ("b", "c", 1), ("c", "d", 1)])
>>> weighted_degree(G)
{'a': 3.0, 'b': 4.0, 'c': 2.0, 'd': 1.0}
>>> round(sum(pagerank(G).values()), 6)
1.0
>>> betweenness(G)["b"] > betweenness(G)["a"]
True
"""

from __future__ import annotations

import math
import random

import networkx as nx

__all__ = ["betweenness", "pagerank", "positive", "weighted_degree"]

#: Betweenness is exact while nodes × edges stays within this work budget; above it, it is
#: estimated from a seeded sample of source nodes, as many as keep to the budget (16 to 500).
BETWEENNESS_BUDGET = 1_000_000


def positive(G: nx.Graph, weight: str = "weight") -> nx.Graph:
    """``G`` with only the edges whose weight is above zero (all nodes kept), to be read only.

    Parameters
    ----------
    G : networkx.Graph
    weight : str
        The edge attribute holding the weight (an edge without it weighs 1).

    Returns
    -------
    networkx.Graph
        ``G`` itself when every weight is above zero (as counts and Jaccard always are): a
        filtering view would test each edge again at every visit, which doubles the time of
        Louvain and quadruples that of PageRank on a large network. Else a read-only view
        sharing ``G``'s data; either way nodes and neighbours come in ``G``'s order.

    Examples
    --------
    >>> G = nx.Graph([("a", "b", {"weight": -0.2}), ("b", "c", {"weight": 0.5})])
    >>> sorted(positive(G).edges())
    [('b', 'c')]
    >>> G["a"]["b"]["weight"] = 0.1
    >>> positive(G) is G
    True
    """
    if all(value > 0 for _u, _v, value in G.edges(data=weight, default=1)):
        return G
    return nx.subgraph_view(G, filter_edge=lambda u, v: G[u][v].get(weight, 1) > 0)


def weighted_degree(G: nx.Graph, weight: str = "weight") -> dict[str, float]:
    """Each node's strength: the sum of the positive weights of its edges.

    Parameters
    ----------
    G : networkx.Graph
    weight : str
        The edge attribute holding the weight.

    Returns
    -------
    dict
        Node → strength (a float; 0 for a node without positive edges).

    Examples
    --------
    >>> G = nx.Graph([("a", "b", {"weight": 2}), ("b", "c", {"weight": -1})])
    >>> weighted_degree(G)
    {'a': 2.0, 'b': 2.0, 'c': 0.0}
    """
    return {node: float(value) for node, value in positive(G, weight).degree(weight=weight)}


def pagerank(G: nx.Graph, weight: str = "weight", alpha: float = 0.85) -> dict[str, float]:
    """PageRank over the positive edges (a node without any gets the teleport share).

    Parameters
    ----------
    G : networkx.Graph
    weight : str
        The edge attribute holding the weight.
    alpha : float
        The damping factor.

    Returns
    -------
    dict
        Node → PageRank; the values sum to 1.

    Examples
    --------
    >>> G = nx.star_graph(3)
    >>> ranks = pagerank(G)
    >>> ranks[0] > ranks[1] == ranks[2]
    True
    """
    if G.number_of_nodes() == 0:
        return {}
    ranks = nx.pagerank(positive(G, weight), alpha=alpha, weight=weight, tol=1e-10, max_iter=1000)
    return {node: float(ranks[node]) for node in G}


def betweenness(
    G: nx.Graph,
    weight: str = "weight",
    *,
    seed: int = 42,
    budget: int = BETWEENNESS_BUDGET,
    samples: int | None = None,
) -> dict[str, float]:
    """Normalised betweenness with distance = 1 / weight, exact or estimated from a sample.

    The shortest paths are counted by igraph (in C, some twelve times faster than networkx's
    Dijkstra in Python on a network of 300,000 edges); the figures are networkx's
    ``betweenness_centrality(G, k, normalized=True, weight=distance, seed)``, the sample of
    sources included (tested against it).

    Parameters
    ----------
    G : networkx.Graph
    weight : str
        The edge attribute holding the weight; stronger ties are shorter paths.
    seed : int
        Seeds the sample of source nodes, so an estimate repeats exactly.
    budget : int
        Exact while nodes × edges is at most this; estimated above.
    samples : int, optional
        How many source nodes an estimate uses (default: as many as keep the work within
        ``budget`` edge visits, from 16 to 500).

    Returns
    -------
    dict
        Node → betweenness centrality, normalised to [0, 1].

    Examples
    --------
    >>> G = nx.path_graph(5)
    >>> nx.set_edge_attributes(G, 1, "weight")
    >>> betweenness(G)
    {0: 0.0, 1: 0.5, 2: 0.6666666666666666, 3: 0.5, 4: 0.0}
    >>> betweenness(G, budget=10, samples=3) == betweenness(G, budget=10, samples=3)
    True
    """
    nodes = list(G)
    size = len(nodes)
    position = {node: index for index, node in enumerate(nodes)}
    ends: list[tuple[int, int]] = []
    distances: list[float] = []
    for u, v, value in positive(G, weight).edges(data=weight, default=1):
        ends.append((position[u], position[v]))
        distances.append(1.0 / value)
    if size < 3 or not ends:
        return dict.fromkeys(nodes, 0.0)
    k = None
    if size * len(ends) > budget:
        k = min(size, samples or max(16, min(500, budget // len(ends))))
    sources = None if k is None or k == size else random.Random(seed).sample(range(size), k)
    import igraph  # when needed: it imports matplotlib, a third of a second of every start

    paths = igraph.Graph(n=size, edges=ends)
    # igraph counts each unordered pair of an undirected graph once, networkx each ordered pair
    counted = paths.betweenness(directed=False, weights=distances, sources=sources)
    return dict(zip(nodes, _normalised(counted, size, sources), strict=True))


def _normalised(counted: list[float], size: int, sources: list[int] | None) -> list[float]:
    """igraph's pair counts as networkx's normalised betweenness, an estimate scaled by its
    sample (a source itself is never an inner node of its own paths: one source fewer)."""
    pairs = size - 2
    if sources is None:
        return [2 * value / ((size - 1) * pairs) for value in counted]
    sampled, taken = len(sources), set(sources)
    own = 2 / ((sampled - 1) * pairs) if sampled > 1 else math.nan
    other = 2 / (sampled * pairs)
    return [value * (own if index in taken else other) for index, value in enumerate(counted)]
