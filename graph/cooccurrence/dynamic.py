"""The network as it changes: one network per period, counted in one pass, and its dynamic graph.

:func:`build_dynamic` counts every period of the window at once
(:func:`graph.cooccurrence.periodcounts.count_periods`) and makes each period's network as the
single-window network of that period is made — the same edges (n_xy ≥ ``min_count`` in the
period), ranked the same way, with the same count, npmi, jaccard and disparity — without the node
metrics (PageRank and the rest are not computed per period). So a period's rows of
``newsgraph cooccur --period month --format csv`` are the rows of ``newsgraph cooccur --since
START --until END --format csv`` for that period, with ``period`` in front
(``tests/test_dynamic.py``, and every period of Reuters-21578 in ``tests/test_dynamic_reuters.py``).

:func:`dynamic_graph` puts the periods in one :class:`networkx.Graph` as Gephi's timeline reads
it (GEXF 1.2, ``mode="dynamic"``, ``timeformat="date"``): each node and edge has ``spells`` — the
periods in which it is in the period's network, each from its first to its last day (dates in
UTC, both included) — and its numbers per period as dynamic attributes, lists of (value, first
day, last day): a node's ``articles`` (n_x), an edge's ``count``, ``npmi``, ``jaccard`` and
``disparity``; ``weight`` is the edge's ``--weight`` measure over the whole window (the sums of
the periods' counts, which partition the window). :func:`networkx.read_gexf` reads it back with
the spells and the per-period values.

>>> from graph.cooccurrence.periodcounts import count_dated
>>> counted = count_dated([("1987-03-02T10:00:00Z", ["a", "b"]), ("1987-04-01T00:00:00Z", ["a", "b", "c"])], "month")
>>> dyn = make_dynamic(counted, {n: (n.upper(), "Thing") for n in "abc"}, NetworkOptions())
>>> [(f.period.label, [(e.source, e.target, e.count) for e in f.edges]) for f in dyn.frames]
[('1987-03', [('a', 'b', 1)]), ('1987-04', [('a', 'b', 1), ('a', 'c', 1), ('b', 'c', 1)])]
>>> G = dynamic_graph(dyn)
>>> G.nodes["c"]["spells"], G.edges["a", "b"]["count"]
([('1987-04-01', '1987-04-30')], [(1, '1987-03-01', '1987-03-31'), (1, '1987-04-01', '1987-04-30')])
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from newsgraph import cooccurrence
from newsgraph.cooccurrence import npmi as npmi_of
from newsgraph.cooccurrence.edges import Edge, select_edges
from newsgraph.cooccurrence.network import NetworkOptions, edge_disparities
from newsgraph.cooccurrence.periodcounts import PeriodCounts, count_periods
from newsgraph.cooccurrence.periods import Period
from newsgraph.errors import QueryError
from newsgraph.store.base import Store

__all__ = [
    "DynamicNetwork",
    "Frame",
    "build_dynamic",
    "dynamic_graph",
    "dynamic_json",
    "make_dynamic",
    "period_rows",
    "period_slices",
]


@dataclass
class Frame:
    """One period's network: its N, the entities' counts, the ranked edges and their disparity."""

    period: Period
    articles: int
    entities: dict[str, int]
    edges: list[Edge]
    disparity: list[float]


@dataclass
class DynamicNetwork:
    """The networks of consecutive periods (empty periods included) and the entities' names."""

    kind: str
    options: NetworkOptions
    frames: list[Frame]
    names: dict[str, tuple[str, str]]
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def articles(self) -> int:
        return sum(frame.articles for frame in self.frames)

    def summary(self) -> str:
        edges = sum(len(frame.edges) for frame in self.frames)
        nodes = len({n for frame in self.frames for e in frame.edges for n in (e.source, e.target)})
        return (
            f"{self.articles} articles, {len(self.frames)} {self.kind}s, {nodes} entities, "
            f"{edges} edges over all {self.kind}s, {self.seconds:.2f} s"
        )


def check_options(options: NetworkOptions) -> None:
    """Refuse what a network per period does not do (an ego network, the backbone)."""
    if options.entity:
        raise QueryError("--period with --entity: a network per period is of the whole window "
                         "(a pair's periods: --entity X --with Y --period KIND)")  # fmt: skip
    if options.backbone is not None:
        raise QueryError("--period with --backbone: the backbone is of one window")


def build_dynamic(store: Store, options: NetworkOptions, kind: str) -> DynamicNetwork:
    """Count every ``kind`` period of ``options.window`` in one pass and make their networks."""
    check_options(options)
    started = time.perf_counter()
    counted = count_periods(store, options.window, kind)
    nodes = set(counted.names[counted.pair_first].tolist())
    nodes.update(counted.names[counted.pair_second].tolist())
    network = make_dynamic(counted, cooccurrence.labels(store, nodes), options)
    network.seconds = time.perf_counter() - started
    return network


def make_dynamic(
    counted: PeriodCounts, names: dict[str, tuple[str, str]], options: NetworkOptions
) -> DynamicNetwork:
    """The networks of the periods ``counted`` holds (see the module)."""
    frames = []
    for index, period in enumerate(counted.periods):
        counts = counted.counts(index, min_count=options.min_count)
        edges = select_edges(counts, weight=options.weight, min_count=options.min_count)
        ends = {node for edge in edges for node in (edge.source, edge.target)}
        frames.append(Frame(period, counts.articles, counts.entities, edges,
                            edge_disparities(edges, options.weight, ends)))  # fmt: skip
    return DynamicNetwork(counted.kind, options, frames, names)


