"""Which query texts the summaries answer: a named query with its entity bound, and nothing else.

A text is recognised when, comments and whitespace aside, it is exactly the named query as
``queries.bind`` writes it — the query's own text with ``VALUES (?entity) { (<IRI>) }`` at the
start of its WHERE group — for an absolute IRI without escapes or dot segments (so that no base
resolution can change it). Any other text, however close, goes to the SPARQL engine.

>>> from graph import queries
>>> text = queries.bind("entity-articles", {"entity": "http://n.example/entity/x"})
>>> recognise(text + "\\n# a comment")
Shape(name='entity-articles', entity='http://n.example/entity/x')
>>> recognise(text.replace("DESC", "ASC")) is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from graph import queries, sparqltext

__all__ = ["SHAPES", "Shape", "recognise"]

#: The named queries the summaries answer.
SHAPES = ("entity-articles", "entity-comentions", "entity-mentions-per-month")
_PLACEHOLDER = "<urn:newsgraph:summaries:entity>"
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\\]*")
#: An IRI token without escapes (SPARQL's IRIREF).
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
#: A "." or ".." segment anywhere (base resolution would remove it).
_DOT_SEGMENT = re.compile(r"(?:^|[/:])\.\.?(?=$|[/?#])")

#: Longer texts are not even read (the bound queries are a few hundred characters; comments
#: may add some): the recogniser runs on the server's event loop.
_LONGEST = 8192

Piece = tuple[str, str]


@dataclass(frozen=True)
class Shape:
    """A recognised query: which named query, and the entity it binds."""

    name: str
    entity: str


def _pieces(text: str) -> list[Piece]:
    """``text`` as (kind, text) pieces: its tokens (keywords upper-cased) and the punctuation
    between them split on white space, with comments dropped."""
    pieces: list[Piece] = []
    position = 0

    def gap(until: int) -> None:
        between = text[position:until]
        comment = between.find("#")  # outside tokens, '#' starts a comment to the end of line
        while comment >= 0:
            end = re.search(r"[\r\n]|$", between[comment:])
            assert end is not None
            between = between[:comment] + " " + between[comment + end.end() :]
            comment = between.find("#")
        pieces.extend(("punct", chunk) for chunk in between.split())

    for token in sparqltext.tokens(text):
        gap(token.start)
        pieces.append((token.kind, token.word or token.text))
        position = token.end
    gap(len(text))
    return pieces


@cache
def _template(name: str) -> tuple[tuple[Piece, ...], int]:
    """The pieces of the bound named query, and where the entity's IRI sits among them."""
    text = sparqltext.inject_values(queries.load(name), {"entity": _PLACEHOLDER})
    pieces = _pieces(text)
    return tuple(pieces), pieces.index(("iri", _PLACEHOLDER))


@cache
def _bound_text(name: str) -> tuple[str, str]:
    """The text ``queries.bind`` writes for the named query: what comes before the entity's
    IRI, and what comes after it."""
    text = sparqltext.inject_values(queries.load(name), {"entity": _PLACEHOLDER})
    before, _placeholder, after = text.partition(_PLACEHOLDER)
    return before, after


def recognise(text: str) -> Shape | None:
    """The shape ``text`` has, or None when the summaries must not answer it."""
    if len(text) > _LONGEST or "entity" not in text:
        return None
    for name in SHAPES:  # the text exactly as queries.bind writes it: no need to read it
        before, after = _bound_text(name)
        if len(text) > len(before) + len(after) and text.startswith(before):
            iri = text[len(before) : len(text) - len(after)]
            if text.endswith(after) and _IRIREF.fullmatch(iri):
                return _shape(name, iri)
    return _read_shape(text)


def _read_shape(text: str) -> Shape | None:
    """:func:`recognise` by comparing the text's pieces with each named query's."""
    pieces = _pieces(text)
    for name in SHAPES:
        template, slot = _template(name)
        if len(pieces) != len(template):
            continue
        if pieces[:slot] != list(template[:slot]) or pieces[slot + 1 :] != list(
            template[slot + 1 :]
        ):
            continue
        kind, iri = pieces[slot]
        return _shape(name, iri) if kind == "iri" else None
    return None


def _shape(name: str, iri: str) -> Shape | None:
    """The shape binding the IRI token ``iri``, if no base resolution can change it."""
    entity = iri[1:-1]
    if not _ABSOLUTE.fullmatch(entity) or _DOT_SEGMENT.search(entity):
        return None
    return Shape(name, entity)
