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
from newsgraph.cooccurrence.centrality import positive

__all__ = ["louvain", "modularity"]


def louvain(
    G: nx.Graph, weight: str = "weight", *, seed: int = 42, resolution: float = 1.0
) -> dict[str, int]:
    """Louvain communities over the positive edges, numbered by size.

    Parameters
    ----------
    G : networkx.Graph
    weight : str
        The edge attribute holding the weight.
    seed : int
        Seeds Louvain's node order: the same graph and seed give the same communities.
    resolution : float
        Above 1 favours smaller communities, below 1 larger ones.

    Returns
    -------
    dict
        Node → community number, 0 for the largest (ties: the smallest member first);
        a node without positive edges is a community of its own.

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("x", "y")])
    >>> louvain(G)
    {'a': 0, 'b': 0, 'x': 1, 'y': 1}
    """
    view = positive(G, weight)
    found = nx.community.louvain_communities(view, weight=weight, resolution=resolution, seed=seed)
    ordered = sorted(found, key=lambda members: (-len(members), min(members)))
    found_in = {node: number for number, members in enumerate(ordered) for node in members}
    return {node: found_in[node] for node in G}


def modularity(G: nx.Graph, membership: dict[str, int], weight: str = "weight") -> float:
    """The modularity of a partition given as node → community number.

    Parameters
    ----------
    G : networkx.Graph
    membership : dict
        Node → community number, as :func:`louvain` gives.
    weight : str
        The edge attribute holding the weight.

    Returns
    -------
    float
        Newman's modularity over the positive edges (0 for a graph without edges).

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("x", "y")])
    >>> modularity(G, {"a": 0, "b": 0, "x": 1, "y": 1})
    0.5
    """
    if G.number_of_edges() == 0:
        return 0.0
    groups: dict[int, set[str]] = {}
    for node, number in membership.items():
        groups.setdefault(number, set()).add(node)
    view = positive(G, weight)
    return float(nx.community.modularity(view, groups.values(), weight=weight))
