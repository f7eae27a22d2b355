"""Reading the shape of a SPARQL text without parsing it: its keywords outside strings, IRIs and
comments. The engine parses for real; this only answers questions the engine cannot be asked,
such as "does this query name its own dataset?", "which endpoints does its SERVICE call?" or
"where do the protocol's using-graph-uri parameters go in this update?".

The tokens follow the SPARQL 1.1 grammar where it matters for safety: IRIs may hold ``\\u``
escapes, comments end at a carriage return or a line feed, and escapes outside strings and IRIs
are not decoded (Oxigraph does not decode them either), so a keyword cannot hide from
:func:`keywords` in a way the engine would still read as that keyword.

>>> sorted(keywords('SELECT * FROM <http://g> WHERE { ?s ?p "SERVICE" } # LOAD'))
['FROM', 'SELECT', 'WHERE']
>>> query_form('PREFIX s: <http://schema.org/> ASK { ?a s:name "x" }')
'ASK'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

import pyoxigraph as ox

from graph.errors import QueryError

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_TOKENS = re.compile(
    rf"""
    (?P<comment>\#[^\r\n]*)
  | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
  | (?P<string>'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<pname>[A-Za-z_\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*:(?:[\w.\-:%\u00c0-\uffff]|\\.)*|:(?:[\w.\-:%\u00c0-\uffff]|\\.)*)
  | (?P<word>[A-Za-z_]+)
  | (?P<open>\{{)
  | (?P<close>\}})
    """,
    re.VERBOSE | re.DOTALL,
)

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int
    depth: int  # braces open before this token

    @property
    def word(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of ``text`` (comments dropped), with their brace depth."""
    depth = 0
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        if kind == "comment":
            continue
        if kind == "close":
            depth = max(0, depth - 1)
        yield Token(kind, match.group(), match.start(), match.end(), depth)
        if kind == "open":
            depth += 1


def words(text: str) -> list[str]:
    """Bare words (keywords, function names) outside strings, IRIs, comments and names."""
    return [match.group().upper() for match in _TOKENS.finditer(text) if match.lastgroup == "word"]


def keywords(text: str) -> set[str]:
    return set(words(text))


def keywords_among(text: str, wanted: tuple[str, ...]) -> set[str]:
    """Which of the upper-case ``wanted`` keywords ``text`` uses, lexing only when one of them
    appears in it at all (most queries name neither SERVICE nor FROM: no lexing for them).

    >>> sorted(keywords_among('SELECT * FROM <g> { ?s ?p "service" }', ("SERVICE", "FROM")))
    ['FROM']
    """
    upper = text.upper()
    if not any(word in upper for word in wanted):
        return set()
    return keywords(text) & set(wanted)


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword, else None."""
    for word in words(text):
        if word in FORMS:
            return word
    return None


def has_dataset_clause(text: str) -> bool:
    """True when the query names its own dataset with FROM or FROM NAMED."""
    return bool(keywords_among(text, ("FROM",)))


def has_update_dataset_clause(text: str) -> bool:
    """True when an update names its own dataset with USING, USING NAMED or WITH."""
    return any(t.word in ("USING", "WITH") for t in tokens(text) if t.depth == 0)


def iri_text(token: str) -> str:
    r"""The IRI of an ``<…>`` token, with its ``\u`` escapes decoded.

    >>> iri_text(r'<http://127.0.0.\u0031/>')
    'http://127.0.0.1/'
    """
    return re.sub(_UCHAR, lambda m: chr(int(m.group()[2:], 16)), token[1:-1])


def service_targets(text: str, base_iri: str | None = None) -> list[str | None]:
    """The endpoint IRI of every SERVICE in ``text``, resolved; None for a variable endpoint.

    >>> service_targets('PREFIX e: <http://example.org/> SELECT * { SERVICE SILENT e:q { ?s ?p ?o } }')
    ['http://example.org/q']
    >>> service_targets('BASE <http://a.example/x/> SELECT * { SERVICE <../s> {} SERVICE ?e {} }')
    ['http://a.example/s', None]
    """
    prefixes: dict[str, str] = {}
    base = base_iri or ""
    found: list[str | None] = []
    stream = list(tokens(text))
    for index, token in enumerate(stream):
        following = stream[index + 1 : index + 4]
        if token.word == "BASE" and following and following[0].kind == "iri":
            base = urljoin(base, iri_text(following[0].text))
        elif (
            token.word == "PREFIX"
            and len(following) >= 2
            and following[0].kind == "pname"
            and following[1].kind == "iri"
        ):
            prefixes[following[0].text.rstrip(":")] = urljoin(base, iri_text(following[1].text))
        elif token.word == "SERVICE":
            if following and following[0].word == "SILENT":
                following = following[1:]
            target = following[0] if following else None
            if target is None or target.kind == "var":
                found.append(None)
            elif target.kind == "iri":
                found.append(urljoin(base, iri_text(target.text)))
            elif target.kind == "pname":
                prefix, _, local = target.text.partition(":")
                if prefix not in prefixes:
                    raise QueryError(
                        f"SERVICE {target.text}: the prefix {prefix!r} is not declared"
                    )
                found.append(prefixes[prefix] + re.sub(r"\\(.)", r"\1", local))
            else:
                found.append(None)
    return found


def add_using(text: str, default_graphs: Sequence[str], named_graphs: Sequence[str]) -> str:
    """Apply the protocol's using-graph-uri / using-named-graph-uri to every operation of an update.

    Each DELETE/INSERT … WHERE gets the USING clauses before its WHERE; a ``DELETE WHERE { P }``
    becomes the equivalent ``DELETE { P } USING … WHERE { P }``. An update that names its own
    dataset (USING or WITH) cannot also take the parameters: that is an error (400).

    >>> add_using('INSERT { ?s a ?t } WHERE { ?s a ?t }', ['http://g'], [])
    'INSERT { ?s a ?t } USING <http://g> WHERE { ?s a ?t }'
    >>> add_using('DELETE WHERE { ?s ?p ?o }', [], ['http://n'])
    'DELETE { ?s ?p ?o } USING NAMED <http://n> WHERE { ?s ?p ?o }'
    """
    if not default_graphs and not named_graphs:
        return text
    if has_update_dataset_clause(text):
        raise QueryError(
            "the update names its dataset (USING or WITH) and the request gives "
            "using-graph-uri or using-named-graph-uri: use one or the other"
        )
    try:
        clauses = [f"USING {ox.NamedNode(iri)}" for iri in default_graphs]
        clauses += [f"USING NAMED {ox.NamedNode(iri)}" for iri in named_graphs]
    except ValueError as error:
        raise QueryError(f"using-graph-uri: {error}") from None
    using = " ".join(clauses) + " "
    stream = list(tokens(text))
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), in order
    previous: Token | None = None
    for index, token in enumerate(stream):
        if token.depth == 0 and token.word == "WHERE":
            if previous is not None and previous.word == "DELETE":
                pattern = _group_text(text, stream, index + 1)
                edits.append((previous.end, token.start, f" {pattern} {using}"))
            else:
                edits.append((token.start, token.start, using))
        previous = token
    for start, end, replacement in reversed(edits):
        text = text[:start] + replacement + text[end:]
    return text


def _group_text(text: str, stream: list[Token], index: int) -> str:
    """The text of the ``{ … }`` group that starts at ``stream[index]``."""
    if index >= len(stream) or stream[index].kind != "open":
        raise QueryError("malformed update: DELETE WHERE must be followed by { … }")
    opening = stream[index]
    for token in stream[index + 1 :]:
        if token.kind == "close" and token.depth == opening.depth:
            return text[opening.start : token.end]
    raise QueryError("malformed update: a { is not closed")


def inject_values(text: str, values: dict[str, str]) -> str:
    """Bind variables by a VALUES block at the start of the query's WHERE group.

    ``values`` maps variable names to terms already written in SPARQL syntax (by pyoxigraph,
    which escapes them). Unlike a trailing VALUES clause, this binds before any grouping.

    >>> inject_values('SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?e } GROUP BY ?e', {"e": "<http://x>"})
    'SELECT (COUNT(*) AS ?n) WHERE { VALUES (?e) { (<http://x>) } ?a ?p ?e } GROUP BY ?e'
    >>> inject_values('DESCRIBE ?a', {"a": "<http://x>"})
    'DESCRIBE ?a WHERE { VALUES (?a) { (<http://x>) } }'
    """
    if not values:
        return text
    block = (
        f"VALUES ({' '.join('?' + name for name in values)}) {{ ({' '.join(values.values())}) }}"
    )
    seen_where = seen_form = False
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        if kind == "word":
            word = match.group().upper()
            seen_where = seen_where or word == "WHERE"
            seen_form = seen_form or word in ("SELECT", "ASK")
        elif kind == "open" and (seen_where or seen_form):
            return f"{text[: match.end()]} {block}{text[match.end() :]}"
    return f"{text.rstrip()} WHERE {{ {block} }}"
