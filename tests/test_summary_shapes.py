"""Which query texts the summaries answer: the bound named queries, and nothing else."""

from __future__ import annotations

import pytest
from newsgraph import queries
from newsgraph.store.summaries import shapes
from newsgraph.store.summaries.shapes import SHAPES, Shape, recognise

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


BASE = "http://localhost:8000/sparql"


@pytest.mark.parametrize(
    ("iri", "base", "entity"),
    [
        # what the engine refuses, the summaries never answer (the engine says 400)
        ("http://x/%zz", BASE, None),
        ("http://x/%2", BASE, None),
        ("http://x/[1]", BASE, None),
        ("http://x/?a=[1]", BASE, None),
        ("http://[::1/x", BASE, None),
        ("http://[fe80::1%25eth0]/", BASE, None),
        ("http://x:abc/", BASE, None),
        ("urn:x#a#b", BASE, None),
        ("http://x/\ue000", BASE, None),  # a private-use code point outside the query part
        ("entity/kazakhstan", None, None),  # relative, and no base to resolve it by
        (ENTITY, "not a base", None),  # the engine refuses the base itself
        # what the engine reads as written, the summaries look up as written
        ("http://[::1]/x", BASE, "http://[::1]/x"),
        ("http://[v1.x]:80/", BASE, "http://[v1.x]:80/"),
        ("http://x/%E9", BASE, "http://x/%E9"),
        ("http://x/é?\ue000", BASE, "http://x/é?\ue000"),
        ("http://localhost:8000/x/../entity/kazakhstan", BASE,
         "http://localhost:8000/x/../entity/kazakhstan"),  # an absolute IRI keeps its dots
        # escapes are read as the engine decodes them
        ("http://localhost:8000/entity/\\u006Bazakhstan", BASE, ENTITY),
        # read otherwise than written (resolved against the base): left to the engine
        ("entity/kazakhstan", BASE, None),
        ("../entity/kazakhstan", BASE, None),
    ],
)  # fmt: skip
def test_the_entity_is_the_iri_the_engine_reads(iri: str, base: str | None,
                                                entity: str | None) -> None:  # fmt: skip
    for name in SHAPES:
        text = queries.bind(name, {"entity": ENTITY}).replace(f"<{ENTITY}>", f"<{iri}>")
        expected = None if entity is None else Shape(name, entity)
        assert recognise(text, base) == expected, (name, iri, base)
        assert recognise(text + "\n# read piece by piece", base) == expected, (name, iri, base)


def test_white_space_the_engine_does_not_know_is_not_white_space() -> None:
    """Python's ``str.split`` splits on U+00A0 and U+2003; SPARQL, and so the engine, does not."""
    for space in ("\u00a0", "\u2003", "\x0b", "\x0c", "\x85"):
        assert recognise(ARTICLES.replace("SELECT ", "SELECT" + space)) is None, repr(space)
    assert recognise(ARTICLES.replace("SELECT ", "SELECT\t\r\n")) == Shape(
        "entity-articles", ENTITY
    )


IRIS = [ENTITY, "http://localhost:8000/entity/é", "urn:x:y", "entity/kazakhstan", "urn:./x",
        "http://h/x/%zz", "http://h/\\u006B", "http://h/a b", "http://h/a>b", "http://h/{}",
        "", "x:", "http://[::1/x"]  # fmt: skip


@pytest.mark.parametrize("name", SHAPES)
def test_a_text_exactly_as_bound_is_recognised_without_reading_it(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The usual text (a client sending ``queries.bind``'s text) is matched as a whole; the
    answer is always the one reading its pieces gives."""
    before, after = shapes._bound_text(name)
    texts = [f"{before}<{iri}>{after}" for iri in IRIS]
    read = [shapes._read_shape(text, BASE) for text in texts]
    assert (
        read[0] == Shape(name, ENTITY) and read[5] is None and read[6] == Shape(name, "http://h/k")
    )
    assert [recognise(text, BASE) for text in texts] == read
    monkeypatch.setattr(shapes, "_read_shape", lambda text, base: pytest.fail(f"read {text!r}"))
    assert recognise(queries.bind(name, {"entity": ENTITY})) == Shape(name, ENTITY)
    assert recognise(texts[1]) == Shape(name, IRIS[1])
