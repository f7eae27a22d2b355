"""SPARQL JSON results as newsgraph writes and reads them (orjson, both ways), against the
standard library's json as the oracle: the same bytes written, the same document read, and
what orjson refuses still read."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from newsgraph.errors import StoreError
from newsgraph.sparql.results import term_json, write_solutions
from newsgraph.store.remote.answers import parse_solutions

#: Text a literal may hold: any character a UTF-8 answer can carry (no lone surrogates).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
TERMS = st.one_of(
    st.builds(ox.Literal, TEXT),
    st.builds(lambda v, tag: ox.Literal(v, language=tag), TEXT, st.sampled_from(["en", "kk-Cyrl"])),
    st.builds(
        lambda v: ox.Literal(v, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")),
        st.sampled_from(["1.5E0", "14.627290725708008", "-0", "INF"]),
    ),
    st.builds(
        lambda p: ox.NamedNode("http://example.org/" + p),
        st.from_regex(r"[a-z0-9/é]{0,12}", fullmatch=True),
    ),
    st.builds(ox.BlankNode, st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True)),
)
ROWS = st.lists(st.lists(st.one_of(st.none(), TERMS), min_size=3, max_size=3), max_size=20)


def _oracle(variables: list[str], rows: list[list[ox.NamedNode | None]]) -> bytes:
    bindings = [
        {
            name: term_json(value)
            for name, value in zip(variables, row, strict=True)
            if value is not None
        }
        for row in rows
    ]
    body = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(ROWS)
def test_json_solutions_are_written_as_json_writes(rows: list[list[ox.NamedNode | None]]) -> None:
    variables = ["a", "b", "c"]
    written = write_solutions(variables, rows, "json")
    assert written == _oracle(variables, rows)
    # and read back, the same terms
    read_vars, read = parse_solutions(written, "test", lambda term: term)
    assert read_vars == variables
    assert [[row.get(name) for name in variables] for row in read] == rows


def test_an_answer_no_term_can_hold_is_one_error() -> None:
    # an escaped lone surrogate: JSON that json reads, but no RDF term can hold it
    body = b'{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"literal","value":"x\\ud800"}}]}}'
    read = json.loads(body)["results"]["bindings"][0]["a"]["value"]
    with pytest.raises(ValueError):  # control: the term it would make is refused
        ox.Literal(read)
    with pytest.raises(StoreError, match="not SPARQL JSON results"):
        parse_solutions(body, "test", lambda term: term)
    with pytest.raises(StoreError, match="not SPARQL JSON results"):
        parse_solutions(b"{not json", "test", lambda term: term)
