"""Which query texts the summaries answer: the bound named queries, and nothing else."""

from __future__ import annotations

import pytest

from graph import queries
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
