"""Which query texts the summaries answer: the bound named queries, and nothing else."""

from __future__ import annotations

import pytest

from graph import queries
from graph.summaries import shapes
from graph.summaries.shapes import SHAPES, Shape, recognise

ENTITY = "http://localhost:8000/entity/kazakhstan"


@pytest.mark.parametrize("name", SHAPES)
def test_the_bound_named_query_is_recognised(name: str) -> None:
    text = queries.bind(name, {"entity": ENTITY})
    assert recognise(text) == Shape(name, ENTITY)


@pytest.mark.parametrize("name", SHAPES)
def test_comments_white_space_and_keyword_case_do_not_matter(name: str) -> None:
    text = queries.bind(name, {"entity": ENTITY})
    variants = [
        f"{text}\n# 5f2c 17",
        f"# a comment first\n{text}",
        "  \n".join(text.split("\n")),
        text.replace("SELECT", "select").replace("WHERE", "where").replace("LIMIT", "limit"),
        text.replace(" ", "\t", 3),
    ]
    for variant in variants:
        assert recognise(variant) == Shape(name, ENTITY), variant


ARTICLES = queries.bind("entity-articles", {"entity": ENTITY})
COMENTIONS = queries.bind("entity-comentions", {"entity": ENTITY})


@pytest.mark.parametrize(
    "text",
    [
        queries.load("entity-articles"),  # nothing bound
        ARTICLES.replace("DESC(?date)", "ASC(?date)"),
        ARTICLES.replace("LIMIT 100", "LIMIT 101"),
        ARTICLES.replace("LIMIT 100", "LIMIT 100 OFFSET 1"),
        ARTICLES.replace("?article ?headline ?date", "?headline ?article ?date"),
        ARTICLES.replace("<http://schema.org/>", "<https://schema.org/>"),
        ARTICLES.replace(f"<{ENTITY}>", "<entity/kazakhstan>"),  # relative: resolved by BASE
        ARTICLES.replace(f"<{ENTITY}>", "<http://localhost:8000/x/../entity/kazakhstan>"),
        ARTICLES.replace(f"<{ENTITY}>", "<http://localhost:8000/entity/kazakhstan/.>"),
        ARTICLES.replace(f"<{ENTITY}>", "<urn:./kazakhstan>"),
        ARTICLES.replace(f"<{ENTITY}>", "<http://localhost:8000/entity/\\u006Bazakhstan>"),
        ARTICLES.replace(f"<{ENTITY}>", '"Kazakhstan"'),
        ARTICLES.replace(f"(<{ENTITY}>)", f"(<{ENTITY}>) (<{ENTITY}2>)"),
        ARTICLES.replace("?entity", "$entity"),
        "BASE <http://x/> " + ARTICLES,
        ARTICLES.replace("schema:headline", "schema:name"),
        ARTICLES + " VALUES ?article { <http://x> }",
        COMENTIONS.replace("!=", "="),
        COMENTIONS.replace("!=", "! ="),
        COMENTIONS.replace("COUNT(DISTINCT ?article)", "COUNT(?article)"),
        COMENTIONS.replace("OPTIONAL", ""),
        COMENTIONS.replace("# param", "param"),  # a comment turned into text
        ARTICLES.replace("PREFIX", "# PREFIX"),
        "ASK { }",
    ],
)
def test_anything_else_goes_to_the_engine(text: str) -> None:
    assert recognise(text) is None


def test_a_long_text_is_not_read() -> None:
    assert recognise(ARTICLES + "\n#" + "x" * 10_000) is None


IRIS = [ENTITY, "http://localhost:8000/entity/é", "urn:x:y", "entity/kazakhstan", "urn:./x",
        "http://h/x/../y", "http://h/\\u006B", "http://h/a b", "http://h/a>b", "http://h/{}",
        "", "x:"]  # fmt: skip


@pytest.mark.parametrize("name", SHAPES)
def test_a_text_exactly_as_bound_is_recognised_without_reading_it(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The usual text (a client sending ``queries.bind``'s text) is matched as a whole; the
    answer is always the one reading its pieces gives."""
    before, after = shapes._bound_text(name)
    texts = [f"{before}<{iri}>{after}" for iri in IRIS]
    read = [shapes._read_shape(text) for text in texts]
    assert read[0] == Shape(name, ENTITY) and read[5] is None
    assert [recognise(text) for text in texts] == read
    monkeypatch.setattr(shapes, "_read_shape", lambda text: pytest.fail(f"read {text!r}"))
    assert recognise(queries.bind(name, {"entity": ENTITY})) == Shape(name, ENTITY)
    assert recognise(texts[1]) == Shape(name, IRIS[1])
