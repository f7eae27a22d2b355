"""The network as RDF in a named graph, so that researchers can join it in SPARQL.

Terms (``ng:`` = ``https://w3id.org/newsgraph/ns#``, documented in ``vocab/ontology.ttl``)::

    <graph#window> a ng:CooccurrenceWindow ; ng:articleCount N ;
        ng:since …, ng:until … (xsd:dateTime) ; ng:topic … ; ng:entityType … ;
        ng:aroundEntity … ; ng:minCount … .
    <graph#edge-…> a ng:Cooccurrence ; ng:window <graph#window> ;
        ng:source x ; ng:target y ;            # x < y by code point, as in the CSV
        ng:articleCount n_xy ; ng:sourceArticleCount n_x ; ng:targetArticleCount n_y ;
        ng:npmi … ; ng:jaccard … (xsd:double) .

With ``--period KIND`` (:func:`materialize_periods`) the graph also holds each period and the
pairs' counts in it (the networks of :mod:`graph.cooccurrence.dynamic`)::

    <graph#period-1987-03> a ng:CooccurrencePeriod ;   # a window of its own
        ng:periodOf <graph#window> ; ng:periodKind "month" ; ng:periodLabel "1987-03" ;
        ng:since …, ng:until … (its first and last instants, UTC) ; ng:articleCount N_t .
    <graph#edge-…-1987-03> a ng:PeriodCooccurrence ; ng:window <graph#period-1987-03> ;
        ng:wholeEdge <graph#edge-…> ;         # the same pair's edge over the whole window
        ng:source x ; ng:target y ; ng:articleCount n_xy,t ; ng:sourceArticleCount n_x,t ;
        ng:targetArticleCount n_y,t ; ng:npmi … ; ng:jaccard … .

Edge IRIs are derived from the two entities (and the period), so writing the same network again
gives the same graph; the graph is replaced as a whole. Tested in tests/test_materialize.py and
tests/test_dynamic.py.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import pyoxigraph as ox
from newsgraph.cooccurrence.network import Network
from newsgraph.store.base import Store
from newsgraph.vocab.namespaces import NG, RDF, XSD, Minter

if TYPE_CHECKING:
    from newsgraph.cooccurrence.dynamic import DynamicNetwork

__all__ = ["edge_quads", "materialize", "materialize_periods", "period_quads"]


def _literal(value: object, datatype: str) -> ox.Literal:
    text = repr(value) if isinstance(value, float) else str(value)
    return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))


def edge_quads(network: Network, graph: str, iris: Minter) -> list[ox.Quad]:
    """The quads describing ``network`` in ``graph``."""
    name = ox.NamedNode(graph)
    ng = {term: ox.NamedNode(NG + term) for term in (
        "Cooccurrence", "CooccurrenceWindow", "window", "source", "target", "articleCount",
        "sourceArticleCount", "targetArticleCount", "npmi", "jaccard", "since", "until",
        "topic", "entityType", "aroundEntity", "minCount")}  # fmt: skip
    a = ox.NamedNode(RDF + "type")
    window = ox.NamedNode(iris.cooccurrence_node(graph, "window"))
    quads = [
        ox.Quad(window, a, ng["CooccurrenceWindow"], name),
        ox.Quad(window, ng["articleCount"], _literal(network.articles, "integer"), name),
        ox.Quad(window, ng["minCount"], _literal(network.options.min_count, "integer"), name),
    ]
    bounds = network.options.window.describe()
    for key, term in (("since", "since"), ("until", "until")):
        if bounds[key]:
            quads.append(ox.Quad(window, ng[term], _literal(bounds[key], "dateTime"), name))
    for key, term in (("topic", "topic"), ("type", "entityType")):
        if bounds[key]:
            quads.append(ox.Quad(window, ng[term], ox.NamedNode(bounds[key]), name))
    if network.options.entity:
        entity = ox.NamedNode(network.options.entity)
        quads.append(ox.Quad(window, ng["aroundEntity"], entity, name))
    for edge in network.edges:
        node = ox.NamedNode(iris.cooccurrence_node(graph, _edge_part(edge.source, edge.target)))
        quads += [
            ox.Quad(node, a, ng["Cooccurrence"], name),
            ox.Quad(node, ng["window"], window, name),
            ox.Quad(node, ng["source"], ox.NamedNode(edge.source), name),
            ox.Quad(node, ng["target"], ox.NamedNode(edge.target), name),
            ox.Quad(node, ng["articleCount"], _literal(edge.count, "integer"), name),
            ox.Quad(node, ng["sourceArticleCount"], _literal(edge.source_count, "integer"), name),
            ox.Quad(node, ng["targetArticleCount"], _literal(edge.target_count, "integer"), name),
            ox.Quad(node, ng["npmi"], _literal(edge.npmi, "double"), name),
            ox.Quad(node, ng["jaccard"], _literal(edge.jaccard, "double"), name),
        ]
    return quads


def _edge_part(source: str, target: str) -> str:
    return "edge-" + hashlib.sha256(f"{source} {target}".encode()).hexdigest()[:20]


def period_quads(network: DynamicNetwork, graph: str, iris: Minter) -> list[ox.Quad]:
    """The quads describing the periods of ``network`` and their edges in ``graph``."""
    name = ox.NamedNode(graph)
    ng = {term: ox.NamedNode(NG + term) for term in (
        "CooccurrencePeriod", "PeriodCooccurrence", "window", "periodOf", "periodKind",
        "periodLabel", "wholeEdge", "since", "until", "source", "target", "articleCount",
        "sourceArticleCount", "targetArticleCount", "npmi", "jaccard")}  # fmt: skip
    a = ox.NamedNode(RDF + "type")
    window = ox.NamedNode(iris.cooccurrence_node(graph, "window"))
    quads = []
    for frame in network.frames:
        bounds = frame.period.window().describe()
        label = frame.period.label
        period = ox.NamedNode(iris.cooccurrence_node(graph, f"period-{label}"))
        quads += [
            ox.Quad(period, a, ng["CooccurrencePeriod"], name),
            ox.Quad(period, ng["periodOf"], window, name),
            ox.Quad(period, ng["periodKind"], ox.Literal(network.kind), name),
            ox.Quad(period, ng["periodLabel"], ox.Literal(label), name),
            ox.Quad(period, ng["since"], _literal(bounds["since"], "dateTime"), name),
            ox.Quad(period, ng["until"], _literal(bounds["until"], "dateTime"), name),
            ox.Quad(period, ng["articleCount"], _literal(frame.articles, "integer"), name),
        ]
        for edge in frame.edges:
            part = _edge_part(edge.source, edge.target)
            node = ox.NamedNode(iris.cooccurrence_node(graph, f"{part}-{label}"))
            whole = ox.NamedNode(iris.cooccurrence_node(graph, part))
            quads += [
                ox.Quad(node, a, ng["PeriodCooccurrence"], name),
                ox.Quad(node, ng["window"], period, name),
                ox.Quad(node, ng["wholeEdge"], whole, name),
                ox.Quad(node, ng["source"], ox.NamedNode(edge.source), name),
                ox.Quad(node, ng["target"], ox.NamedNode(edge.target), name),
                ox.Quad(node, ng["articleCount"], _literal(edge.count, "integer"), name),
                ox.Quad(
                    node, ng["sourceArticleCount"], _literal(edge.source_count, "integer"), name
                ),
                ox.Quad(
                    node, ng["targetArticleCount"], _literal(edge.target_count, "integer"), name
                ),
                ox.Quad(node, ng["npmi"], _literal(edge.npmi, "double"), name),
                ox.Quad(node, ng["jaccard"], _literal(edge.jaccard, "double"), name),
            ]
    return quads


def materialize_periods(
    store: Store, network: Network, periods: DynamicNetwork, graph: str, iris: Minter
) -> int:
    """Replace ``graph`` with the whole window's network and its periods' edges; return the
    quads written."""
    quads = edge_quads(network, graph, iris) + period_quads(periods, graph, iris)
    store.replace_graphs([graph], quads)
    return len(quads)


def materialize(store: Store, network: Network, graph: str, iris: Minter) -> int:
    """Replace ``graph`` in ``store`` with the network's edges; return the quads written."""
    quads = edge_quads(network, graph, iris)
    store.replace_graphs([graph], quads)
    return len(quads)
