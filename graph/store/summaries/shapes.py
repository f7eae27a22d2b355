"""Which query texts the summaries answer: a named query with its entity bound, as the engine
reads it, and nothing else.

A query is recognised by its name and bindings: one of :data:`SHAPES` with its entity bound.
A text sent to the endpoint is read back as a name and bindings by the binder's own reader
(:func:`graph.queries.read`): it must be, comments, white space and the case of keywords aside,
exactly what ``queries.bind`` writes for the named query — the query's own text with
``VALUES (?entity) { (<IRI>) }`` at the start of its WHERE group. A candidate is recognised only once the engine itself has read it
(:func:`engine_reads`): with the request's base IRI, on a store of one article that mentions
the IRI the summaries would look up and no other IRI, it must run the text and answer a row.
So a text the engine refuses (an IRI with ``%zz``, ``[1]`` or ``http://[::1/x``, a base it
rejects, white space it does not know) is never answered by the summaries, and an IRI is looked
up as the engine reads it (``\\u`` escapes decoded) or not at all (a relative IRI, which the base
resolves). ``tests/test_summary_shapes.py`` holds the cases;
``tests/test_summaries_differential.py`` compares the answers with the engine's on generated
IRIs.

The engine's reading costs tens of microseconds; for the usual text (exactly as bound) it is
kept per query, IRI and base, so that a client asking again pays nothing.

>>> from graph import queries
>>> text = queries.bind("entity-articles", {"entity": "http://n.example/entity/x"})
>>> recognise(text + "\\n# a comment")
Shape(name='entity-articles', entity='http://n.example/entity/x')
>>> recognise(text.replace("DESC", "ASC")) is None
True
>>> recognise(text.replace("entity/x", "entity/%zz")) is None  # the engine refuses the IRI
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.sparql import sparqltext
from newsgraph.vocab.namespaces import SCHEMA, XSD

__all__ = ["SHAPES", "Shape", "engine_reads", "recognise"]

#: The named queries the summaries answer.
SHAPES = ("entity-articles", "entity-comentions", "entity-mentions-per-month")
_PLACEHOLDER = ox.NamedNode("urn:newsgraph:summaries:entity")

#: Longer texts are not even read (the bound queries are a few hundred characters; comments
#: may add some): the recogniser runs on the server's event loop.
_LONGEST = 8192

#: The one article of the store :func:`engine_reads` asks the engine with.
_ARTICLE = ox.NamedNode("urn:newsgraph:summaries:article")
_MENTIONS = ox.NamedNode(SCHEMA + "mentions")
_OTHER_MENTIONS = ox.Quad(_ARTICLE, _MENTIONS, ox.Literal("another"))
_HEADLINE = ox.Quad(_ARTICLE, ox.NamedNode(SCHEMA + "headline"), ox.Literal("a headline"))
_DATE = ox.Quad(
    _ARTICLE,
    ox.NamedNode(SCHEMA + "datePublished"),
    ox.Literal("2000-01-01T00:00:00Z", datatype=ox.NamedNode(XSD + "dateTime")),
)


@dataclass(frozen=True)
class Shape:
    """A recognised query: which named query, and the entity it binds (as the engine reads it)."""

    name: str
    entity: str


@cache
def _bound_text(name: str) -> tuple[str, str]:
    """The text ``queries.bind`` writes for the named query: what comes before the entity's
    IRI, and what comes after it."""
    text = queries.bind(name, {"entity": _PLACEHOLDER})
    before, _placeholder, after = text.partition(str(_PLACEHOLDER))
    return before, after


def recognise(text: str, base_iri: str | None = None) -> Shape | None:
    """The shape ``text`` has when the engine runs it with the base ``base_iri``, or None when
    the summaries must not answer it."""
    if len(text) > _LONGEST or "entity" not in text:
        return None
    # the text exactly as queries.bind writes it: no need to read it piece by piece
    reading = queries.read(text, SHAPES)
    if reading is None:
        return _read_shape(text, base_iri)
    token = reading.values["entity"]
    return _bound_shape(reading.name, token, base_iri) if token.startswith("<") else None


def _read_shape(text: str, base_iri: str | None) -> Shape | None:
    """:func:`recognise` by reading the text's tokens (comments, white space and the case of
    keywords aside)."""
    reading = queries.read(text, SHAPES, loose=True)
    if reading is None:
        return None
    token = reading.values["entity"]
    return _confirmed(reading.name, text, token, base_iri) if token.startswith("<") else None


@lru_cache(maxsize=1024)
def _bound_shape(name: str, token: str, base_iri: str | None) -> Shape | None:
    """:func:`recognise` for the text ``queries.bind`` writes for ``name`` around ``token``."""
    before, after = _bound_text(name)
    return _confirmed(name, before + token + after, token, base_iri)


def _confirmed(name: str, text: str, token: str, base_iri: str | None) -> Shape | None:
    """The shape binding the IRI token ``token`` (escapes decoded), if the engine reads it so."""
    entity = sparqltext.iri_text(token)
    return Shape(name, entity) if engine_reads(text, entity, base_iri) else None


def engine_reads(text: str, entity: str, base_iri: str | None) -> bool:
    """Whether the engine runs ``text`` (a candidate shape) with the base ``base_iri`` and binds
    its entity to the IRI ``entity``: on a store of one article that mentions ``entity`` (and a
    literal, never another IRI), with a headline and a date, each of the shapes answers a row
    exactly when the entity it reads is ``entity``.

    >>> engine_reads("SELECT * { VALUES ?x { <a> } }", "http://n.example/a", None)  # no row
    False
    """
    try:
        article = ox.Quad(_ARTICLE, _MENTIONS, ox.NamedNode(entity))
    except ValueError:  # not an IRI the engine could have read
        return False
    store = ox.Store()
    store.extend([article, _OTHER_MENTIONS, _HEADLINE, _DATE])
    try:
        solutions = store.query(text, base_iri=base_iri, use_default_graph_as_union=True)
    except (SyntaxError, ValueError):
        return False
    return isinstance(solutions, ox.QuerySolutions) and next(iter(solutions), None) is not None
