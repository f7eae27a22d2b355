"""Reading the shape of a SPARQL text without parsing it: its keywords outside strings, IRIs and
comments. The engine parses for real; this only answers questions the engine cannot be asked,
such as "does this query name its own dataset?", "which endpoints does its SERVICE call?" or
"where do the protocol's using-graph-uri parameters go in this update?".

The tokens follow the SPARQL 1.1 grammar where it matters for safety: IRIs may hold ``\\u``
escapes, comments end at a carriage return or a line feed, and escapes outside strings and IRIs
are not decoded (Oxigraph does not decode them either), so a keyword cannot hide from
:func:`keywords` in a way the engine would still read as that keyword.

Oxigraph also reads a keyword with nothing after it to end it: ``trueSERVICE<…>`` is ``true
SERVICE <…>`` and ``SERVICEex:q`` is ``SERVICE ex:q`` to the engine. So a keyword inside a longer
name counts too (:func:`concealed_keywords`): inside a word or the prefix of a prefixed name;
inside a variable or the local part of a prefixed name only when that is not exactly what the
grammar reads as one (the engine then reads no keyword there). ``?service`` and ``sd:Service``
stay data.

Lexing takes time linear in the text: a run of name characters is read once, as a prefixed name
when a colon follows it, else as the words in it (a query of a million characters is lexed in
well under a second, whatever it holds).

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
_LOCAL = r"(?:[\w.\-:%\u00c0-\uffff]|\\.)*"
_TOKENS = re.compile(
    rf"""
    (?P<comment>\#[^\r\n]*)
  | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
  | (?P<string>'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<name>[A-Za-z_\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*(?::{_LOCAL})?|:{_LOCAL})
  | (?P<open>\{{)
  | (?P<close>\}})
    """,
    re.VERBOSE | re.DOTALL,
)

_WORD = re.compile(r"[A-Za-z_]+")

# The grammar's own name characters (SPARQL 1.1, section 19.8), to tell where the engine reads
# a variable or a local name whole.
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_VARNAME = re.compile(f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*")
_PN_LOCAL = re.compile(
    f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
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


def _lexemes(text: str) -> Iterator[tuple[str, str, int, int]]:
    """``(kind, text, start, end)`` of every token, comments included: a run of name characters
    is a ``pname`` when a colon follows it, else the ``word`` tokens in it."""
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        if kind != "name":
            yield kind, match.group(), match.start(), match.end()
        elif ":" in match.group():
            yield "pname", match.group(), match.start(), match.end()
        else:
            offset = match.start()
            for word in _WORD.finditer(match.group()):
                yield "word", word.group(), offset + word.start(), offset + word.end()


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of ``text`` (comments dropped), with their brace depth."""
    depth = 0
    for kind, lexeme, start, end in _lexemes(text):
        if kind == "comment":
            continue
        if kind == "close":
            depth = max(0, depth - 1)
        yield Token(kind, lexeme, start, end, depth)
        if kind == "open":
            depth += 1


def words(text: str) -> list[str]:
    """Bare words (keywords, function names) outside strings, IRIs, comments and names."""
    return [lexeme.upper() for kind, lexeme, _, _ in _lexemes(text) if kind == "word"]


def keywords(text: str) -> set[str]:
    return set(words(text))


def _conceals(kind: str, lexeme: str, keyword: str) -> bool:
    """Whether ``keyword`` inside the token ``lexeme`` (not the token itself) may be read by the
    engine as that keyword."""
    upper = lexeme.upper()
    if keyword not in upper or upper == keyword:
        return False
    if kind == "word":
        return True
    if kind == "var":
        return not _VARNAME.fullmatch(lexeme[1:])
    if kind == "pname":
        prefix, _, local = lexeme.partition(":")
        return keyword in prefix.upper() or (
            keyword in local.upper() and not _PN_LOCAL.fullmatch(local)
        )
    return False


def concealed_keywords(text: str, wanted: tuple[str, ...]) -> set[str]:
    """Which of the upper-case ``wanted`` keywords ``text`` holds inside a longer name, where
    the engine may still read them as keywords.

    >>> sorted(concealed_keywords("SELECT * { ?s ?p trueSERVICE<http://x/> {} }", ("SERVICE",)))
    ['SERVICE']
    >>> concealed_keywords("SELECT ?service { ?service a sd:Service }", ("SERVICE",))
    set()
    """
    upper = text.upper()
    if not any(word in upper for word in wanted):
        return set()
    return {
        keyword
        for kind, lexeme, _, _ in _lexemes(text)
        if kind in ("word", "var", "pname")
        for keyword in wanted
        if _conceals(kind, lexeme, keyword)
    }


def keywords_among(text: str, wanted: tuple[str, ...]) -> set[str]:
    """Which of the upper-case ``wanted`` keywords ``text`` uses, as words of their own or
    concealed in longer names, lexing only when one of them appears in it at all (most queries
    name neither SERVICE nor FROM: no lexing for them).

    >>> sorted(keywords_among('SELECT * FROM <g> { ?s ?p "service" }', ("SERVICE", "FROM")))
    ['FROM']
    >>> keywords_among("PREFIX e: <http://x/> SELECT * { SERVICEe:q {} }", ("SERVICE",))
    {'SERVICE'}
    """
    upper = text.upper()
    if not any(word in upper for word in wanted):
        return set()
    return (keywords(text) & set(wanted)) | concealed_keywords(text, wanted)


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
    for kind, lexeme, _, end in _lexemes(text):
        if kind == "word":
            word = lexeme.upper()
            seen_where = seen_where or word == "WHERE"
            seen_form = seen_form or word in ("SELECT", "ASK")
        elif kind == "open" and (seen_where or seen_form):
            return f"{text[:end]} {block}{text[end:]}"
    return f"{text.rstrip()} WHERE {{ {block} }}"


def substitute(text: str, values: dict[str, str]) -> str:
    """Replace each occurrence of the variables in ``values`` by its term, in every scope.

    Unlike :func:`inject_values`, this reaches into subqueries and MINUS groups, which a VALUES
    block outside them does not bind. The terms are written in SPARQL syntax by pyoxigraph.

    >>> substitute('SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?p ?d FILTER(?d < ?x) } } }',
    ...            {"x": '"1"'})
    'SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?p ?d FILTER(?d < "1") } } }'
    >>> substitute('SELECT ?xy WHERE { ?xy ?p "?x" }', {"x": "<http://x>"})  # whole names only
    'SELECT ?xy WHERE { ?xy ?p "?x" }'
    """
    parts, last = [], 0
    for kind, lexeme, start, end in _lexemes(text):
        if kind == "var" and lexeme[1:] in values:
            parts += [text[last:start], values[lexeme[1:]]]
            last = end
    return "".join(parts) + text[last:]
