"""The SPARQL 1.1 Service Description of ``/sparql``, answered to a GET without a query.

It says what a client may rely on: the endpoint's own URL (as the client reached it), the
languages (SPARQL 1.1 Query, and Update when enabled), every result format offered, the union
default graph, federation only when enabled, the simple entailment regime, and where the VoID
description with the dataset's counts lives.
"""

from __future__ import annotations

import pyoxigraph as ox
from newsgraph.settings import Settings
from newsgraph.vocab.namespaces import RDF, RDFS, SD, VOID

FORMATS = "http://www.w3.org/ns/formats/"
ENTAILMENT = "http://www.w3.org/ns/entailment/"
#: Prefixes for the formats that abbreviate IRIs.
PREFIXES = {"sd": SD, "void": VOID, "rdfs": RDFS, "formats": FORMATS, "entailment": ENTAILMENT}

#: Result formats, by W3C format IRI (http://www.w3.org/ns/formats/).
RESULT_FORMATS = [
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
    "N-Quads",
    "TriG",
]


def describe(endpoint: str, void_url: str, settings: Settings) -> list[ox.Triple]:
    """The description of the endpoint at ``endpoint`` as triples."""
    service = ox.NamedNode(endpoint + "#service")
    dataset = ox.NamedNode(void_url + "#dataset")
    graph = ox.BlankNode("defaultGraph")

    def sd(term: str) -> ox.NamedNode:
        return ox.NamedNode(SD + term)

    a = ox.NamedNode(RDF + "type")
    triples = [
        ox.Triple(service, a, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultEntailmentRegime"), ox.NamedNode(ENTAILMENT + "Simple")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(service, ox.NamedNode(RDFS + "label"), ox.Literal("newsgraph SPARQL endpoint")),
        ox.Triple(dataset, a, sd("Dataset")),
        ox.Triple(dataset, a, ox.NamedNode(VOID + "Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), graph),
        ox.Triple(dataset, ox.NamedNode(RDFS + "seeAlso"), ox.NamedNode(void_url)),
        ox.Triple(graph, a, sd("Graph")),
        ox.Triple(
            graph,
            ox.NamedNode(RDFS + "comment"),
            ox.Literal("The union of all named graphs: one per article, plus entities and terms."),
        ),
    ]
    if settings.allow_update:
        triples.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    if settings.allow_service:
        triples.append(ox.Triple(service, sd("feature"), sd("BasicFederatedQuery")))
    triples += [
        ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + name))
        for name in RESULT_FORMATS
    ]
    return triples
