"""The pinned mapping, checked as graphs (never as strings)."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime

import pyoxigraph as ox
from newsgraph import jsonld, mapping
from newsgraph.records import Prepared, prepare
from newsgraph.vocab.namespaces import Minter
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from tests.conftest import SEED, record, shared_file

IRIS = Minter("http://n.example/")
S = "http://schema.org/"


def _graph_of(document: dict, graph_iri: str) -> Graph:
    dataset = Dataset()
    nquads = jsonld.to_nquads(document)
    dataset.parse(data=nquads, format="nquads")
    return dataset.graph(URIRef(graph_iri))


#: A small record with every kind of field, and the graph the mapping pins for it (written by
#: hand: the oracle of the mapping's table, for each of its writers).
SMALL = record(
    "s1",
    title="A <b>title</b>",
    summary="Sum",
    body_md="# T\n\nSee [x](https://cite.example/x).",
    url="https://pub.example/news/s1",
    canonical_source="https://orig.example/s1",
    published_at="2026-01-02 03:04:05",
    updated_at="2026-01-03T00:00:00+02:00",
    topics=["ai-policy"],
    entities=["Kazakhstan"],
    alternates={"markdown": "https://pub.example/news/s1.md"},
)
SMALL_GRAPH = """
    @prefix s: <http://schema.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    @prefix ng: <https://w3id.org/newsgraph/ns#> .
    <http://n.example/article/s1> a s:NewsArticle ;
      s:identifier "s1" ; s:headline "A <b>title</b>" ; s:description "Sum" ;
      s:articleBody "T\\n\\nSee x." ;
      s:encoding <http://n.example/article/s1#markdown>, <http://n.example/article/s1#alternate-markdown> ;
      s:citation <https://cite.example/x> ;
      s:url <https://pub.example/news/s1> ; s:mainEntityOfPage <https://pub.example/news/s1> ;
      s:isBasedOn <https://orig.example/s1> ;
      s:publisher <http://n.example/publisher/pub.example> ;
      s:datePublished "2026-01-02T03:04:05Z"^^xsd:dateTime ;
      s:dateModified "2026-01-03T00:00:00+02:00"^^xsd:dateTime ;
      s:inLanguage "en" ;
      s:about <http://n.example/topic/ai-policy> ; s:keywords "ai-policy" ;
      %s
      ng:entityName "Kazakhstan" ; ng:recordHash "d1" .
    <http://n.example/article/s1#markdown> a s:MediaObject ; s:encodingFormat "text/markdown" ;
      s:text "# T\\n\\nSee [x](https://cite.example/x)." .
    <http://n.example/article/s1#alternate-markdown> a s:MediaObject ;
      s:encodingFormat "text/markdown" ; s:contentUrl <https://pub.example/news/s1.md> .
    """


def small_prepared() -> Prepared:
    """:data:`SMALL`, prepared, with the digest ``d1``."""
    return dataclasses.replace(prepare(SMALL, "x:1"), digest="d1")


def small_graph(mentions: str = "") -> Graph:
    return Graph().parse(format="turtle", data=SMALL_GRAPH % mentions)


def test_small_record_maps_to_the_expected_graph() -> None:
    node = mapping.article_node(small_prepared(), IRIS, ["http://n.example/entity/kazakhstan"])
    document = {"@context": jsonld.CONTEXT_IRI, **mapping.article_graph(node)}
    actual = _graph_of(document, "http://n.example/article/s1")
    expected = small_graph("s:mentions <http://n.example/entity/kazakhstan> ;")
    assert isomorphic(actual, expected), actual.serialize(format="turtle")


def test_shared_nodes_describe_topics_and_publisher() -> None:
    r = prepare(record("s2", url="https://Pub.Example/a", topics=["energy"]), "x:1").record
    nodes = {n["@id"]: n for n in mapping.shared_nodes(r, IRIS)}
    assert nodes["http://n.example/topic/energy"]["@type"] == "DefinedTerm"
    assert nodes["http://n.example/publisher/pub.example"] == {
        "@id": "http://n.example/publisher/pub.example",
        "@type": "Organization",
        "name": "pub.example",
        "url": "https://pub.example/",
    }


def test_shared_nodes_built_once_follow_the_scheme_and_the_dataset() -> None:
    """The nodes are built once per topic and publisher; a record reads the one of its own
    URL's scheme and of its own dataset (control: the first record's nodes are handed again
    to the second, which shares both)."""
    first = prepare(record("s3", url="https://pub.example/a", topics=["oil"]), "x:1").record
    same = prepare(record("s4", url="https://PUB.example/b", topics=["oil"]), "x:2").record
    plain = prepare(record("s5", url="http://pub.example/c", topics=["oil"]), "x:3").record
    assert [id(n) for n in mapping.shared_nodes(same, IRIS)] == [
        id(n) for n in mapping.shared_nodes(first, IRIS)
    ]
    assert mapping.shared_nodes(plain, IRIS)[1]["url"] == "http://pub.example/"
    other = mapping.shared_nodes(first, Minter("http://other.example/"))
    assert [n["@id"] for n in other] == [
        "http://other.example/topic/oil",
        "http://other.example/publisher/pub.example",
    ]


def test_no_https_schema_iris_and_dates_carry_a_zone() -> None:
    seed = prepare(json.loads(shared_file(SEED).read_text()), "seed:1")
    quads = jsonld.to_quads(mapping.document(seed, IRIS, ["http://n.example/entity/x"]))
    for quad in quads:
        for term in (quad.predicate, quad.object):
            assert not (
                isinstance(term, ox.NamedNode) and term.value.startswith("https://schema.org")
            )
        if quad.predicate.value in (S + "datePublished", S + "dateModified"):
            assert quad.object.datatype.value.endswith("#dateTime")
            assert quad.object.value.endswith(("Z", "+00:00")) or "+" in quad.object.value[19:]


#: xsd:dateTime's lexical space (XML Schema 1.1 part 2, 3.3.7): a year of four digits at least.
_XSD_DATE_TIME = re.compile(
    r"-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-][01][0-9]:[0-5][0-9])"
)


def test_every_year_is_written_as_an_xsd_datetime_that_sorts_as_its_instant() -> None:
    """Years before 1000 too: ``987-03-01T…`` is no xsd:dateTime, and sorted after 2026."""
    published = ["0987-03-01T00:00:00Z", "0099-01-01T10:00:00+02:00", "1666-09-02T01:00:00Z",
                 "2026-01-02T03:04:05.5Z", "2400-02-29T12:00:00-05:00", "9999-12-31T23:59:59Z"]  # fmt: skip
    assert not _XSD_DATE_TIME.fullmatch("987-03-01T00:00:00Z")  # the control
    store = ox.Store()
    for index, moment in enumerate(published):
        prepared = prepare(record(f"s{index}", published_at=moment), f"x:{index}")
        store.extend(jsonld.to_quads(mapping.document(prepared, IRIS, [])))
    rows = store.query(
        "SELECT ?d WHERE { ?a <http://schema.org/datePublished> ?d } ORDER BY ?d ?a",
        use_default_graph_as_union=True,
    )
    written = [row[0].value for row in rows]
    assert all(_XSD_DATE_TIME.fullmatch(text) for text in written), written
    instants = [datetime.fromisoformat(text.replace("Z", "+00:00")) for text in written]
    assert instants == sorted(datetime.fromisoformat(t.replace("Z", "+00:00")) for t in published)
