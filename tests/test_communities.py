"""Louvain communities (graph/cooccurrence/communities.py): seeded, numbered by size."""

from __future__ import annotations

import networkx as nx
from newsgraph.cooccurrence.communities import louvain, modularity


def test_planted_partition_is_found_and_repeats() -> None:
    G = nx.planted_partition_graph(4, 12, 0.8, 0.02, seed=3)
    nx.set_edge_attributes(G, 1.0, "weight")
    membership = louvain(G, seed=5)
    assert membership == louvain(G, seed=5)
    groups = {membership[node] for node in range(12)}
    assert len(groups) == 1
    assert len(set(membership.values())) == 4
    assert modularity(G, membership) > 0.5


def test_numbers_go_by_size_largest_first() -> None:
    G = nx.Graph()
    G.add_weighted_edges_from([(f"big{i}", f"big{j}", 1) for i in range(5) for j in range(i)])
    G.add_weighted_edges_from([("small0", "small1", 1)])
    membership = louvain(G)
    assert membership["big0"] == 0 and membership["small0"] == 1
