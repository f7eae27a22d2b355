"""Weighted degree, PageRank and betweenness (graph/cooccurrence/centrality.py)."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from newsgraph.cooccurrence import centrality
from newsgraph.cooccurrence.centrality import betweenness, pagerank, weighted_degree
from newsgraph.cooccurrence.communities import louvain, modularity


def test_non_positive_weights_take_no_part() -> None:
    G = nx.Graph()
    G.add_weighted_edges_from([("a", "b", 0.5), ("b", "c", -0.4), ("c", "d", 0.0)])
    assert weighted_degree(G) == {"a": 0.5, "b": 0.5, "c": 0.0, "d": 0.0}
    ranks = pagerank(G)
    assert ranks["c"] == ranks["d"] < ranks["a"]


def test_a_network_without_non_positive_weights_is_read_as_it_is() -> None:
    G = nx.barabasi_albert_graph(200, 3, seed=2)
    for number, (_u, _v, data) in enumerate(G.edges(data=True)):
        data["weight"] = 1 + number % 7
    assert centrality.positive(G) is G  # no filtering view, tested at every visit
    view = nx.subgraph_view(G, filter_edge=lambda u, v: True)
    assert weighted_degree(G) == {node: float(view.degree(node, weight="weight")) for node in G}
    assert pagerank(G) == pagerank(view)
    assert betweenness(G, budget=1000, samples=20) == betweenness(view, budget=1000, samples=20)
    assert louvain(G) == louvain(view)
    assert modularity(G, louvain(G)) == modularity(view, louvain(view))


def _networkx_betweenness(G: nx.Graph, **options: object) -> dict:
    """networkx's own betweenness over G's positive edges, distance = 1 / weight."""
    distance = nx.Graph()
    distance.add_nodes_from(G)
    distance.add_edges_from(
        (u, v, {"distance": 1 / w}) for u, v, w in G.edges(data="weight") if w > 0
    )
    return nx.betweenness_centrality(distance, weight="distance", **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("samples", [None, 1, 30])
def test_betweenness_is_that_of_networkx_exact_or_sampled(samples: int | None) -> None:
    G = nx.gnm_random_graph(150, 420, seed=3)
    for number, (_u, _v, data) in enumerate(G.edges(data=True)):
        data["weight"] = (1, 2, 4, 0.5, 8, -1)[number % 6]  # distances add up exactly
    G.add_nodes_from(["alone", "also alone"])
    found = betweenness(G, seed=7, budget=10 if samples else 10**9, samples=samples)
    expected = _networkx_betweenness(G, k=samples, seed=7)
    assert list(found) == list(G)
    for node, value in expected.items():
        same = math.isclose(found[node], value, rel_tol=1e-9, abs_tol=1e-12)
        assert same or (math.isnan(found[node]) and math.isnan(value)), node
    assert sum(value > 0 for value in found.values()) > 50


def test_betweenness_of_tiny_or_edgeless_networks_is_zero() -> None:
    assert betweenness(nx.Graph()) == {}
    assert betweenness(nx.Graph([("a", "b", {"weight": 1})])) == {"a": 0.0, "b": 0.0}
    assert betweenness(nx.empty_graph(["a", "b", "c"])) == {"a": 0.0, "b": 0.0, "c": 0.0}


def test_betweenness_uses_strong_ties_as_short_paths() -> None:
    G = nx.Graph()
    G.add_weighted_edges_from([("s", "strong", 10), ("strong", "t", 10), ("s", "weak", 1),
                               ("weak", "t", 1)])  # fmt: skip
    scores = betweenness(G)
    assert scores["strong"] > scores["weak"] == 0


def test_sampled_betweenness_repeats_with_its_seed() -> None:
    G = nx.barabasi_albert_graph(300, 3, seed=1)
    nx.set_edge_attributes(G, 1.0, "weight")
    first = betweenness(G, budget=1000, samples=40, seed=7)
    assert first == betweenness(G, budget=1000, samples=40, seed=7)
    exact = betweenness(G)
    hub = max(exact, key=exact.__getitem__)
    assert first[hub] > 0.5 * exact[hub]
