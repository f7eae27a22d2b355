"""The analysed network (graph/cooccurrence/network.py): counts → edges → G with its metrics."""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx
import pytest
from newsgraph.cooccurrence import network as network_module
from newsgraph.cooccurrence.backbone import disparity
from newsgraph.cooccurrence.network import NetworkOptions, build_network
from newsgraph.cooccurrence.window import Window, parse_bound
from newsgraph.errors import QueryError
from newsgraph.store import EmbeddedStore

from tests.conftest import BASE
from tests.cooccur_corpus import build_store, independent_counts

KAZ = BASE + "entity/kazakhstan"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    with EmbeddedStore(build_store(tmp_path_factory.mktemp("network"))) as opened:
        yield opened


def test_whole_network_nodes_edges_and_metrics(store: EmbeddedStore) -> None:
    network = build_network(store, NetworkOptions())
    n, singles, pairs = independent_counts(store)
    G = network.graph
    assert network.articles == n == G.graph["articles"]
    assert {tuple(sorted(e)) for e in G.edges()} == set(pairs)
    for (x, y), count in pairs.items():
        assert G.edges[x, y]["count"] == count == G.edges[x, y]["weight"]
    assert all(G.nodes[x]["articles"] == singles[x] for x in G)
    assert G.nodes[KAZ]["label"] == "Kazakhstan"
    assert sum(nx.get_node_attributes(G, "pagerank").values()) == pytest.approx(1.0)
    assert set(nx.get_node_attributes(G, "community").values()) == set(
        range(G.graph["communities"])
    )
    assert all(G.nodes[x]["strength"] == G.degree(x, weight="weight") for x in G)


def test_ego_network_is_the_ego_graph_of_the_whole(store: EmbeddedStore) -> None:
    window = Window(since=parse_bound("2025-02"))
    whole = build_network(store, NetworkOptions(window=window)).graph
    ego = build_network(store, NetworkOptions(entity=KAZ, window=window)).graph
    expected = nx.ego_graph(whole, KAZ)
    assert {tuple(sorted(e)) for e in ego.edges()} == {tuple(sorted(e)) for e in expected.edges()}
    for u, v, data in ego.edges(data=True):
        assert (data["count"], data["npmi"]) == (
            whole.edges[u, v]["count"],
            whole.edges[u, v]["npmi"],
        )


def test_top_and_min_count_and_weight(store: EmbeddedStore) -> None:
    ranked = build_network(store, NetworkOptions(weight="npmi", top=3))
    assert len(ranked.edges) == 3
    everything = build_network(store, NetworkOptions(weight="npmi")).edges
    assert ranked.edges == everything[:3]
    thick = build_network(store, NetworkOptions(min_count=5)).edges
    assert thick and all(e.count >= 5 for e in thick)


def test_backbone_keeps_the_significant_edges(store: EmbeddedStore) -> None:
    full = build_network(store, NetworkOptions()).graph
    alpha = sorted(disparity(full).values())[len(full.edges) // 2]
    kept = build_network(store, NetworkOptions(backbone=alpha))
    scores = disparity(full)
    assert {tuple(sorted(e)) for e in kept.graph.edges()} == {
        pair for pair, score in scores.items() if score < alpha}  # fmt: skip
    ranked = build_network(store, NetworkOptions()).edges
    assert kept.edges == [e for e in ranked if kept.graph.has_edge(e.source, e.target)]


@pytest.mark.parametrize(
    ("options", "message"),
    [({"min_count": 0}, "--min-count"), ({"top": -1}, "--top"), ({"backbone": 2.0}, "--backbone"),
     ({"weight": "pmi"}, "weight")],
)  # fmt: skip
def test_bad_options(options: dict[str, object], message: str) -> None:
    with pytest.raises(QueryError, match=message):
        NetworkOptions(**options)  # type: ignore[arg-type]


@pytest.mark.parametrize("weight", ["count", "npmi", "jaccard"])
@pytest.mark.parametrize("entity", [None, KAZ])
def test_disparity_is_that_of_the_built_graph(
    store: EmbeddedStore, weight: str, entity: str | None
) -> None:
    """G gets its edges' disparity from the edge list; it equals, bit for bit, the disparity of
    the graph itself, with or without the node metrics."""
    for analysed in (False, True):
        options = NetworkOptions(entity=entity, weight=weight)
        G = build_network(store, options, analysed=analysed).graph
        assert G.number_of_edges() > 3
        stored = {tuple(sorted((u, v))): a for u, v, a in G.edges(data="disparity")}
        assert stored == disparity(G)
        assert [list(data) for _u, _v, data in G.edges(data=True)] == [
            ["count", "npmi", "jaccard", "weight", "disparity"]] * G.number_of_edges()  # fmt: skip


def test_to_graph_falls_back_to_the_graph_when_ends_are_not_all_named() -> None:
    from newsgraph.cooccurrence.edges import Edge

    edges = [Edge("a", "b", 3, 0.5, 0.5, 3, 4), Edge("b", "c", 1, 0.1, 0.2, 4, 2),
             Edge("a", "c", 1, 0.2, 0.1, 3, 2)]  # fmt: skip
    for names in ({"a": ("A", ""), "b": ("B", ""), "c": ("C", "")}, {"c": ("C", "")}):
        G = network_module.to_graph(edges, {}, names, "npmi", disparity=True)
        stored = {tuple(sorted((u, v))): a for u, v, a in G.edges(data="disparity")}
        assert stored == disparity(G)


def test_edges_go_in_as_networkx_would_put_them() -> None:
    """The graph is the one ``add_edges_from`` builds: nodes, edges, their order and data, with
    a repeated pair (its last data wins) and ends that are not among the nodes."""
    from newsgraph.cooccurrence.edges import Edge

    edges = [Edge("b", "c", 3, 0.5, 0.5, 3, 4), Edge("a", "b", 2, 0.1, 0.2, 4, 2),
             Edge("c", "e", 1, 0.2, 0.1, 3, 2), Edge("b", "c", 1, 0.3, 0.4, 3, 4),
             Edge("d", "d", 1, 1.0, 1.0, 1, 1)]  # fmt: skip
    for nodes in ({"a", "b", "c", "d", "e"}, {"c", "b"}, set()):
        G = network_module.to_graph(edges, {}, {node: (node, "") for node in nodes}, "npmi")
        expected = nx.Graph()
        expected.add_nodes_from(sorted(nodes))
        expected.add_edges_from(
            (e.source, e.target, {"count": e.count, "npmi": e.npmi, "jaccard": e.jaccard,
                                  "weight": e.npmi}) for e in edges)  # fmt: skip
        assert list(G.nodes) == list(expected.nodes)
        assert list(G.edges(data=True)) == list(expected.edges(data=True))
        assert list(G.adj["b"]) == list(expected.adj["b"])
        assert {u: dict(around) for u, around in G.adj.items()} == {
            u: dict(around) for u, around in expected.adj.items()}  # fmt: skip
