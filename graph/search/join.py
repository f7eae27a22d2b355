"""``?article ng:matches "crude oil"`` in SPARQL: the index first, the engine after.

A query may ask for the articles a search finds with the magic predicate ``ng:matches`` (the
string takes :mod:`.syntax`'s syntax) and for each one's BM25 score with ``ng:score`` on the
same subject in the same group::

    PREFIX ng: <https://w3id.org/newsgraph/ns#>
    PREFIX schema: <http://schema.org/>
    SELECT ?article ?score WHERE {
      ?article ng:matches "crude oil" ; ng:score ?score ;
               schema:mentions <http://localhost:8000/entity/saudi-arabia> .
    } ORDER BY DESC(?score)

:func:`bind_matches` finds those patterns in the query's tokens
(:func:`newsgraph.sparql.sparqltext.tokens`: never in strings, IRIs or comments; the predicate
as an IRI or a prefixed name of a declared prefix), asks the index, and puts the matches into
the query in their place: the patterns go, and a ``VALUES (?article ?score) { … }`` block opens
their group. The engine then answers the query as any other, inside the same time and row
limits. A query without the predicate is left as it is, character for character.

The search may also be a variable that a ``VALUES`` block of the query binds to one string, as
:func:`newsgraph.queries.bind` writes a parameter (``?article ng:matches ?words`` in a named
query such as ``search-entity-articles``): the index is asked for that string.

>>> text = 'PREFIX ng: <https://w3id.org/newsgraph/ns#> SELECT * { ?a ng:matches "oil" ; ng:score ?s . ?a ?p ?o }'
>>> print(bind_matches(text, lambda words: [("http://n/article/1", 2.5)]))
PREFIX ng: <https://w3id.org/newsgraph/ns#> SELECT * { VALUES (?a ?s) { (<http://n/article/1> "2.5"^^<http://www.w3.org/2001/XMLSchema#double>) }  ?a ?p ?o }

Enforced by ``tests/test_search_join.py`` (joined queries against the intersection computed
apart; the predicate inside strings, IRIs and comments left alone).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox
from newsgraph.errors import QueryError
from newsgraph.sparql import sparqltext
from newsgraph.vocab.namespaces import NG

__all__ = ["MATCHES", "SCORE", "Bound", "bind_matches", "mentions_matches"]

MATCHES = NG + "matches"
SCORE = NG + "score"
_XSD_DOUBLE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")
_COMMENT = re.compile(r"#[^\r\n]*")
_ESCAPES = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}

Lookup = Callable[[str], list[tuple[str, float]]]
#: One search bound into a query: its subject variable, its score variable (None: no
#: ``ng:score``) and the matches (IRI, score) put in their place.
Bound = tuple[str, str | None, list[tuple[str, float]]]


def mentions_matches(text: str) -> bool:
    """Whether the query may use ``ng:matches`` or ``ng:score`` (a cheap first look: a text
    without the word, nor an escape that could spell it, cannot; the tokens decide the rest)."""
    return "matches" in text or "score" in text or "\\u" in text or "\\U" in text


@dataclass(frozen=True)
class _Pattern:
    predicate: str  # MATCHES or SCORE
    subject: str  # the variable, with its ? or $
    value: str  # the search (MATCHES) or the score variable (SCORE)
    group: int  # offset of the { that opens the pattern's group
    start: int
    end: int


def bind_matches(text: str, lookup: Lookup, bound: list[Bound] | None = None) -> str:
    """The query with every ``ng:matches`` pattern answered by ``lookup`` (search text → the
    articles it finds with their scores, best first) and bound in a VALUES block; each search
    bound is appended to ``bound`` when given (:mod:`.scores` reads it)."""
    if not mentions_matches(text):
        return text
    found: list[_Pattern] = []
    while (pattern := _first_pattern(text)) is not None:
        found.append(pattern)
        text = text[: pattern.start] + text[pattern.end :]
    if not found:
        return text
    searches = [p for p in found if p.predicate == MATCHES]
    scores = {(p.group, p.subject): p.value for p in found if p.predicate == SCORE}
    for pattern in found:
        if pattern.predicate == SCORE and not any(
            (s.group, s.subject) == (pattern.group, pattern.subject) for s in searches
        ):
            raise QueryError(
                f"{pattern.subject} ng:score {pattern.value}: ng:score needs ng:matches on the "
                "same subject in the same group"
            )
    inserts: list[tuple[int, str]] = []
    for search in searches:
        score = scores.get((search.group, search.subject))
        matches = lookup(search.value)
        if bound is not None:
            bound.append((search.subject, score, matches))
        inserts.append((search.group + 1, " " + _values(search.subject, score, matches)))
    for offset, block in sorted(inserts, key=lambda item: item[0], reverse=True):
        text = text[:offset] + block + text[offset:]
    return text


def _values(subject: str, score: str | None, matches: list[tuple[str, float]]) -> str:
    if score is None:
        rows = " ".join(str(ox.NamedNode(iri)) for iri, _ in matches)
        return f"VALUES {subject} {{ {rows} }}" if rows else f"VALUES {subject} {{ }}"
    rows = " ".join(
        f"({ox.NamedNode(iri)} {ox.Literal(repr(float(value)), datatype=_XSD_DOUBLE)})"
        for iri, value in matches
    )
    return (
        f"VALUES ({subject} {score}) {{ {rows} }}" if rows else f"VALUES ({subject} {score}) {{ }}"
    )


def _first_pattern(text: str) -> _Pattern | None:
    """The first ``ng:matches`` or ``ng:score`` pattern of the query, and the span of text that
    removing it takes (the grammar stays whole)."""
    stream = list(sparqltext.tokens(text))
    prefixes: dict[str, str] = {}
    for index, token in enumerate(stream):
        if token.word == "PREFIX" and index + 2 < len(stream):
            name, iri = stream[index + 1], stream[index + 2]
            if name.kind == "pname" and iri.kind == "iri":
                prefixes[name.text.rstrip(":")] = sparqltext.iri_text(iri.text)
            continue
        predicate = _predicate(token, prefixes)
        if predicate is None or index == 0 or index + 1 >= len(stream):
            continue
        if index >= 2 and stream[index - 2].word == "PREFIX":
            continue
        before = _gap(text, stream, index)
        if "^" in before or "@" in before:  # a datatype IRI or the like: not a predicate
            continue
        return _pattern(text, stream, index, predicate, before)
    return None


def _predicate(token: sparqltext.Token, prefixes: dict[str, str]) -> str | None:
    if token.kind == "iri":
        iri = sparqltext.iri_text(token.text)
    elif token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix not in prefixes:
            return None
        iri = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    else:
        return None
    return iri if iri in (MATCHES, SCORE) else None


def _gap(text: str, stream: list[sparqltext.Token], index: int) -> str:
    """The text between token ``index - 1`` and token ``index``, comments blanked (offsets in
    it are offsets in the query)."""
    start = stream[index - 1].end if index > 0 else 0
    return _COMMENT.sub(lambda m: " " * len(m.group()), text[start : stream[index].start])


def _pattern(
    text: str, stream: list[sparqltext.Token], index: int, predicate: str, before: str
) -> _Pattern:
    name = "ng:matches" if predicate == MATCHES else "ng:score"
    obj = stream[index + 1]
    after = _gap(text, stream, index + 2) if index + 2 < len(stream) else ""
    searched = obj
    if predicate == MATCHES and obj.kind == "var":
        searched = _bound_string(stream, obj.text)
    if predicate == MATCHES and searched.kind not in ("string", "long"):
        raise QueryError(f"{name} takes a string (the search), not {obj.text!r}")
    if predicate == SCORE and obj.kind != "var":
        raise QueryError(f"{name} takes a variable (the score), not {obj.text!r}")
    if index + 2 < len(stream) and stream[index + 2].kind == "langtag":
        raise QueryError(f"{name} takes a plain string, not one with a language tag")
    if "," in after.split(";")[0].split(".")[0]:
        raise QueryError(f"{name} takes one object (no comma lists)")
    if "^" in after:
        raise QueryError(f"{name} takes a plain string, not a typed literal")
    if ";" in before:
        start = stream[index - 1].end + before.index(";")
        end = obj.end
        subject_at = _statement_start(text, stream, index)
    else:
        subject_at = index - 1
        if ";" in after:
            start = stream[index].start
            end = obj.end + after.index(";") + 1
        else:
            start = stream[index - 1].start
            end = obj.end + (after.index(".") + 1 if "." in after else 0)
    subject = stream[subject_at]
    if subject.kind != "var":
        raise QueryError(f"{name} needs a variable subject, not {subject.text!r}")
    group = _group_open(stream, subject_at)
    value = _unescaped(searched.text) if predicate == MATCHES else obj.text
    return _Pattern(predicate, subject.text, value, group, start, end)


def _bound_string(stream: list[sparqltext.Token], variable: str) -> sparqltext.Token:
    """The string a ``VALUES`` block binds ``variable`` to: one row, one plain string (as
    :func:`newsgraph.queries.bind` writes one value); else the variable's own token, which the
    caller refuses."""
    name = variable[1:]
    for index, token in enumerate(stream):
        if token.word != "VALUES":
            continue
        names = []
        position = index + 1
        while position < len(stream) and stream[position].kind == "var":
            names.append(stream[position].text[1:])
            position += 1
        if name not in names or position >= len(stream) or stream[position].kind != "open":
            continue
        row = []
        for value in stream[position + 1 :]:
            if value.kind == "close":
                break
            row.append(value)
        if len(row) != len(names):
            raise QueryError(
                f"ng:matches {variable}: VALUES must bind it to one plain string (one row)"
            )
        return row[names.index(name)]
    raise QueryError(
        f"ng:matches takes a string (the search), or a variable a VALUES block binds to one, "
        f"not {variable!r}"
    )


def _statement_start(text: str, stream: list[sparqltext.Token], index: int) -> int:
    """The token that starts the statement holding the predicate at ``index`` (its subject)."""
    position = index - 1
    while position > 0:
        previous = stream[position - 1]
        if previous.kind in ("open", "close") or "." in _gap(text, stream, position):
            return position
        position -= 1
    return position


def _group_open(stream: list[sparqltext.Token], index: int) -> int:
    """The offset of the ``{`` that opens the group holding token ``index``."""
    depth = stream[index].depth
    for position in range(index - 1, -1, -1):
        token = stream[position]
        if token.kind == "open" and token.depth == depth - 1:
            return token.start
    raise QueryError("ng:matches must stand inside a group { … }")


def _unescaped(literal: str) -> str:
    quote = 3 if literal[:3] in ('"""', "'''") else 1
    body = literal[quote:-quote]
    return _ESCAPES.sub(
        lambda m: (
            chr(int(m.group(1) or m.group(2), 16))
            if (m.group(1) or m.group(2))
            else _ECHAR.get(m.group(3), m.group(3))
        ),
        body,
    )
