"""The co-occurrence network: counts from the store → ranked edges → an analysed graph ``G``.

:func:`build_network` counts (the whole window, or one entity's ego network), keeps the edges the
options ask for and builds ``G``: nodes are entity IRIs with ``label`` (name), ``type`` and
``articles`` (n_x); edges carry ``count``, ``npmi``, ``jaccard`` and ``weight`` (the chosen
measure). :func:`analyse` adds the metrics. An ego network is the entity, its neighbours (the
top ones, when ``top`` is set) and the edges among them, as :func:`networkx.ego_graph` would give.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
from newsgraph import collector, cooccurrence
from newsgraph.cooccurrence import backbone, centrality, communities
from newsgraph.cooccurrence.cache import CountsCache
from newsgraph.cooccurrence.edges import Edge, check_weight, make_edge, rank_key, select_edges
from newsgraph.cooccurrence.window import Window
from newsgraph.errors import QueryError
from newsgraph.store.base import Store

__all__ = [
    "Network",
    "NetworkOptions",
    "analyse",
    "build_network",
    "edge_disparities",
    "to_graph",
]


@dataclass(frozen=True)
class NetworkOptions:
    """What ``newsgraph cooccur`` (and the HTTP API) asks for.

    ``top`` > 0 keeps only the N strongest edges in the network that is built and analysed,
    so every metric is that of the smaller network. ``newsgraph cooccur`` and the HTTP API build
    with ``top=0`` and cut only what they show with :func:`graph.cooccurrence.shown.shown`, so their
    numbers never depend on ``top`` (the API through :class:`graph.cooccurrence.cache.NetworkCache`).
    """

    entity: str | None = None
    window: Window = field(default_factory=Window)
    min_count: int = 1
    top: int = 0
    weight: str = "count"
    method: str = "auto"
    backbone: float | None = None
    seed: int = 42

    def __post_init__(self) -> None:
        check_weight(self.weight)
        if self.min_count < 1:
            raise QueryError(f"--min-count {self.min_count}: must be 1 or more")
        if self.top < 0:
            raise QueryError(f"--top {self.top}: must be 0 (all) or more")
        if self.backbone is not None and not 0 < self.backbone <= 1:
            raise QueryError(f"--backbone {self.backbone}: the significance level is in (0, 1]")


@dataclass
class Network:
    """An analysed network and how it was made."""

    graph: nx.Graph
    edges: list[Edge]
    articles: int
    options: NetworkOptions
    seconds: float = 0.0
    analysed: bool = False

    @property
    def ego_edges(self) -> list[Edge]:
        """The ego's own edges (all edges for a whole network)."""
        ego = self.options.entity
        return [e for e in self.edges if ego is None or ego in (e.source, e.target)]

    def summary(self) -> str:
        parts = [
            f"{self.articles} articles",
            f"{self.graph.number_of_nodes()} entities",
            f"{self.graph.number_of_edges()} edges",
        ]
        if self.analysed:
            parts.append(f"{self.graph.graph.get('communities', 0)} communities")
        return ", ".join(parts) + f", {self.seconds:.2f} s"


def build_network(
    store: Store,
    options: NetworkOptions,
    *,
    analysed: bool = True,
    cache: CountsCache | None = None,
) -> Network:
    """Count, select and (unless ``analysed`` is false) analyse the network ``options`` ask for.

    A ``cache`` keeps whole-window counts between calls (the server's, keyed by snapshot).
    """
    started = time.perf_counter()
    with collector.paused():
        network = _build(store, options, analysed=analysed, cache=cache)
    network.seconds = time.perf_counter() - started
    return network


def _build(
    store: Store, options: NetworkOptions, *, analysed: bool, cache: CountsCache | None
) -> Network:
    """:func:`build_network` without the clock."""
    with ThreadPoolExecutor(max_workers=1) as pool:  # the store answers while Python works
        named = pool.submit(cooccurrence.named_nodes, store) if _names_most(options) else None
        counts, edges = _counted_edges(store, options, cache)
        nodes = {node for edge in edges for node in (edge.source, edge.target)}
        if options.entity and options.entity in counts.entities:
            nodes.add(options.entity)
        whole = options.backbone is None  # else the disparity is that of the backbone, made below
        naming = pool.submit(_labels, store, nodes, named)
        graph = _unnamed_graph(edges, nodes, options.weight, disparity=whole)
        _name_nodes(graph, counts.entities, naming.result())
    graph.graph.update(_graph_attributes(options, counts.articles))
    if options.backbone is not None:
        graph = _backbone(graph, options.backbone, keep=options.entity)
        edges = [e for e in edges if graph.has_edge(e.source, e.target)]
        analyse(graph, seed=options.seed, nodes=analysed)
    elif analysed:
        _node_metrics(graph, seed=options.seed)
    network = Network(graph, edges, counts.articles, options)
    network.analysed = analysed
    return network


