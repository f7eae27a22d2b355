"""Exported NewsArticle documents: schema.org only, in domain, zoned dates, the graph's triples."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from newsgraph.export.document import article_document, store_documents
from newsgraph.export.rdf import document_triples, read_dates, reference_triples
from newsgraph.settings import Settings, load_settings
from newsgraph.store import EmbeddedStore
from newsgraph.vocab.namespaces import RDF, SCHEMA, XSD
from pyld import jsonld as pyld
from rdflib import Graph
from rdflib.compare import isomorphic

from tests.conftest import BASE
from tests.exportdata import (
    HOSTILE_TITLE,
    build_store,
    real_context,
    varied_records,
    vocabulary,
    walk,
)

#: What the graph says about an article and the shared nodes it links to, as the export
#: should carry it — written here independently of the exporter.
EXPECTED = """
PREFIX schema: <http://schema.org/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
CONSTRUCT { ?s ?p ?o } WHERE {
  { GRAPH ?article { ?s ?p ?o } BIND(?article AS ?g) }
  UNION
  { GRAPH ?article { ?x ?link ?s } GRAPH ?g { ?s ?p ?o } }
  FILTER(?g = ?article || ((?g = ?entities || ?g = ?terms) && ?p IN (
    rdf:type, schema:name, schema:alternateName, schema:description, schema:sameAs, schema:url,
    schema:identifier, schema:termCode, schema:inDefinedTermSet)))
  FILTER(STRSTARTS(STR(?p), "http://schema.org/") || ?p = rdf:type)
  FILTER(?p != rdf:type || STRSTARTS(STR(?o), "http://schema.org/"))
}
"""


class Exported:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        with EmbeddedStore(settings.store_path) as store:
            self.documents = dict(store_documents(store, settings.minter))
            iris = settings.minter
            self.expected = {
                slug: list(
                    store.construct(
                        EXPECTED,
                        {
                            "article": ox.NamedNode(iris.article(slug)),
                            "entities": ox.NamedNode(iris.entities_graph),
                            "terms": ox.NamedNode(iris.terms_graph),
                        },
                    )
                )
                for slug in self.documents
            }


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    tmp_path = tmp_path_factory.mktemp("export-document")
    settings = load_settings(store=str(tmp_path / "store"), base=BASE)
    build_store(tmp_path, settings, varied_records())
    return Exported(settings)


def rdflib_graph(triples: Iterable[ox.Triple]) -> Graph:
    """Triples as an rdflib graph, by way of N-Triples (independent of the exporter's code)."""
    text = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
    return Graph().parse(data=text.decode("utf-8"), format="nt")


def test_each_document_is_one_news_article_with_schema_orgs_context(exported: Exported) -> None:
    assert set(exported.documents) == {r["slug"] for r in varied_records()}
    for slug, document in exported.documents.items():
        assert isinstance(document, dict)
        assert document["@context"] == "https://schema.org"
        assert document["@type"] == "NewsArticle"
        assert document["@id"] == exported.settings.minter.article(slug)


def test_every_key_is_a_schema_org_property_and_every_type_a_class(exported: Exported) -> None:
    vocab = vocabulary()
    for document in exported.documents.values():
        for key, value in walk(document):
            if key == "@type":
                for name in value if isinstance(value, list) else [value]:
                    assert SCHEMA + name in vocab.superclasses, f"{name} is not a schema.org class"
            elif not key.startswith("@"):
                assert SCHEMA + key in vocab.domains, f"{key} is not a schema.org property"


def test_every_property_sits_on_a_node_whose_type_is_in_its_domain(exported: Exported) -> None:
    vocab = vocabulary()
    for slug, document in exported.documents.items():
        graph = document_triples(document)
        types: dict[str, set[str]] = {}
        for t in graph:
            if t.predicate.value == RDF + "type":
                types.setdefault(t.subject.value, set()).add(t.object.value)
        for t in graph:
            if t.predicate.value == RDF + "type":
                continue
            node_types = types.get(t.subject.value, set())
            assert node_types, f"{slug}: {t.subject} has properties but no type"
            assert vocab.within_domain(node_types, t.predicate.value), (
                f"{slug}: {t.predicate.value} is not in the domain of {node_types}"
            )


def test_dates_are_iso_8601_with_a_time_zone(exported: Exported) -> None:
    seen = 0
    for document in exported.documents.values():
        for key, value in walk(document):
            if key in ("datePublished", "dateModified"):
                assert isinstance(value, str)
                assert datetime.fromisoformat(value).tzinfo is not None, value
                assert value.endswith("Z") or value[-6] in "+-", value
                seen += 1
    assert seen == 7  # five datePublished, two dateModified
    assert exported.documents["unicode"]["datePublished"] == "2026-03-01T09:30:00+05:45"
    assert exported.documents["bare"]["datePublished"] == "1987-02-26T15:01:01.79Z"


def test_a_document_read_back_gives_exactly_the_graphs_triples(exported: Exported) -> None:
    for slug, document in exported.documents.items():
        expected = rdflib_graph(exported.expected[slug])
        assert len(expected) >= 4
        assert isomorphic(rdflib_graph(document_triples(document)), expected), slug


def test_with_schema_orgs_own_context_only_the_date_type_differs(exported: Exported) -> None:
    """The date decision: plain ISO strings become schema:Date under schema.org's context."""
    schema_date = SCHEMA + "Date"
    for slug in ("authors", "bare"):
        document = copy.deepcopy(exported.documents[slug])
        document["@context"] = real_context()
        text = pyld.to_rdf(document, {"format": "application/n-quads"})
        raw = list(ox.parse(text, format=ox.RdfFormat.N_QUADS))
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in raw]
        dated = [t for t in triples if isinstance(t.object, ox.Literal)
                 and t.object.datatype.value == schema_date]  # fmt: skip
        assert {t.predicate.value for t in dated} <= {
            SCHEMA + "datePublished",
            SCHEMA + "dateModified",
        }
        assert dated, "schema.org's context types the dates as schema:Date"
        held = {(t.predicate.value, t.object.value) for t in exported.expected[slug]
                if isinstance(t.object, ox.Literal) and t.object.datatype.value == XSD + "dateTime"}  # fmt: skip
        assert {(t.predicate.value, t.object.value) for t in dated} == held
        expected = rdflib_graph(exported.expected[slug])
        assert not isomorphic(rdflib_graph(triples), expected)
        assert isomorphic(rdflib_graph(read_dates(triples)), expected), slug


