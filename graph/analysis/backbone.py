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

import networkx as nx

__all__ = ["backbone", "disparity"]


def disparity(G: nx.Graph, weight: str = "weight") -> dict[tuple[str, str], float]:
    """Each edge's α: the smaller of the two ends' significance levels (lower = stronger).

    Keys are the edges as ``(u, v)`` with ``u < v``; edges with weight ≤ 0 get α = 1 and count
    for neither end's degree nor strength.
    """
    strength: dict[str, float] = dict.fromkeys(G, 0.0)
    degree: dict[str, int] = dict.fromkeys(G, 0)
    weights = []
    for u, v, data in G.edges(data=True):
        w = float(data.get(weight, 1))
        weights.append((u, v, w))
        if w > 0:
            strength[u] += w
            strength[v] += w
            degree[u] += 1
            degree[v] += 1
    scores: dict[tuple[str, str], float] = {}
    for u, v, w in weights:
        key = (u, v) if u < v else (v, u)
        if w <= 0:
            scores[key] = 1.0
        else:
            scores[key] = min(_alpha(w, strength[u], degree[u]), _alpha(w, strength[v], degree[v]))
    return scores


def _alpha(w: float, strength: float, degree: int) -> float:
    if degree <= 1 or strength <= 0:
        return 1.0
    return float((1.0 - w / strength) ** (degree - 1))


def backbone(G: nx.Graph, alpha: float = 0.05, weight: str = "weight") -> nx.Graph:
    """The subgraph of the edges significant at level ``alpha``, with the nodes they touch."""
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must be in (0, 1], not {alpha}")
    scores = disparity(G, weight)
    kept = [(u, v) for u, v in G.edges() if scores[(u, v) if u < v else (v, u)] < alpha]
    return G.edge_subgraph(kept).copy()