def _names_most(options: NetworkOptions) -> bool:
    """Whether the network names most entities of the store (every article counted, many edges
    kept): then every name is read in one pass, while the counting goes on."""
    window = options.window
    if options.entity or window.since or window.until or window.topic:
        return False
    return options.top == 0 or options.top >= cooccurrence.VALUES_CHUNK


def _labels(
    store: Store, nodes: set[str], named: Future[cooccurrence.NamedNodes] | None
) -> dict[str, tuple[str, str]]:
    return cooccurrence.labels(store, nodes, named.result() if named else None)


def _counted_edges(
    store: Store, options: NetworkOptions, cache: CountsCache | None
) -> tuple[cooccurrence.Counts, list[Edge]]:
    """The counts of the window (or the ego network) and the edges the options keep, ranked."""
    window = options.window
    if options.entity:
        by_count = options.top if options.weight == "count" else 0
        counts = cooccurrence.count_ego(
            store, options.entity, window, min_count=options.min_count, top_by_count=by_count
        )
        edges = select_edges(
            counts, weight=options.weight, min_count=options.min_count, top=options.top
        )
        neighbours = sorted({e.target if e.source == options.entity else e.source for e in edges})
        if len(neighbours) > 1:
            among = cooccurrence.count_among(store, neighbours, window, min_count=options.min_count)
            edges += [make_edge(p, n, counts.entities, counts.articles) for p, n in among.items()]
            edges.sort(key=rank_key(options.weight))
        return counts, edges
    if cache is not None and options.method == "auto":
        counts = cache.count_window(store, window, min_count=options.min_count)
    else:
        counts = cooccurrence.count_window(
            store, window, method=options.method, min_count=options.min_count
        )
    edges = select_edges(
        counts, weight=options.weight, min_count=options.min_count, top=options.top
    )
    return counts, edges


def to_graph(
    edges: list[Edge],
    entity_counts: dict[str, int],
    names: dict[str, tuple[str, str]],
    weight: str = "count",
    *,
    disparity: bool = False,
) -> nx.Graph:
    """``G`` from ranked edges; nodes and edges are inserted in a fixed order (IRI order, then
    the ranking), so everything written from ``G`` comes out the same every run.

    With ``disparity`` each edge also gets the ``disparity`` :func:`analyse` would give it,
    computed from the edge list before ``G`` is built (walking ``G`` costs more than the rest).

    >>> from graph.cooccurrence.edges import Edge
    >>> G = to_graph([Edge("a", "b", 2, 1.0, 1.0, 2, 2)], {"a": 2, "b": 2},
    ...              {"a": ("A", "Thing"), "b": ("B", "")}, disparity=True)
    >>> G.nodes["a"], G.edges["a", "b"]
    ({'label': 'A', 'type': 'Thing', 'articles': 2}, {'count': 2, 'npmi': 1.0, \
'jaccard': 1.0, 'weight': 2.0, 'disparity': 1.0})
    """
    G = _unnamed_graph(edges, names, weight, disparity=disparity)
    _name_nodes(G, entity_counts, names)
    return G


def _unnamed_graph(
    edges: list[Edge], nodes: Collection[str], weight: str, *, disparity: bool
) -> nx.Graph:
    """:func:`to_graph` with the nodes' attributes left empty (see :func:`_name_nodes`)."""
    G = nx.Graph()
    G.add_nodes_from(sorted(nodes))
    weights = _weights(edges, weight)
    data = [
        {"count": edge.count, "npmi": edge.npmi, "jaccard": edge.jaccard, "weight": measure}
        for edge, measure in zip(edges, weights, strict=True)
    ]
    if disparity:
        for attributes, alpha in zip(data, _alphas(edges, weights, nodes), strict=True):
            attributes["disparity"] = alpha
    _add_edges(G, edges, data)
    if disparity and (G.number_of_nodes() != len(nodes) or G.number_of_edges() != len(edges)):
        _add_disparity(G)  # ends outside ``nodes`` or repeated pairs: G's edge order differs
    return G