def test_the_reference_processor_agrees(exported: Exported) -> None:
    for document in exported.documents.values():
        fast = rdflib_graph(document_triples(document))
        assert isomorphic(fast, rdflib_graph(reference_triples(document)))


def as_set(value: Any) -> set[str]:
    return set(value) if isinstance(value, list) else {value}


def test_linked_entities_are_nested_with_type_name_and_same_as(exported: Exported) -> None:
    mentions = exported.documents["markup"]["mentions"]
    by_name = {m["name"]: m for m in mentions}
    kazakhstan = by_name["Kazakhstan"]
    assert kazakhstan["@id"] == f"{BASE}entity/kazakhstan"
    assert {"Country", "Place"} <= as_set(kazakhstan["@type"])
    assert "https://www.geonames.org/1522867/" in as_set(kazakhstan["sameAs"])
    acme = by_name["<Acme & Co>"]
    assert acme["@id"].startswith(f"{BASE}entity/") and acme["@type"] and "sameAs" not in acme
    publisher = exported.documents["markup"]["publisher"]
    assert publisher["@type"] == "Organization" and publisher["name"] == "news.example.org"
    about = exported.documents["markup"]["about"]
    assert about["@type"] == "DefinedTerm" and about["name"] == "<Markup & Topics>"


def test_our_own_terms_stay_internal(exported: Exported) -> None:
    for document in exported.documents.values():
        text = json.dumps(document)
        for internal in ("w3id.org/newsgraph/ns", "recordHash", "entityName", "linkScore",
                         "foundInText", "sameAsSource", "NameLink", "owl", "dbpedia"):  # fmt: skip
            assert internal not in text


