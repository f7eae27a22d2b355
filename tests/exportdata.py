"""Test data for the export tests: varied records in a store, and the schema.org vocabulary.

The records are built in code and meant to be awkward: markup and ``</script>`` in titles,
quotes, backslashes, non-Latin text, U+2028, offsets other than UTC, authors with and without
URLs, images, alternates, a record with almost nothing. After ingest, the entities graph is
enriched the way linking will (types, sameAs, and a term of our own that must stay internal).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from newsgraph.ingest import ingest
from newsgraph.settings import Settings
from newsgraph.store import EmbeddedStore
from newsgraph.vocab.namespaces import NG, OWL, RDF

from tests.conftest import SHARED, record, shared_file, write_jsonl

SCHEMA = "http://schema.org/"
VOCABULARY = SHARED / "data" / "schemaorg" / "schemaorg-current-https.jsonld"
REAL_CONTEXT = SHARED / "data" / "schemaorg" / "schemaorgcontext.jsonld"

HOSTILE_TITLE = '</script><script>alert("x")</script> <!-- A & B --> ]]> <b>bold</b>'


def varied_records() -> list[dict[str, Any]]:
    return [
        record("markup", title=HOSTILE_TITLE, summary="a < b > c & d </SCRIPT >",
               entities=["Kazakhstan", "<Acme & Co>"], topics=["<Markup & Topics>"]),
        record("unicode", title="Société Générale — 東京\u2028next", lang="fr",
               topics=["économie"], entities=["Société Générale", "東京"],
               published_at="2026-03-01T09:30:00+05:45"),
        record("authors", title='C:\\path "quoted" \'single\' \\u003c',
               author=[{"name": "Ann <Writer>", "url": "https://people.example/ann"}, "Bob"],
               image=["https://img.example/a.jpg", "https://img.example/b.png?x=1&y=2"],
               updated_at="2026-01-03T10:00:00-05:00", entities=["Kazakhstan"]),
        record("bare", url=None, summary=None, body_md=None, topics=[], entities=[], lang=None,
               published_at="1987-02-26 15:01:01.79"),
        record("alternates", alternates={"html": "https://news.example.org/alternates",
                                         "amp": "https://amp.example.org/alternates"},
               canonical_source="https://source.example/x?a=1&b=2", lang="pt-BR",
               updated_at="2026-01-05 00:00:00"),
    ]  # fmt: skip


def enrich_entities(store: EmbeddedStore, settings: Settings) -> None:
    """Describe an entity more richly than linking does: a second type, a second sameAs, and
    terms of other vocabularies that must stay internal."""
    iris = settings.minter
    entity = ox.NamedNode(iris.entity("kazakhstan"))
    facts = [
        (ox.NamedNode(RDF + "type"), ox.NamedNode(SCHEMA + "Place")),
        (ox.NamedNode(SCHEMA + "sameAs"), ox.NamedNode("https://www.geonames.org/1522867/")),
        (ox.NamedNode(NG + "linkScore"), ox.Literal("0.9")),
        (ox.NamedNode(OWL + "sameAs"), ox.NamedNode("http://dbpedia.org/resource/Kazakhstan")),
    ]
    triples = " ".join(f"{entity} {p} {o} ." for p, o in facts)
    store.update(f"INSERT DATA {{ GRAPH {ox.NamedNode(iris.entities_graph)} {{ {triples} }} }}")


def build_store(tmp_path: Path, settings: Settings, records: list[dict[str, Any]]) -> None:
    path = write_jsonl(tmp_path / "records.jsonl", records)
    with EmbeddedStore(settings.store_path, write=True, base=settings.base) as store:
        ingest([str(path)], store, settings)
        enrich_entities(store, settings)


@dataclass(frozen=True)
class Vocabulary:
    """schema.org's classes (with their superclasses) and properties (with their domains)."""

    superclasses: dict[str, set[str]]
    domains: dict[str, set[str]]

    def within_domain(self, types: set[str], prop: str) -> bool:
        reachable = set().union(*(self.superclasses.get(t, {t}) for t in types))
        return bool(reachable & self.domains[prop])


def _ids(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    return [item["@id"] for item in items]


def _iri(curie: str) -> str:
    return SCHEMA + curie.removeprefix("schema:")


@cache
def vocabulary() -> Vocabulary:
    """Read the schema.org release in ../shared (http:// IRIs, as the graph spells them)."""
    data = json.loads(shared_file(VOCABULARY).read_text("utf-8"))
    parents: dict[str, set[str]] = {}
    domains: dict[str, set[str]] = {}
    for node in data["@graph"]:
        kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        if not node["@id"].startswith("schema:"):
            continue
        iri = _iri(node["@id"])
        if "rdfs:Class" in kinds:
            parents[iri] = {
                _iri(p) for p in _ids(node.get("rdfs:subClassOf")) if p.startswith("schema:")
            }
        if "rdf:Property" in kinds:
            domains[iri] = {_iri(d) for d in _ids(node.get("schema:domainIncludes"))}
    closure: dict[str, set[str]] = {}

    def ancestors(iri: str) -> set[str]:
        if iri not in closure:
            closure[iri] = {iri}
            for parent in parents.get(iri, set()):
                closure[iri] |= ancestors(parent)
        return closure[iri]

    return Vocabulary({iri: ancestors(iri) for iri in parents}, domains)


@cache
def real_context() -> dict[str, Any]:
    """schema.org's own JSON-LD context (the ``@context`` object)."""
    context: dict[str, Any] = json.loads(shared_file(REAL_CONTEXT).read_text("utf-8"))["@context"]
    return context


def walk(value: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair of a JSON value, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)
