"""What ``--top`` shows of an analysed network (graph/cooccurrence/shown.py): a cut, never a new
analysis.

The network is networkx's Les Misérables co-appearance graph (77 characters, 254 weighted
edges), analysed once; the expected parts are worked out here with networkx's own subgraph
functions, and every number of a part must be the whole network's.
"""

from __future__ import annotations

import networkx as nx
import pytest
from newsgraph.cooccurrence.edges import Edge, rank_key
from newsgraph.cooccurrence.network import Network, NetworkOptions, analyse, to_graph
from newsgraph.cooccurrence.shown import most_central, shown
from newsgraph.errors import QueryError

VALJEAN = "Valjean"


def les_miserables(entity: str | None = None) -> Network:
    """The analysed network, or ``entity``'s ego network, edges ranked by count."""
    G = nx.les_miserables_graph()
    if entity:
        G = nx.ego_graph(G, entity)
    scenes = {node: int(G.degree(node, weight="weight")) for node in G}
    edges = sorted(
        (Edge(*sorted((u, v)), int(w), 0.0, 0.0, scenes[min(u, v)], scenes[max(u, v)])
         for u, v, w in G.edges(data="weight")),
        key=rank_key("count"),
    )  # fmt: skip
    names = {node: (node, "Person") for node in G}
    graph = analyse(to_graph(edges, scenes, names))
    return Network(graph, edges, 1_000, NetworkOptions(entity=entity))


@pytest.fixture(scope="module")
def whole() -> Network:
    return les_miserables()


def same_numbers(part: Network, whole: Network) -> None:
    for node, data in part.graph.nodes(data=True):
        assert data == whole.graph.nodes[node]
    for u, v, data in part.graph.edges(data=True):
        assert data == whole.graph.edges[u, v]


def test_the_strongest_edges_and_their_ends(whole: Network) -> None:
    part = shown(whole, 10)
    assert part.edges == whole.edges[:10]
    assert {frozenset(e) for e in part.graph.edges} == {frozenset(e[:2]) for e in whole.edges[:10]}
    assert set(part.graph) == {end for e in whole.edges[:10] for end in e[:2]}
    same_numbers(part, whole)
    degrees = dict(part.graph.degree)
    assert any(part.graph.nodes[n]["degree"] != degrees[n] for n in part.graph)  # the whole's
    assert (part.options.top, part.graph.graph["top"]) == (10, 10)
    assert part.graph.graph["network_edges"] == 254 and part.graph.graph["network_entities"] == 77


def test_the_most_central_entities_and_the_edges_among_them(whole: Network) -> None:
    ranks = nx.get_node_attributes(whole.graph, "pagerank")
    expected = sorted(ranks, key=lambda n: (-ranks[n], n))[:12]
    part = shown(whole, 12, nodes=True)
    assert set(part.graph) == set(expected) == set(most_central(whole.graph, 12))
    induced = whole.graph.subgraph(expected)
    assert {frozenset(e) for e in part.graph.edges} == {frozenset(e) for e in induced.edges}
    assert part.edges == [e for e in whole.edges if induced.has_edge(e.source, e.target)]
    same_numbers(part, whole)


def test_an_ego_networks_strongest_neighbours_and_the_edges_among_them() -> None:
    ego = les_miserables(VALJEAN)
    part = shown(ego, 4)
    ranked = sorted(ego.graph[VALJEAN], key=lambda n: (-ego.graph[VALJEAN][n]["count"], n))
    neighbours = {VALJEAN, *ranked[:4]}
    assert set(part.graph) == neighbours
    induced = ego.graph.subgraph(neighbours)
    assert {frozenset(e) for e in part.graph.edges} == {frozenset(e) for e in induced.edges}
    assert len([e for e in part.edges if VALJEAN in e[:2]]) == 4
    same_numbers(part, ego)


def test_all_is_the_network_itself_and_a_part_leaves_the_whole_alone(whole: Network) -> None:
    assert shown(whole, 0) is whole
    before = nx.get_node_attributes(whole.graph, "degree"), dict(whole.graph.graph)
    part = shown(whole, 3)
    part.graph.nodes[next(iter(part.graph))]["degree"] = -1
    assert (nx.get_node_attributes(whole.graph, "degree"), dict(whole.graph.graph)) == before
    assert shown(whole, 10_000).graph.number_of_edges() == 254


def test_a_negative_top_and_an_unanalysed_network_are_refused(whole: Network) -> None:
    with pytest.raises(QueryError, match="--top -1: must be 0"):
        shown(whole, -1)
    bare = nx.Graph([("a", "b")])
    with pytest.raises(ValueError, match="not analysed"):
        most_central(bare, 1)