def test_nothing_is_invented(exported: Exported) -> None:
    bare = exported.documents["bare"]
    assert set(bare) == {"@context", "@type", "@id", "headline", "datePublished", "identifier"}
    authors = exported.documents["authors"]
    assert [a["name"] for a in authors["author"]] == ["Ann <Writer>", "Bob"]
    assert authors["author"][0]["url"] == "https://people.example/ann"
    assert "url" not in authors["author"][1]
    assert authors["image"] == ["https://img.example/a.jpg", "https://img.example/b.png?x=1&y=2"]
    assert exported.documents["markup"]["headline"] == HOSTILE_TITLE


def _synthetic() -> tuple[str, dict[str, list[tuple[str, Any]]]]:
    article = "http://n.example/article/odd"
    author = ox.BlankNode("writer")
    xsd = XSD
    own: dict[str, list[tuple[str, Any]]] = {
        article: [
            (RDF + "type", ox.NamedNode(SCHEMA + "NewsArticle")),
            (RDF + "type", ox.NamedNode("http://example.org/other#Type")),
            (SCHEMA + "headline", ox.Literal("Überschrift", language="de")),
            (
                SCHEMA + "datePublished",
                ox.Literal("2026-01-02", datatype=ox.NamedNode(xsd + "date")),
            ),
            (SCHEMA + "dateModified", ox.Literal("soon")),
            (SCHEMA + "wordCount", ox.Literal("42", datatype=ox.NamedNode(xsd + "integer"))),
            (SCHEMA + "url", ox.Literal("not an IRI")),
            (SCHEMA + "citation", ox.NamedNode("https://cited.example/")),
            (SCHEMA + "backstory", ox.Literal("a term outside the subset context")),
            (SCHEMA + "author", author),
        ],
        f"_:{author.value}": [
            (RDF + "type", ox.NamedNode(SCHEMA + "Person")),
            (SCHEMA + "name", ox.Literal("W")),
        ],
    }
    return article, own


def test_unusual_values_keep_their_meaning_under_both_contexts() -> None:
    article, own = _synthetic()
    region = "http://n.example/entity/region"
    own[article].append((SCHEMA + "mentions", ox.NamedNode(region)))
    shared = {
        region: [
            (RDF + "type", ox.NamedNode(SCHEMA + "AdministrativeArea")),  # outside the subset
            (SCHEMA + "name", ox.Literal("Region")),
            (SCHEMA + "containedInPlace", ox.NamedNode("http://n.example/entity/x")),
        ]
    }
    document = article_document(article, own, shared)
    assert document["mentions"] == {"@type": "AdministrativeArea", "@id": region, "name": "Region"}
    expected = [
        ox.Triple(ox.NamedNode(article) if key == article else ox.BlankNode(key[2:]),
                  ox.NamedNode(p), o)
        for key, props in own.items() for p, o in props
        if not (isinstance(o, ox.NamedNode) and o.value.startswith("http://example.org/"))
    ] + [ox.Triple(ox.NamedNode(region), ox.NamedNode(p), o) for p, o in shared[region][:2]]  # fmt: skip
    assert isomorphic(rdflib_graph(document_triples(document)), rdflib_graph(expected))
    under_real = copy.deepcopy(document)
    under_real["@context"] = real_context()
    text = pyld.to_rdf(under_real, {"format": "application/n-quads"})
    quads = ox.parse(text, format=ox.RdfFormat.N_QUADS)
    real = read_dates(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    assert isomorphic(rdflib_graph(real), rdflib_graph(expected))


def test_the_exporter_reads_the_store_not_the_input_files(tmp_path: Path) -> None:
    settings = load_settings(store=str(tmp_path / "store"), base=BASE)
    build_store(tmp_path, settings, varied_records()[:1])
    (tmp_path / "records.jsonl").unlink()
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as store:
        store.update(
            "PREFIX schema: <http://schema.org/> DELETE { GRAPH ?g { ?a schema:headline ?h } } "
            'INSERT { GRAPH ?g { ?a schema:headline "Edited in the graph" } } '
            "WHERE { GRAPH ?g { ?a schema:headline ?h } }"
        )
        documents = dict(store_documents(store, settings.minter))
    assert documents["markup"]["headline"] == "Edited in the graph"
