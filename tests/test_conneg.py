"""Content negotiation, as a table of cases."""

from __future__ import annotations

import pytest
from newsgraph.api.conneg import choose_format

SELECT = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
          "text/tab-separated-values"]  # fmt: skip
GRAPH = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]


@pytest.mark.parametrize(
    ("accept", "offered", "expected"),
    [
        (None, SELECT, "application/sparql-results+json"),
        ("", SELECT, "application/sparql-results+json"),
        ("*/*", GRAPH, "text/turtle"),
        ("text/csv", SELECT, "text/csv"),
        ("text/csv;q=0.5, application/sparql-results+xml", SELECT, "application/sparql-results+xml"),
        ("application/sparql-results+xml;q=0.2, text/tab-separated-values;q=0.9", SELECT,
         "text/tab-separated-values"),
        ("text/*", SELECT, "text/csv"),
        ("application/*;q=0.3, text/csv;q=0.2", SELECT, "application/sparql-results+json"),
        ("application/ld+json, text/turtle;q=0.9", GRAPH, "application/ld+json"),
        ("text/turtle;q=0, */*;q=0.1", GRAPH, "application/n-triples"),
        ("image/png", SELECT, None),
        ("text/html", GRAPH, None),
        ("text/csv;q=0", SELECT, None),
        ("application/rdf+xml;q=1.0, text/turtle;q=1.0", GRAPH, "text/turtle"),
        ("TEXT/TURTLE", GRAPH, "text/turtle"),
        ("garbage", GRAPH, "text/turtle"),
        ("text/turtle;q=notanumber, application/n-triples", GRAPH, "application/n-triples"),
        ("text/*;q=0.1, text/turtle;q=0", GRAPH, None),
    ],
)  # fmt: skip
def test_choose_format(accept: str | None, offered: list[str], expected: str | None) -> None:
    assert choose_format(accept, offered) == expected