def _add_edges(G: nx.Graph, edges: list[Edge], data: list[dict[str, float]]) -> None:
    """``G.add_edges_from`` with each edge's own attribute dict, in half the time on a whole
    network: the dicts go straight into networkx's adjacency (the dict of dicts of dicts
    :class:`networkx.Graph` documents for subclasses) instead of being copied into new ones.
    A repeated pair keeps its last attributes, as there; an end not yet in ``G`` is added."""
    adjacency = G._adj
    for edge, attributes in zip(edges, data, strict=True):
        source, target = edge.source, edge.target
        if source not in adjacency:
            G.add_node(source)
        if target not in adjacency:
            G.add_node(target)
        adjacency[source][target] = attributes
        adjacency[target][source] = attributes


def _name_nodes(
    G: nx.Graph, entity_counts: dict[str, int], names: Mapping[str, tuple[str, str]]
) -> None:
    """Give each named node its ``label``, ``type`` and ``articles``."""
    for node, data in G.nodes(data=True):
        if node in names:
            label, kind = names[node]
            data.update(label=label, type=kind, articles=int(entity_counts.get(node, 0)))


def _weights(edges: list[Edge], weight: str) -> list[float]:
    """Each edge's ``weight`` attribute: the chosen measure as a float."""
    check_weight(weight)
    field = Edge._fields.index(weight)
    return [float(edge[field]) for edge in edges]


def edge_disparities(edges: list[Edge], weight: str, nodes: Collection[str]) -> list[float]:
    """The disparity of each edge of a network made of ``edges`` and ``nodes``, in the order of
    ``edges``: what :func:`to_graph` with ``disparity`` gives them (the networks of periods,
    :mod:`graph.cooccurrence.dynamic`)."""
    return _alphas(edges, _weights(edges, weight), nodes)


def _alphas(edges: list[Edge], weights: list[float], nodes: Collection[str]) -> list[float]:
    """The disparity of each edge, in the order of ``edges``, as :func:`analyse` gives it on
    :func:`to_graph`'s ``G``: there the nodes come in IRI order, and ``G.edges`` reports each
    edge from its first end in that order, the edges of one node in insertion order."""
    position = {node: index for index, node in enumerate(sorted(nodes))}
    size = len(position)
    first = np.fromiter((position.get(e.source, size) for e in edges), np.int64, len(edges))
    second = np.fromiter((position.get(e.target, size) for e in edges), np.int64, len(edges))
    low, high = np.minimum(first, second), np.maximum(first, second)
    order = np.argsort(low, kind="stable")  # G.edges order
    ends = np.column_stack((low[order], high[order]))
    alphas = np.empty(len(edges))
    alphas[order] = backbone.alphas_of(ends, np.asarray(weights)[order], size + 1)
    return alphas.tolist()


def analyse(G: nx.Graph, *, seed: int = 42, nodes: bool = True) -> nx.Graph:
    """Add the metrics to ``G`` in place: edge ``disparity`` (the backbone's α) and, with
    ``nodes``, node ``degree``, ``strength`` (weighted degree), ``pagerank``, ``betweenness``
    and ``community``, and graph ``communities`` and ``modularity``."""
    _add_disparity(G)
    if nodes:
        _node_metrics(G, seed=seed)
    return G


def _add_disparity(G: nx.Graph) -> None:
    edges, alphas = backbone.edge_disparities(G)
    for (_u, _v, data), alpha in zip(edges, alphas.tolist(), strict=True):
        data["disparity"] = alpha


def _node_metrics(G: nx.Graph, *, seed: int) -> None:
    strength = centrality.weighted_degree(G)
    ranks = centrality.pagerank(G)
    between = centrality.betweenness(G, seed=seed)
    membership = communities.louvain(G, seed=seed)
    for node, data in G.nodes(data=True):
        data["degree"] = int(G.degree(node))
        data["strength"] = strength[node]
        data["pagerank"] = ranks[node]
        data["betweenness"] = between[node]
        data["community"] = membership[node]
    G.graph["communities"] = len(set(membership.values()))
    G.graph["modularity"] = communities.modularity(G, membership)


def _backbone(G: nx.Graph, alpha: float, keep: str | None) -> nx.Graph:
    kept = backbone.backbone(G, alpha)
    result = nx.Graph()
    result.graph.update(G.graph)
    result.graph["backbone"] = alpha
    for node, data in G.nodes(data=True):
        if node in kept or node == keep:
            result.add_node(node, **data)
    for u, v, data in G.edges(data=True):
        if kept.has_edge(u, v):
            result.add_edge(u, v, **data)
    return result


def _graph_attributes(options: NetworkOptions, articles: int) -> dict[str, Any]:
    """Scalars only (GraphML and GEXF hold no None): what was counted and how."""
    described = {
        "articles": articles,
        "weight": options.weight,
        "min_count": options.min_count,
        "top": options.top,
        "entity": options.entity,
        **options.window.describe(),
    }
    return {key: value for key, value in described.items() if value is not None}
