"""The network as RDF in a named graph, so that researchers can join it in SPARQL.

Terms (``ng:`` = ``https://w3id.org/newsgraph/ns#``, documented in ``vocab/ontology.ttl``)::

    <graph#window> a ng:CooccurrenceWindow ; ng:articleCount N ;
        ng:since …, ng:until … (xsd:dateTime) ; ng:topic … ; ng:entityType … ;
        ng:aroundEntity … ; ng:minCount … .
    <graph#edge-…> a ng:Cooccurrence ; ng:window <graph#window> ;
        ng:source x ; ng:target y ;            # x < y by code point, as in the CSV
        ng:articleCount n_xy ; ng:sourceArticleCount n_x ; ng:targetArticleCount n_y ;
        ng:npmi … ; ng:jaccard … (xsd:double) .

Edge IRIs are derived from the two entities, so writing the same network again gives the same
graph; the graph is replaced as a whole.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
from newsgraph.cooccurrence.network import Network
from newsgraph.store.base import Store
from newsgraph.vocab.namespaces import NG, RDF, XSD, Minter

__all__ = ["edge_quads", "materialize"]


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
        digest = hashlib.sha256(f"{edge.source} {edge.target}".encode()).hexdigest()[:20]
        node = ox.NamedNode(iris.cooccurrence_node(graph, f"edge-{digest}"))
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


def materialize(store: Store, network: Network, graph: str, iris: Minter) -> int:
    """Replace ``graph`` in ``store`` with the network's edges; return the quads written."""
    quads = edge_quads(network, graph, iris)
    store.replace_graphs([graph], quads)
    return len(quads)
