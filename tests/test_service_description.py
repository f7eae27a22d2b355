"""The service description at GET ``/sparql``, checked by the W3C service-description tests.

The W3C manifest names three tests without machine-readable detail; each is implemented here
from the SPARQL 1.1 Service Description recommendation: the description is RDF (in every format
offered, the same graph), it has an ``sd:endpoint`` triple naming the URL the client used, and
it conforms to the vocabulary's schema (terms, domains, ranges, required properties).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from newsgraph.api import service_description
from newsgraph.settings import load_settings
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from tests.conftest import SHARED, Server, sample_store, start_server

MANIFEST = SHARED / "data/w3c-sparql11/sparql/sparql11/service-description/manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
RDF_FORMATS = {"text/turtle": "turtle", "application/rdf+xml": "xml",
               "application/n-triples": "nt", "application/ld+json": "json-ld"}  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sample_template: Path) -> Iterator[Server]:
    running = start_server(sample_store(tmp_path_factory.mktemp("sd") / "store", sample_template))
    yield running
    running.stop()


def fetch(server: Server, accept: str | None = None, host: str | None = None) -> Graph:
    headers = {"Accept": accept} if accept else {}
    if host:
        headers["Host"] = host
    response = httpx.get(server.sparql, headers=headers)
    assert response.status_code == 200, response.text
    media_type = response.headers["content-type"].split(";")[0]
    assert media_type in RDF_FORMATS
    return Graph().parse(data=response.content, format=RDF_FORMATS[media_type])


def returns_rdf(server: Server) -> None:
    graphs = [fetch(server, accept) for accept in [None, *RDF_FORMATS, "*/*",
              "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"]]  # fmt: skip
    assert len(graphs[0]) > 10
    assert all(isomorphic(graphs[0], graph) for graph in graphs[1:])


def has_endpoint_triple(server: Server) -> None:
    assert (None, SD.endpoint, URIRef(server.sparql)) in fetch(server)
    proxied = fetch(server, host="sparql.example.org:8443")
    assert (None, SD.endpoint, URIRef("http://sparql.example.org:8443/sparql")) in proxied


#: The SD vocabulary: property → (domain, range class or None for "an IRI").
PROPERTIES = {
    SD.endpoint: (SD.Service, None),
    SD.feature: (SD.Service, SD.Feature),
    SD.defaultEntailmentRegime: (SD.Service, SD.EntailmentRegime),
    SD.supportedEntailmentProfile: (SD.Service, SD.EntailmentProfile),
    SD.extensionFunction: (SD.Service, SD.Function),
    SD.extensionAggregate: (SD.Service, SD.Aggregate),
    SD.languageExtension: (SD.Service, SD.Feature),
    SD.supportedLanguage: (SD.Service, SD.Language),
    SD.propertyFeature: (SD.Service, SD.Feature),
    SD.defaultDataset: (SD.Service, SD.Dataset),
    SD.availableGraphs: (SD.Service, SD.GraphCollection),
    SD.resultFormat: (SD.Service, None),
    SD.inputFormat: (SD.Service, None),
    SD.defaultGraph: (SD.Dataset, SD.Graph),
    SD.namedGraph: (SD.GraphCollection, SD.NamedGraph),
    SD.name: (SD.NamedGraph, None),
    SD.graph: (SD.NamedGraph, SD.Graph),
    SD.entailmentRegime: (None, SD.EntailmentRegime),
}
CLASSES = {SD.Service, SD.Feature, SD.Language, SD.Function, SD.Aggregate,
           SD.EntailmentRegime, SD.EntailmentProfile, SD.GraphCollection, SD.Dataset,
           SD.Graph, SD.NamedGraph}  # fmt: skip
#: Named instances the vocabulary defines, by class.
INSTANCES = {
    SD.Language: {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update},
    SD.Feature: {SD.DereferencesURIs, SD.UnionDefaultGraph, SD.RequiresDataset,
                 SD.EmptyGraphs, SD.BasicFederatedQuery},
}  # fmt: skip
#: Subclasses: a Dataset is a GraphCollection.
SUPERCLASSES = {SD.Dataset: {SD.GraphCollection}}
ENTAILMENT = "http://www.w3.org/ns/entailment/"


def _types(graph: Graph, node: object) -> set[object]:
    found = set(graph.objects(node, RDF.type))
    for kind in list(found):
        found |= SUPERCLASSES.get(kind, set())  # type: ignore[call-overload]
    for kind, members in INSTANCES.items():
        if node in members:
            found.add(kind)
    if isinstance(node, URIRef) and str(node).startswith(ENTAILMENT):
        found.add(SD.EntailmentRegime)
    return found


def schema_violations(graph: Graph) -> list[str]:
    problems = []
    for s, p, o in graph:
        if p == RDF.type and str(o).startswith(str(SD)) and o not in CLASSES:
            problems.append(f"unknown class {o}")
        if str(p).startswith(str(SD)):
            if p not in PROPERTIES:
                problems.append(f"unknown property {p}")
                continue
            domain, range_ = PROPERTIES[p]
            if domain is not None and domain not in _types(graph, s):
                problems.append(f"{s} {p}: subject is not a {domain}")
            if range_ is None and not isinstance(o, URIRef):
                problems.append(f"{s} {p} {o}: object is not an IRI")
            elif range_ is not None and range_ not in _types(graph, o):
                problems.append(f"{s} {p} {o}: object is not a {range_}")
    for service in graph.subjects(RDF.type, SD.Service):
        if len(list(graph.objects(service, SD.endpoint))) != 1:
            problems.append(f"{service} needs exactly one sd:endpoint")
        if not list(graph.objects(service, SD.supportedLanguage)):
            problems.append(f"{service} names no sd:supportedLanguage")
    for named in graph.subjects(RDF.type, SD.NamedGraph):
        if len(list(graph.objects(named, SD.name))) != 1:
            problems.append(f"{named} needs exactly one sd:name")
    return problems


def conforms_to_schema(server: Server) -> None:
    graph = fetch(server)
    assert len(list(graph.subjects(RDF.type, SD.Service))) == 1
    assert schema_violations(graph) == []


CHECKS: dict[str, Callable[[Server], None]] = {
    "returns-rdf": returns_rdf,
    "has-endpoint-triple": has_endpoint_triple,
    "conforms-to-schema": conforms_to_schema,
}


def _manifest_entries() -> list[str]:
    if not MANIFEST.exists():
        return []
    manifest = Graph().parse(MANIFEST, format="turtle")
    root = next(manifest.subjects(RDF.type, MF.Manifest))
    return [
        str(e).rpartition("#")[2] for e in Collection(manifest, manifest.value(root, MF.entries))
    ]


ENTRIES = _manifest_entries()


def test_every_manifest_entry_has_a_check() -> None:
    if not MANIFEST.exists():
        pytest.skip(f"{MANIFEST} is absent: this test reads the W3C suite in ../shared")
    assert sorted(ENTRIES) == sorted(CHECKS)


@pytest.mark.parametrize("entry", ENTRIES)
def test_w3c_service_description(server: Server, entry: str) -> None:
    CHECKS[entry](server)


def test_the_schema_check_finds_violations() -> None:
    bad = Graph()
    service = URIRef("http://x/#s")
    bad.add((service, RDF.type, SD.Service))
    bad.add((service, SD.feature, SD.NoSuchFeature))
    bad.add((service, SD.supportedLanguage, URIRef("http://x/SQL")))
    bad.add((service, SD.colour, URIRef("http://x/red")))
    assert len(schema_violations(bad)) == 4  # + the missing endpoint


def _described(**settings: object) -> Graph:
    triples = service_description.describe(
        "http://h/sparql", "http://h/.well-known/void", load_settings(**settings)
    )
    from newsgraph.sparql import results

    graph = Graph().parse(data=results.write_triples(triples, results.GRAPH_TYPES["text/turtle"]),
                          format="turtle")  # fmt: skip
    assert schema_violations(graph) == []
    return graph


def test_features_follow_the_settings() -> None:
    plain = _described()
    assert (None, SD.supportedLanguage, SD.SPARQL11Update) not in plain
    assert (None, SD.feature, SD.BasicFederatedQuery) not in plain
    assert (None, SD.feature, SD.UnionDefaultGraph) in plain
    both = _described(allow_update=True, allow_service=True)
    assert (None, SD.supportedLanguage, SD.SPARQL11Update) in both
    assert (None, SD.feature, SD.BasicFederatedQuery) in both


def test_result_formats_are_the_ones_served(server: Server) -> None:
    from newsgraph.api.routes.sparql import BOOLEAN_OFFERS, GRAPH_OFFERS, SOLUTION_OFFERS

    formats = {str(o).rpartition("/")[2] for o in fetch(server).objects(None, SD.resultFormat)}
    assert formats == set(service_description.RESULT_FORMATS)
    offered = set(SOLUTION_OFFERS + BOOLEAN_OFFERS + GRAPH_OFFERS)
    assert {"application/sparql-results+json", "text/tab-separated-values",
            "application/n-quads", "application/trig"} <= offered  # fmt: skip
