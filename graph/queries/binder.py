"""The one way values reach SPARQL text: :func:`bind`; and :func:`read`, which reads its output
back as the named query and the values it binds.

:func:`bind` takes a named query (by name) or any query text, and bindings: each variable to one
term, or to many (the solutions it may take). Every term is written by pyoxigraph, so escaped;
a value given as text is read as a parameter is (:func:`~graph.queries.named.parameter_term`:
an IRI, else a plain string). The values go into VALUES blocks where the query reads the
variable:

* at the start of the query's WHERE group (the first group after WHERE, or after the query
  form, CONSTRUCT's template aside; a DESCRIBE without one gets one), so that they bind before
  any grouping;
* and, where the variable is read inside a subquery or a MINUS group, which a block outside
  would not bind, at the start of that one's group too.

Single values share one block, ``VALUES (?a ?b) { (<x> "y") }``; a variable with many values
joins them, one row per value, ``VALUES (?v ?a ?b) { (<x> <x> "y") (<y> <x> "y") }`` (Oxigraph
joins two blocks slowly: a graph's triples of 1,000 subjects took 11 s in two blocks, 0.03 s in
one, ``tests/test_queries_binder.py``); two or more variables with many values have a block each,
``VALUES ?v { <x> <y> }``. ``offset`` and ``limit`` (integers, nothing else) end the
text. A named query is bound with its parameters checked (an unknown one, or a missing one that
is not optional, is a :class:`~graph.errors.QueryError`) and only the lines that apply: a line
ending in ``# when NAME`` is part of it when NAME is bound.

:func:`read` is the inverse for the named queries the query page and ``newsgraph query --name``
bind, each parameter to one value: given a text, it says which of the named queries it is and
the value of each parameter (as written), or None. The summaries recognise queries by it.

>>> print(bind("SELECT ?n WHERE { ?a ?p ?n }", {"a": ox.NamedNode("http://x/a")}))
SELECT ?n WHERE { VALUES (?a) { (<http://x/a>) } ?a ?p ?n }
>>> text = bind("SELECT * { ?a ?p ?n { SELECT ?a WHERE { ?a ?q ?d FILTER(?d < ?x) } } }",
...             {"x": ox.Literal("1"), "p": [ox.NamedNode("http://x/p"), ox.NamedNode("http://x/q")]})
>>> print(text)  # ?x is read only inside the subquery
SELECT * { VALUES ?p { <http://x/p> <http://x/q> } ?a ?p ?n { SELECT ?a WHERE { VALUES (?x) { ("1") } ?a ?q ?d FILTER(?d < ?x) } } }
>>> print(bind("SELECT ?d WHERE { ?a ?p ?d } ORDER BY ?d", offset=10, limit=1))
SELECT ?d WHERE { ?a ?p ?d } ORDER BY ?d
OFFSET 10
LIMIT 1
<BLANKLINE>
>>> read(bind("entity-names", {"entity": "http://x/e"}), ["entity-articles", "entity-names"])
Reading(name='entity-names', values={'entity': '<http://x/e>'})
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import NamedTuple

import pyoxigraph as ox
from newsgraph.errors import QueryError
from newsgraph.queries.named import NAME, applying, check_params, get, parameter_term
from newsgraph.sparql import sparqltext

__all__ = ["Reading", "bind", "read"]

Term = ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple
#: One value (a term, or a parameter's text), or the many values a variable may take.
Value = Term | str | Iterable[Term | str]

_VARIABLE = re.compile(r"\w+")
#: The words that must not stand at the end of a text that ``offset`` or ``limit`` end.
_ENDINGS = frozenset({"LIMIT", "OFFSET", "VALUES"})


def bind(
    query: str,
    bindings: Mapping[str, Value] | None = None,
    *,
    offset: int | None = None,
    limit: int | None = None,
) -> str:
    """The text of ``query`` (a named query's name, or a query text) with ``bindings`` bound and
    ``offset`` and ``limit`` set (see the module's docstring)."""
    bindings = bindings or {}
    if NAME.fullmatch(query):
        check_params(query, bindings)
        text = applying(query, frozenset(bindings))
    else:
        text = query
    if bindings:
        text = _place(text, {name: _written(name, value) for name, value in bindings.items()})
    if offset is not None or limit is not None:
        text = _ended(text, offset, limit)
    return text


def _term(name: str, value: object) -> str:
    if isinstance(value, str):
        return str(parameter_term(value))
    if isinstance(value, Term):
        return str(value)
    raise TypeError(f"?{name}: {value!r} is not a term")


def _written(name: str, value: Value) -> str | list[str]:
    """The value as written in a VALUES block: one term, or the list of many."""
    if not _VARIABLE.fullmatch(name):
        raise QueryError(f"cannot bind {name!r}: not a variable name")
    if isinstance(value, str | Term) or not isinstance(value, Iterable):
        return _term(name, value)
    return [_term(name, one) for one in value]


@dataclass
class _Layout:
    """Where a text's VALUES blocks go: the end of the opening brace of the WHERE group of each
    scope (0: the query; then each subquery and MINUS group), and the scopes each variable is
    read in."""

    starts: list[int | None] = field(default_factory=lambda: [None])
    scopes: dict[str, set[int]] = field(default_factory=dict)
    #: Where the text's last token ends, and whether a comment follows it.
    end: int = 0
    ends_in_comment: bool = False


#: Texts up to this long have their layout kept (a named query's text, as its file holds it);
#: longer ones (with blocks of many values already in them) are read each time.
_KEPT = 4096


def _layout(text: str) -> _Layout:
    return _kept_layout(text) if len(text) <= _KEPT else _read_layout(text)


@lru_cache(maxsize=256)
def _kept_layout(text: str) -> _Layout:
    return _read_layout(text)


def _read_layout(text: str) -> _Layout:
    layout = _Layout()
    seen_where = seen_form = template = False
    stack: list[int] = []  # the scope of each open brace
    subqueries: dict[int, int] = {}  # depth of a subquery's SELECT → its scope
    previous: sparqltext.Token | None = None
    for token in sparqltext.tokens(text):
        scope = stack[-1] if stack else 0
        if token.kind == "open":
            if token.depth == 0:
                if layout.starts[0] is None and (seen_where or (seen_form and not template)):
                    layout.starts[0] = token.end
                template = False  # that was CONSTRUCT's template: the WHERE group comes next
            elif subqueries.get(token.depth) is not None:
                scope = subqueries.pop(token.depth)
                layout.starts[scope] = token.end
            elif previous is not None and previous.word == "MINUS":
                scope = len(layout.starts)
                layout.starts.append(token.end)
            stack.append(scope)
        elif token.kind == "close":
            if stack:
                stack.pop()
        elif token.kind == "var":
            layout.scopes.setdefault(token.text[1:], set()).add(scope)
        elif token.depth == 0 and token.word == "WHERE":
            seen_where = True
        elif token.depth == 0 and token.word in sparqltext.FORMS:
            seen_form, template = True, token.word == "CONSTRUCT"
        elif token.word == "SELECT" and stack:  # a subquery: its own scope from here on
            stack[-1] = subqueries[token.depth] = len(layout.starts)
            layout.starts.append(None)
        previous = token
    stripped = text.rstrip()
    layout.end = previous.end if previous is not None else 0
    layout.ends_in_comment = "#" in stripped[layout.end :]
    return layout


def _place(text: str, values: Mapping[str, str | list[str]]) -> str:
    layout = _layout(text)
    blocks: dict[int, tuple[list[str], list[str]]] = {}  # scope → (single names, many names)
    for name, written in values.items():
        for scope in layout.scopes.get(name) or {0}:
            if layout.starts[scope] is None and scope != 0:
                scope = 0
            blocks.setdefault(scope, ([], []))[isinstance(written, list)].append(name)
    edits: list[tuple[int, str]] = []
    appended = ""
    for scope, (single, many) in blocks.items():
        written = []
        terms = " ".join(values[name] for name in single)  # type: ignore[misc]
        if len(many) == 1 and single:  # one block: a store may join two slowly (docstring)
            variables = " ".join(f"?{name}" for name in (*many, *single))
            rows = " ".join(f"({term} {terms})" for term in values[many[0]])
            written.append(f"VALUES ({variables}) {{ {rows} }}")
        else:
            if single:
                variables = " ".join(f"?{name}" for name in single)
                written.append(f"VALUES ({variables}) {{ ({terms}) }}")
            written += [f"VALUES ?{name} {{ {' '.join(values[name])} }}" for name in many]
        block = " ".join(written)
        start = layout.starts[scope]
        if start is None:  # a DESCRIBE without a WHERE group
            joint = "\n" if layout.ends_in_comment else " "  # a comment would swallow the rest
            appended = f"{joint}WHERE {{ {block} }}"
        else:
            edits.append((start, f" {block}"))
    if appended:
        text = text.rstrip() + appended
    for start, block in sorted(edits, reverse=True):
        text = text[:start] + block + text[start:]
    return text


def _ended(text: str, offset: int | None, limit: int | None) -> str:
    """``text`` with OFFSET and LIMIT: non-negative integers, in a text that has neither (nor a
    trailing VALUES clause, which would have to follow them)."""
    for label, number in (("offset", offset), ("limit", limit)):
        if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
            raise TypeError(f"{label} must be an int, not {number!r}")
        if number is not None and number < 0:
            raise ValueError(f"{label} must not be negative, not {number}")
    ending = {t.word for t in sparqltext.tokens(text) if t.depth == 0} & _ENDINGS
    if ending:
        raise ValueError(f"the query already has {sorted(ending)[0]} at its end")
    parts = [f"OFFSET {offset}"] * (offset is not None) + [f"LIMIT {limit}"] * (limit is not None)
    return text.rstrip() + "\n" + "\n".join(parts) + "\n"


# -- reading back ---------------------------------------------------------------------------


class Reading(NamedTuple):
    """A text read as a named query: its name and each parameter's value, as written."""

    name: str
    values: dict[str, str]


#: A term as pyoxigraph writes it: an IRI (no escapes), or a literal with its tag or datatype.
_IRIREF = r'<[^<>"{}|^`\\\x00-\x20]*>'
_WRITTEN = re.compile(
    rf'{_IRIREF}|"(?:[^"\\\n\r]|\\.)*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?|\^\^{_IRIREF})?'
)
#: White space as SPARQL has it (Python's ``str.split`` would also split on U+00A0 and others,
#: which the engine refuses).
_WHITE_SPACE = re.compile(r"[ \t\r\n]+")
_SLOT = "urn:newsgraph:queries:value:"
_SLOTS = re.compile(f"<{re.escape(_SLOT)}(\\w+)>")

Piece = tuple[str, str]


@cache
def _slotted(name: str) -> str:
    """The text :func:`bind` writes for the named query, each parameter bound to a placeholder."""
    return bind(name, {param: ox.NamedNode(_SLOT + param) for param in get(name).params})


@cache
def _written_around(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The pieces of the text :func:`bind` writes for the named query between its values, and
    the parameter of each value, in order."""
    parts = _SLOTS.split(_slotted(name))
    return tuple(parts[::2]), tuple(parts[1::2])


@cache
def _pieces_around(name: str) -> tuple[tuple[tuple[Piece, ...], ...], tuple[str, ...]]:
    """The same, as the pieces :func:`_pieces` reads."""
    segments: list[tuple[Piece, ...]] = [()]
    params: list[str] = []
    for piece in _pieces(_slotted(name)):
        slot = _SLOTS.fullmatch(piece[1]) if piece[0] == "iri" else None
        if slot is None:
            segments[-1] += (piece,)
        else:
            params.append(slot.group(1))
            segments.append(())
    return tuple(segments), tuple(params)


def _pieces(text: str) -> list[Piece]:
    """``text`` as (kind, text) pieces: its tokens (keywords upper-cased) and the punctuation
    between them split on SPARQL's white space, with comments dropped."""
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
        pieces.extend(("punct", chunk) for chunk in _WHITE_SPACE.split(between) if chunk)

    for token in sparqltext.tokens(text):
        gap(token.start)
        pieces.append((token.kind, token.word or token.text))
        position = token.end
    gap(len(text))
    return pieces


def read(text: str, names: Collection[str], *, loose: bool = False) -> Reading | None:
    """Which of the named queries ``names`` the text is, each of its parameters bound to one
    value by :func:`bind`, and the values as the text writes them; None when it is none of them.

    The text must be exactly what :func:`bind` writes; with ``loose``, only its tokens count
    (comments, SPARQL's white space and the case of keywords aside), and a value may be any IRI
    or literal the text writes there.

    >>> text = bind("entity-articles", {"entity": "http://x/e"})
    >>> read(text + " # again", ["entity-articles"]) is None
    True
    >>> read(text.replace("WHERE", "where") + " # again", ["entity-articles"], loose=True)
    Reading(name='entity-articles', values={'entity': '<http://x/e>'})
    """
    if loose:
        pieces = _pieces(text)
        for name in names:
            segments, params = _pieces_around(name)
            values = _read_pieces(pieces, segments, params)
            if values is not None:
                return Reading(name, values)
        return None
    for name in names:
        around, params = _written_around(name)
        if text.startswith(around[0]) and text.endswith(around[-1]):
            values = _read_written(text, around, params)
            if values is not None:
                return Reading(name, values)
    return None


def _read_written(text: str, around: Sequence[str], params: Sequence[str]) -> dict[str, str] | None:
    position = len(around[0])
    values: dict[str, str] = {}
    for param, after in zip(params, around[1:], strict=True):
        value = _WRITTEN.match(text, position)
        if value is None or not text.startswith(after, value.end()):
            return None
        if values.setdefault(param, value.group()) != value.group():
            return None
        position = value.end() + len(after)
    return values if position == len(text) else None


def _read_pieces(
    pieces: Sequence[Piece], segments: Sequence[Sequence[Piece]], params: Sequence[str]
) -> dict[str, str] | None:
    fixed = sum(map(len, segments))
    if not fixed + len(params) <= len(pieces) <= fixed + 3 * len(params):
        return None  # a value is one to three pieces (a literal with its tag or datatype)
    if pieces[: len(segments[0])] != list(segments[0]):
        return None
    at = len(segments[0])
    values: dict[str, str] = {}
    for param, segment in zip(params, segments[1:], strict=True):
        value, at = _value(pieces, at)
        if value is None or values.setdefault(param, value) != value:
            return None
        if pieces[at : at + len(segment)] != list(segment):
            return None
        at += len(segment)
    return values if at == len(pieces) else None


def _value(pieces: Sequence[Piece], at: int) -> tuple[str | None, int]:
    """The IRI or literal whose pieces start at ``at``, and the index after them."""
    kind, text = pieces[at] if at < len(pieces) else ("", "")
    if kind == "iri":
        return text, at + 1
    if kind not in ("string", "long"):
        return None, at
    after = pieces[at + 1 : at + 3]
    if after[:1] and after[0][0] == "langtag":
        return text + after[0][1], at + 2
    if len(after) == 2 and after[0] == ("punct", "^^") and after[1][0] in ("iri", "pname"):
        return text + "^^" + after[1][1], at + 3
    return text, at + 1