def period_rows(network: DynamicNetwork) -> list[dict[str, Any]]:
    """One row per edge and period: ``period``, then the columns of
    :data:`graph.cooccurrence.formats.EDGE_COLUMNS`; periods in order, edges ranked."""
    rows = []
    for frame in network.frames:
        label = frame.period.label
        for edge, alpha in zip(frame.edges, frame.disparity, strict=True):
            rows.append({
                "period": label, "source": edge.source, "target": edge.target,
                "source_name": network.names[edge.source][0],
                "target_name": network.names[edge.target][0],
                "count": edge.count, "npmi": edge.npmi, "jaccard": edge.jaccard,
                "source_count": edge.source_count, "target_count": edge.target_count,
                "disparity": alpha,
            })  # fmt: skip
    return rows


def _spell(period: Period) -> tuple[str, str]:
    return period.first_day.isoformat(), period.last_day.isoformat()


def dynamic_graph(network: DynamicNetwork) -> nx.Graph:
    """The periods as one graph with spells and per-period attributes (see the module)."""
    G = nx.Graph()
    node_values: dict[str, list[tuple[int, str, str]]] = {}
    edge_values: dict[tuple[str, str], dict[str, list[tuple[Any, str, str]]]] = {}
    totals: dict[tuple[str, str], int] = {}
    articles: dict[str, int] = {}
    for frame in network.frames:
        first, last = _spell(frame.period)
        for node in sorted({n for edge in frame.edges for n in (edge.source, edge.target)}):
            node_values.setdefault(node, []).append((frame.entities[node], first, last))
        for entity, count in frame.entities.items():
            articles[entity] = articles.get(entity, 0) + count
        for edge, alpha in zip(frame.edges, frame.disparity, strict=True):
            pair = (edge.source, edge.target)
            values = edge_values.setdefault(pair, {"count": [], "npmi": [], "jaccard": [],
                                                   "disparity": []})  # fmt: skip
            values["count"].append((edge.count, first, last))
            values["npmi"].append((edge.npmi, first, last))
            values["jaccard"].append((edge.jaccard, first, last))
            values["disparity"].append((alpha, first, last))
            totals[pair] = totals.get(pair, 0) + edge.count
    n = network.articles
    for node in sorted(node_values):
        label, kind = network.names.get(node, (node, ""))
        spells = [(first, last) for _value, first, last in node_values[node]]
        G.add_node(node, label=label, type=kind, spells=spells, articles=node_values[node])
    for pair in sorted(edge_values, key=lambda p: (-totals[p], p)):
        values = edge_values[pair]
        spells = [(first, last) for _value, first, last in values["count"]]
        G.add_edge(*pair, weight=_whole_weight(network.options.weight, totals[pair],
                                                articles[pair[0]], articles[pair[1]], n),
                   spells=spells, **values)  # fmt: skip
    G.graph.update(_graph_attributes(network))
    return G


def _whole_weight(weight: str, n_xy: int, n_x: int, n_y: int, n: int) -> float:
    """An edge's ``weight`` over the whole window, from the sums of its periods' counts."""
    if weight == "npmi":
        return npmi_of(n_xy, n_x, n_y, n)
    if weight == "jaccard":
        return cooccurrence.jaccard(n_xy, n_x, n_y)
    return float(n_xy)


def _graph_attributes(network: DynamicNetwork) -> dict[str, Any]:
    described = {
        "period": network.kind,
        "periods": len(network.frames),
        "articles": network.articles,
        "weight": network.options.weight,
        "min_count": network.options.min_count,
        **network.options.window.describe(),
    }
    if network.frames:
        described["first"] = network.frames[0].period.label
        described["last"] = network.frames[-1].period.label
    return {key: value for key, value in described.items() if value is not None}


def dynamic_json(network: DynamicNetwork, *, top: int = 0) -> dict[str, Any]:
    """The periods as JSON: each with its N and its edges (the ``top`` strongest, 0 = all)."""
    periods = []
    for frame in network.frames:
        shown = frame.edges[:top] if top else frame.edges
        rows = [
            {"source": e.source, "target": e.target, "source_name": network.names[e.source][0],
             "target_name": network.names[e.target][0], "count": e.count, "npmi": e.npmi,
             "jaccard": e.jaccard, "source_count": e.source_count, "target_count": e.target_count,
             "disparity": alpha}
            for e, alpha in zip(shown, frame.disparity, strict=False)
        ]  # fmt: skip
        periods.append({
            "period": frame.period.label, "start": _instant(frame.period.start),
            "end": _instant(frame.period.end), "articles": frame.articles,
            "edge_count": len(frame.edges), "edges": rows,
        })  # fmt: skip
    return {
        "period": network.kind,
        "articles": network.articles,
        "window": network.options.window.describe(),
        "weight": network.options.weight,
        "min_count": network.options.min_count,
        "top": top,
        "periods": periods,
    }


def _instant(value: Any) -> str:
    return str(value.isoformat()).replace("+00:00", "Z")


def period_slices(
    counted: PeriodCounts, pairs: list[tuple[str, str]], nodes: list[str]
) -> list[dict[str, Any]]:
    """For a network already shown (``pairs`` and ``nodes`` of one window), each period's N,
    the pairs' counts (``edges``: [source, target, n_xy,t], those above 0) and the nodes'
    (``nodes``: entity → n_x,t), what the network page's period slider shows."""
    slices = []
    for index, period in enumerate(counted.periods):
        counts = counted.counts(index)
        together = counts.pairs
        edges = [[x, y, together[(x, y)]] for x, y in pairs if (x, y) in together]
        slices.append({
            "period": period.label, "articles": counts.articles, "edges": edges,
            "nodes": {node: counts.entities[node] for node in nodes if node in counts.entities},
        })  # fmt: skip
    return slices
