"""The article writer writes, byte for byte, what the quad writer writes of the mapped node."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import mapping, markdown, sources
from graph.article_quads import ArticleWriter
from graph.errors import RecordError
from graph.nquads import QuadWriter, Unsupported
from graph.records import validate
from tests.conftest import REUTERS, shared_file
from tests.test_mapping_properties import IRIS, records, urls
from vocab.namespaces import Minter

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


def through_the_node(writer: QuadWriter, raw: dict[str, Any]) -> str:
    record = validate(raw, "x:1")
    body = markdown.to_text(record.body_md) if record.body_md else ""
    node = mapping.article_node(record, IRIS, digest="d1", body_text=body)
    try:
        return writer.graph(mapping.article_graph(node))
    except Unsupported:
        return "unsupported"


def straight(articles: ArticleWriter, raw: dict[str, Any]) -> str:
    record = validate(raw, "x:1")
    body = markdown.to_text(record.body_md) if record.body_md else ""
    try:
        return articles.write(record, digest="d1", body_text=body)
    except Unsupported:
        return "unsupported"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records, more)
def test_the_article_writer_writes_what_the_node_writes(raw: dict, extra: dict) -> None:
    raw = {**raw, **extra}
    try:
        validate(raw, "x:1")
    except RecordError:
        return  # an invalid record is not this test's business
    expected = through_the_node(QuadWriter(), raw)
    assert straight(ArticleWriter(IRIS, QuadWriter()), raw) == expected


def test_corpus_articles_are_written_alike() -> None:
    general, articles = QuadWriter(), ArticleWriter(IRIS, QuadWriter())
    with open(shared_file(REUTERS), encoding="utf-8") as lines:
        for line in itertools.islice(lines, 800):
            raw = json.loads(line)
            assert straight(articles, raw) == through_the_node(general, raw), raw["slug"]


def test_synthetic_articles_are_written_alike(tmp_path: Any) -> None:
    from bench import corpus

    path = tmp_path / "corpus.jsonl"
    corpus.write(path, 400, seed=7)
    general, articles = QuadWriter(), ArticleWriter(IRIS, QuadWriter())
    for item in sources.read([str(path)]):
        assert straight(articles, item.raw) == through_the_node(general, item.raw), item.location


@pytest.mark.parametrize(
    "base",
    ["http://n.example/", "http://a.example/%zz/", "http://a.example/x#y/", "http://é.example/"],
)
def test_articles_under_any_base_are_written_alike(base: str) -> None:
    iris = Minter(base)
    general, articles = QuadWriter(), ArticleWriter(iris, QuadWriter())
    raw = {"slug": "a-1.x_Y", "title": "T", "published_at": "2026-01-02", "body_md": "b",
           "author": ["A"]}  # fmt: skip
    record = validate(raw, "x:1")
    node = mapping.article_node(record, iris, digest="d1", body_text="b")
    try:
        expected = general.graph(mapping.article_graph(node))
    except Unsupported:
        expected = "unsupported"
    try:
        written = articles.write(record, digest="d1", body_text="b")
    except Unsupported:
        written = "unsupported"
    assert written == expected
