"""Communities of the co-occurrence network: Louvain, seeded so that results repeat.

Communities are numbered from 0 by size, largest first (ties: the smallest member IRI first),
so the same graph and seed give the same numbers every run.

>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_weighted_edges_from([("a", "b", 5), ("b", "c", 5), ("a", "c", 5),
...                            ("x", "y", 5), ("y", "z", 5), ("x", "z", 5), ("c", "x", 1)])
>>> membership = louvain(G)
>>> membership["a"] == membership["b"] == membership["c"] != membership["x"]
True
>>> louvain(G) == membership
True
"""

from __future__ import annotations

import networkx as nx

from graph.analysis.centrality import positive

__all__ = ["louvain", "modularity"]


def louvain(
    G: nx.Graph, weight: str = "weight", *, seed: int = 42, resolution: float = 1.0
) -> dict[str, int]:
    """Node → community number (Louvain over the positive edges; isolated nodes alone)."""
    view = positive(G, weight)
    found = nx.community.louvain_communities(view, weight=weight, resolution=resolution, seed=seed)
    ordered = sorted(found, key=lambda members: (-len(members), min(members)))
    return {node: number for number, members in enumerate(ordered) for node in members}


def modularity(G: nx.Graph, membership: dict[str, int], weight: str = "weight") -> float:
    """The modularity of a partition given as node → community number."""
    if G.number_of_edges() == 0:
        return 0.0
    groups: dict[int, set[str]] = {}
    for node, number in membership.items():
        groups.setdefault(number, set()).add(node)
    view = positive(G, weight)
    return float(nx.community.modularity(view, groups.values(), weight=weight))
