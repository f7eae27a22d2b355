"""The disparity filter (Serrano, Boguñá and Vespignani, PNAS 2009): the significant edges.

For a node i with k neighbours and strength s, an edge of weight w carries the share
p = w / s of i's weight. Under the null hypothesis that i spreads its weight uniformly at random
over its k edges, the probability of a share at least p is α = (1 − p)^(k − 1). An edge is kept
when it is significant (α < ``alpha``) for at least one of its two ends; a node with a single
edge cannot judge it (α = 1 there), so such an edge stands on its other end's judgement.

>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_weighted_edges_from([("hub", n, 1) for n in "abcdefgh"] + [("hub", "z", 40)])
>>> scores = disparity(G)
>>> scores[("hub", "z")] < 1e-6, round(scores[("a", "hub")], 6)
(True, 0.844993)
>>> sorted(sorted(edge) for edge in backbone(G, alpha=0.05).edges())
[['hub', 'z']]
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

__all__ = ["alphas_of", "backbone", "disparity", "edge_disparities"]


def disparity(G: nx.Graph, weight: str = "weight") -> dict[tuple[str, str], float]:
    """Each edge's α: the smaller of the two ends' significance levels (lower = stronger).

    Parameters
    ----------
    G : networkx.Graph
    weight : str
        The edge attribute holding the weight.

    Returns
    -------
    dict
        ``(u, v)`` with ``u < v`` → α in [0, 1]. Edges with weight ≤ 0 get α = 1 and count for
        neither end's degree nor strength.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_weighted_edges_from([("a", "b", 3), ("a", "c", 1)])
    >>> disparity(G)
    {('a', 'b'): 0.25, ('a', 'c'): 0.75}
    """
    edges, alphas = edge_disparities(G, weight)
    return {
        ((u, v) if u < v else (v, u)): alpha
        for (u, v, _data), alpha in zip(edges, alphas.tolist(), strict=True)
    }


def edge_disparities(
    G: nx.Graph, weight: str = "weight"
) -> tuple[list[tuple[str, str, dict[str, Any]]], np.ndarray]:
    """Each edge's α (see :func:`disparity`) beside the edge, in ``G.edges`` order.

    Returns the edges as ``(u, v, data)``, their data dicts being ``G``'s own (so that a caller
    can store α on them without looking each edge up again), and the array of α.

    >>> G = nx.Graph()
    >>> G.add_weighted_edges_from([("a", "b", 3), ("a", "c", 1)])
    >>> edges, alphas = edge_disparities(G)
    >>> [(u, v) for u, v, _data in edges], alphas.tolist()
    ([('a', 'b'), ('a', 'c')], [0.25, 0.75])
    """
    edges = [edge for edge in G.edges(data=True)]  # not list(): it would count the edges first
    if not edges:
        return edges, np.zeros(0)
    position = {node: index for index, node in enumerate(G)}
    ends = np.fromiter(
        (position[node] for u, v, _data in edges for node in (u, v)), np.int64, 2 * len(edges)
    ).reshape(-1, 2)
    weights = np.fromiter(
        (float(data.get(weight, 1)) for _u, _v, data in edges), np.float64, len(edges)
    )
    return edges, alphas_of(ends, weights, len(position))


def alphas_of(ends: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """The α of edges given as arrays: ``ends`` (m × 2 node indices in ``range(size)``, each
    row as ``G.edges`` reports the edge) and ``weights``.

    The strengths are summed in the order of the rows, first end then second, so edges given in
    ``G.edges`` order get exactly the α of :func:`disparity`.

    >>> alphas_of(np.array([[0, 1], [0, 2]]), np.array([3.0, 1.0]), 3).tolist()
    [0.25, 0.75]
    """
    if len(weights) == 0:
        return np.zeros(0)
    counted = weights > 0
    strength = np.zeros(size)
    degree = np.zeros(size, dtype=np.int64)
    for column in (0, 1):
        strength += np.bincount(ends[counted, column], weights=weights[counted], minlength=size)
        degree += np.bincount(ends[counted, column], minlength=size)
    alphas = np.minimum(_alpha(weights, strength[ends[:, 0]], degree[ends[:, 0]]),
                        _alpha(weights, strength[ends[:, 1]], degree[ends[:, 1]]))  # fmt: skip
    alphas[~counted] = 1.0
    return alphas


def _alpha(weights: np.ndarray, strength: np.ndarray, degree: np.ndarray) -> np.ndarray:
    """(1 − w/s)^(k − 1) at one end; 1 where the end cannot judge (k ≤ 1)."""
    judged = (degree > 1) & (strength > 0)
    share = np.divide(weights, strength, out=np.zeros_like(weights), where=judged)
    return np.where(judged, (1.0 - share) ** np.maximum(degree - 1, 0), 1.0)


def backbone(G: nx.Graph, alpha: float = 0.05, weight: str = "weight") -> nx.Graph:
    """The backbone: the edges significant at level ``alpha``, with the nodes they touch.

    Parameters
    ----------
    G : networkx.Graph
    alpha : float
        The significance level, in (0, 1]; an edge is kept when its α is below it.
    weight : str
        The edge attribute holding the weight.

    Returns
    -------
    networkx.Graph
        A new graph (a copy) with the kept edges and their data.

    Raises
    ------
    ValueError
        When ``alpha`` is outside (0, 1].
    """
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must be in (0, 1], not {alpha}")
    scores = disparity(G, weight)
    kept = [(u, v) for u, v in G.edges() if scores[(u, v) if u < v else (v, u)] < alpha]
    return G.edge_subgraph(kept).copy()
