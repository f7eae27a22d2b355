"""The article writer, compiled from the mapping's table, writes the graph that pyld (the JSON-LD
processor of record) reads from the mapping's JSON-LD node, and the graph pinned by hand; what
it refuses, the general quad writer refuses too, and the JSON-LD processor writes instead."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from newsgraph import jsonld
from newsgraph.errors import RecordError
from newsgraph.ingest import sources
from newsgraph.ingest.article_quads import ArticleWriter, terms_nquads
from newsgraph.ingest.nquads import QuadWriter, Unsupported, by_processor
from newsgraph.mapping import Article, article_graph, node, shared_nodes
from newsgraph.records import prepare
from newsgraph.vocab.namespaces import CONTEXT_IRI, Minter
from rdflib import Dataset, URIRef
from rdflib.compare import isomorphic

from tests.conftest import REUTERS, shared_file
from tests.test_mapping import small_graph, small_prepared
from tests.test_mapping_properties import IRIS, records, urls

#: URLs validation lets through but an IRI may not hold: the quad writer refuses them.
odd_urls = st.sampled_from(["http://a.example/%zz", "http://a.example/\x01", "http://a.example/é"])
any_urls = urls | odd_urls
authors = st.one_of(
    st.text(max_size=8),
    st.fixed_dictionaries({"name": st.text(min_size=1, max_size=8)}, optional={"url": any_urls}),
)
PIECES = ["# Head", "text", "[a](", "http://x.example/1", "http://a.example/%zz", ")", "<", ">",
          "[r]: ", "\n", "\n\n", " ", '"q"', "\\"]  # fmt: skip
bodies = st.lists(st.sampled_from(PIECES), max_size=20).map("".join)
more = st.fixed_dictionaries(
    {},
    optional={
        "author": st.lists(authors, max_size=3),
        "image": st.lists(any_urls, max_size=3),
        "url": any_urls,
        "canonical_source": any_urls,
        "body_md": bodies,
        "alternates": st.dictionaries(st.sampled_from(["html", "x", "pdf"]), any_urls),
    },
)


def by_pyld(article: Article) -> set[ox.Quad]:
    """The oracle: pyld's RDF of the mapping's JSON-LD node, read into terms."""
    document = {"@context": CONTEXT_IRI, **article_graph(node(article.part))}
    return set(jsonld.to_quads_reference(document))


def read(nquads: str) -> set[ox.Quad]:
    return set(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))


def written_as_pyld_reads(raw: dict[str, Any], iris: Minter = IRIS) -> str:
    """Check one record; "written" or "refused"."""
    article = Article(prepare(raw, "x:1"), iris)
    articles = ArticleWriter(QuadWriter())
    try:
        text = articles.write(article)
    except Unsupported:
        # Refused only where the node's general road refuses; then the processor writes it.
        graph = article_graph(node(article.part))
        with pytest.raises(Unsupported):
            QuadWriter().graph(graph)
        assert articles.nquads(article) == by_processor(graph)
        return "refused"
    assert read(text) == by_pyld(article)
    assert text.count("\n") == len(text.split("\n")) - 1  # one quad a line (ingest counts them)
    assert all(line.endswith(" .") for line in text.split("\n")[:-1])
    assert articles.nquads(article) == text
    return "written"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records, more)
@example({"slug": "e", "title": "T", "published_at": "2026-01-02"}, {"body_md": "---"})
def test_any_record_is_written_as_pyld_reads_its_node(raw: dict, extra: dict) -> None:
    """(The example: a body with no plain text still has its ``articleBody``, empty.)"""
    raw = {**raw, **extra}
    try:
        prepare(raw, "x:1")
    except RecordError:
        return  # an invalid record is not this test's business
    written_as_pyld_reads(raw)


def test_the_small_record_is_written_as_pinned() -> None:
    article = Article(small_prepared(), IRIS)
    dataset = Dataset()
    dataset.parse(data=ArticleWriter(QuadWriter()).write(article), format="nquads")
    actual = dataset.graph(URIRef("http://n.example/article/s1"))
    assert isomorphic(actual, small_graph()), actual.serialize(format="turtle")


def test_corpus_articles_are_written_as_pyld_reads_them() -> None:
    with open(shared_file(REUTERS), encoding="utf-8") as lines:
        for line in itertools.islice(lines, 800):
            raw = json.loads(line)
            assert written_as_pyld_reads(raw) == "written", raw["slug"]


def test_synthetic_articles_are_written_as_pyld_reads_them(tmp_path: Any) -> None:
    from bench import corpus

    path = tmp_path / "corpus.jsonl"
    corpus.write(path, 400, seed=7)
    for item in sources.read([str(path)]):
        assert written_as_pyld_reads(item.raw) == "written", item.location


@pytest.mark.parametrize(
    ("base", "outcome"),
    [
        ("http://n.example/", "written"),
        ("http://a.example/%zz/", "refused"),
        ("http://a.example/x#y/", "refused"),
        ("http://é.example/", "written"),
    ],
)
def test_articles_under_any_base_are_written_as_pyld_reads_them(base: str, outcome: str) -> None:
    raw = {"slug": "a-1.x_Y", "title": "T", "published_at": "2026-01-02", "body_md": "b",
           "author": ["A"]}  # fmt: skip
    assert written_as_pyld_reads(raw, Minter(base)) == outcome


def test_shared_nodes_are_written_as_pyld_reads_them() -> None:
    raw = {"slug": "s", "title": "T", "published_at": "2026-01-02", "url": "https://P.example/a",
           "topics": ["Énergie", "AI policy"]}  # fmt: skip
    nodes = shared_nodes(prepare(raw, "x:1").record, IRIS)
    document = {"@context": CONTEXT_IRI, "@id": IRIS.terms_graph, "@graph": nodes}
    assert read(terms_nquads(IRIS, nodes)) == set(jsonld.to_quads_reference(document))
