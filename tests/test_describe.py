"""What an IRI dereferences to as RDF, and every serialisation of it saying the same."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from newsgraph.ingest import ingest
from newsgraph.pages import describe
from newsgraph.settings import load_settings
from newsgraph.store import EmbeddedStore
from newsgraph.vocab.namespaces import SCHEMA, XSD, Minter
from rdflib import Graph
from rdflib.compare import isomorphic

from tests.conftest import BASE
from tests.page_records import MANY, MARKUP_SLUG, write_page_records

IRIS = Minter(BASE)
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    directory = tmp_path_factory.mktemp("describe")
    settings = load_settings(store=str(directory / "store"), base=BASE)
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as opened:
        ingest([str(write_page_records(directory))], opened, settings)
        yield opened


def as_rdflib(triples: list[ox.Triple]) -> Graph:
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def test_an_article_is_its_graph_plus_the_names_of_what_it_links_to(store: EmbeddedStore) -> None:
    iri = IRIS.article(MARKUP_SLUG)
    triples = describe.describe(store, iri, IRIS)
    own = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in store.raw.quads_for_pattern(None, None, None, ox.NamedNode(iri))
    }
    assert own <= set(triples) and len(triples) == len(set(triples))
    named = {t.subject.value for t in triples if t.predicate.value == SCHEMA + "name"}
    assert {IRIS.entity("kazakhstan"), IRIS.publisher("markup.example.org")} <= named
    linked = {t.object for t in own if t.subject.value == iri}
    added = set(triples) - own
    assert {t.subject for t in added} <= linked
    assert {t.predicate.value for t in added} == {SCHEMA + "name", describe.RDF + "type"}


def test_an_entity_is_its_statements_plus_what_points_to_it(store: EmbeddedStore) -> None:
    iri = IRIS.entity("kazakhstan")
    triples = describe.describe(store, iri, IRIS)
    mentions = [t for t in triples if t.predicate.value == SCHEMA + "mentions"]
    assert len(mentions) == MANY + 1 and all(t.object.value == iri for t in mentions)
    assert any(t.subject.value == iri and t.predicate.value == SCHEMA + "name" for t in triples)
    assert describe.describe(store, IRIS.entity("nobody"), IRIS) == []


@pytest.mark.parametrize("media_type", list(describe.MEDIA_TYPES))
def test_every_format_says_the_same(store: EmbeddedStore, media_type: str) -> None:
    for iri in (IRIS.article(MARKUP_SLUG), IRIS.entity("kazakhstan"), IRIS.topic("energy")):
        triples = describe.describe(store, iri, IRIS)
        body = describe.serialise(triples, media_type, describe.prefixes_for(IRIS))
        parsed = Graph().parse(data=body, format=RDFLIB_FORMATS[media_type])
        assert isomorphic(parsed, as_rdflib(triples)), (media_type, iri)


def test_jsonld_keeps_languages_datatypes_blank_nodes_and_odd_iris() -> None:
    subject = ox.NamedNode(BASE + "entity/odd")
    blank = ox.BlankNode("b1")
    triples = [
        ox.Triple(subject, ox.NamedNode(SCHEMA + "name"), ox.Literal("Ödd", language="de")),
        ox.Triple(subject, ox.NamedNode(SCHEMA + "name"), ox.Literal("Odd")),
        ox.Triple(subject, ox.NamedNode(SCHEMA + "foundingDate"),
                  ox.Literal("1991-12-16", datatype=ox.NamedNode(XSD + "date"))),
        ox.Triple(subject, ox.NamedNode(SCHEMA + "identifier"), blank),
        ox.Triple(blank, ox.NamedNode(SCHEMA + "value"), ox.Literal("42")),
        ox.Triple(subject, ox.NamedNode("urn:x:predicate"), ox.NamedNode("urn:x:object")),
        ox.Triple(subject, ox.NamedNode(describe.RDF + "type"), ox.NamedNode("http://example.org/T")),
    ]  # fmt: skip
    body = describe.serialise(triples, "application/ld+json", describe.prefixes_for(IRIS))
    document = json.loads(body)
    assert document["@context"] == {"schema": SCHEMA}
    assert isomorphic(Graph().parse(data=body, format="json-ld"), as_rdflib(triples))


def test_turtle_declares_only_the_prefixes_it_uses(store: EmbeddedStore) -> None:
    triples = describe.describe(store, IRIS.entity("astana"), IRIS)
    body = describe.serialise(triples, "text/turtle", describe.prefixes_for(IRIS)).decode()
    assert "@prefix schema:" in body and "@prefix entity:" in body
    assert "@prefix wd:" not in body and "@prefix owl:" not in body
