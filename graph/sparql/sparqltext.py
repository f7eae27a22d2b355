"""Reading the shape of a SPARQL text without parsing it: its keywords outside strings, IRIs,
language tags and comments. The engine parses for real; this only answers questions the engine
cannot be asked, such as "does this query name its own dataset?", "which endpoints does its
SERVICE call?" or "where do the protocol's using-graph-uri parameters go in this update?".

The tokens follow the SPARQL 1.1 grammar where it matters for safety: IRIs may hold ``\\u``
escapes, comments end at a carriage return or a line feed, a language tag (``@en-from``,
``@en--ltr``) is one token, as the engine reads it, and escapes outside strings and IRIs are not
decoded (Oxigraph does not decode them either), so a keyword cannot hide from :func:`keywords`
in a way the engine would still read as that keyword.

Oxigraph also reads a keyword with nothing after it to end it: ``trueSERVICE<…>`` is ``true
SERVICE <…>`` and ``SERVICEex:q`` is ``SERVICE ex:q`` to the engine. So a keyword inside a longer
name counts too (:func:`concealed_keywords`), wherever the engine may read it:

* inside a word (a run of name characters with no colon after it): always;
* inside a variable, or the local part of a prefixed name, only past the longest name the
  grammar reads there (``?service`` and ``sd:Service`` stay data; ``e:a%zzSERVICE`` does not);
* inside the prefix of a prefixed name whose prefix is not declared before it: always (the
  engine, failing to resolve it, reads ``trueSERVICE:q`` as ``true SERVICE :q``);
* inside a declared prefix only at its start (or right after ASK or CONSTRUCT, which a dataset
  clause follows directly), only where the grammar lets the keyword stand (SERVICE inside a
  group and just before one; FROM, NAMED, LOAD, USING and WITH at brace depth 0) and not after
  a keyword that wants an IRI (``FROM``, ``GRAPH``, ``WITH``, ``SERVICE``, …): the engine reads
  a declared prefixed name whole wherever an IRI may stand, and tries a keyword at the name's
  start only where the IRI fails;
* never in the label of a prefix declaration (``PREFIX datafrom: <…>``: the grammar reads it
  whole), a language tag, a string, an IRI or a comment.

Where these rules cannot tell, they count the keyword: a declared ``servicex:o`` object just
before a group, a declared ``fromx:f(?x)`` call at brace depth 0 (in a projection or ORDER BY),
``fromx:b`` as a second DESCRIBE target, any name under an undeclared prefix (which the engine
refuses to resolve anyway).

``tests/test_sparqltext_parser.py`` checks these answers against a real parser (rdflib's) on
generated queries and updates, and against the engine itself on names glued to keywords.

Lexing takes time linear in the text: a run of name characters is read once, as a prefixed name
when a colon follows it, else as the words in it (a query of a million characters is lexed in
well under a second, whatever it holds).

>>> sorted(keywords('SELECT * FROM <http://g> WHERE { ?s ?p "SERVICE"@en-service } # LOAD'))
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
from newsgraph.errors import QueryError

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
# SPARQL's LANGTAG, with the base direction of RDF 1.2 that Oxigraph reads (``@ar--rtl``).
_LANGTAG = r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?"
_LOCAL = r"(?:[\w.\-:%\u00c0-\uffff]|\\.)*"
_TOKENS = re.compile(
    rf"""
    (?P<comment>\#[^\r\n]*)
  | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
  | (?P<string>'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<langtag>{_LANGTAG})
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
    """Bare words (keywords, function names) outside strings, IRIs, language tags, comments and
    names."""
    return [lexeme.upper() for kind, lexeme, _, _ in _lexemes(text) if kind == "word"]


def keywords(text: str) -> set[str]:
    return set(words(text))


# The keywords a dataset clause follows directly: a declared prefix ``askfrom:`` conceals FROM.
_LEADS = ("", "ASK", "CONSTRUCT")
# The keywords the grammar lets stand only at brace depth 0 (dataset and update clauses).
_OUTSIDE = frozenset({"FROM", "LOAD", "NAMED", "USING", "WITH"})
# The keywords after which the grammar wants an IRI (or NAMED, DEFAULT, GRAPH, SILENT, ALL):
# a declared prefixed name right after one is read whole.
_IRI_AFTER = frozenset(
    {"DESCRIBE", "FROM", "GRAPH", "LOAD", "NAMED", "SERVICE", "SILENT", "TO", "USING", "WITH"}
)


def _stands(keyword: str, token: Token, after: Token | None) -> bool:
    """Whether the grammar lets ``keyword`` stand where ``token`` is: SERVICE inside a group and
    just before one (``SERVICE e:q {``), FROM/NAMED/LOAD/USING/WITH outside every group."""
    if keyword == "SERVICE":
        return token.depth > 0 and after is not None and after.kind == "open"
    if keyword in _OUTSIDE:
        return token.depth == 0
    return True


def _rest(name: str, grammar: re.Pattern[str]) -> str:
    """What of ``name`` is left after the longest name the grammar reads at its start."""
    match = grammar.match(name)
    return name[match.end() :] if match else name


def _conceals(
    token: Token, keyword: str, declared: set[str], before: Token | None, after: Token | None
) -> bool:
    """Whether the engine may read ``keyword`` inside ``token`` (not the token itself), given the
    prefixes ``declared`` before it and the tokens ``before`` and ``after`` it (see the module's
    docstring)."""
    upper = token.text.upper()
    if keyword not in upper or upper == keyword:
        return False
    if token.kind == "word":
        return True
    if token.kind == "var":
        return keyword in _rest(token.text[1:], _VARNAME).upper()
    if token.kind != "pname":
        return False
    prefix, _, local = token.text.partition(":")
    if keyword in _rest(local, _PN_LOCAL).upper():
        return True
    if keyword not in prefix.upper():
        return False
    if prefix not in declared:
        return True
    if before is not None and before.word in _IRI_AFTER:
        return False
    return prefix.upper().startswith(tuple(lead + keyword for lead in _LEADS)) and _stands(
        keyword, token, after
    )


def _readings(text: str, wanted: tuple[str, ...]) -> Iterator[tuple[Token, str, bool]]:
    """``(token, keyword, concealed)`` for each of the upper-case ``wanted`` keywords the engine
    may read in a token: as the word itself, or concealed in a longer name. Lexes only when one
    of them appears in the text at all (most queries name neither SERVICE nor FROM)."""
    upper = text.upper()
    if not any(keyword in upper for keyword in wanted):
        return
    stream = list(tokens(text))
    declared: set[str] = set()
    for index, token in enumerate(stream):
        if token.kind == "pname" and index and stream[index - 1].word == "PREFIX":
            prefix, _, local = token.text.partition(":")
            if not local:
                declared.add(prefix)
            continue  # a prefix declaration's label: the grammar reads it whole
        before = stream[index - 1] if index else None
        after = stream[index + 1] if index + 1 < len(stream) else None
        for keyword in wanted:
            if token.word == keyword:
                yield token, keyword, False
            elif _conceals(token, keyword, declared, before, after):
                yield token, keyword, True


def concealed_keywords(text: str, wanted: tuple[str, ...]) -> set[str]:
    """Which of the upper-case ``wanted`` keywords ``text`` holds inside a longer name, where
    the engine may still read them as keywords. tests/test_sparqltext_parser.py checks it
    against the engine (``test_concealed_where_the_engine_reads_them``, a table, and glued
    texts) and against rdflib's parser (no keyword hides in a text it parses).

    >>> sorted(concealed_keywords("SELECT * { ?s ?p trueSERVICE<http://x/> {} }", ("SERVICE",)))
    ['SERVICE']
    >>> concealed_keywords("SELECT ?service { ?service a sd:Service }", ("SERVICE",))
    set()
    >>> concealed_keywords("PREFIX myservice: <http://x/> SELECT * { ?s myservice:p ?o }",
    ...                    ("SERVICE",))
    set()
    """
    return {keyword for _, keyword, concealed in _readings(text, wanted) if concealed}


def keywords_among(text: str, wanted: tuple[str, ...]) -> set[str]:
    """Which of the upper-case ``wanted`` keywords ``text`` uses, as words of their own or
    concealed in longer names where the engine may read them (see :func:`concealed_keywords`).

    >>> sorted(keywords_among('SELECT * FROM <g> { ?s ?p "service"@en-service }',
    ...                       ("SERVICE", "FROM")))
    ['FROM']
    >>> keywords_among("PREFIX e: <http://x/> SELECT * { SERVICEe:q {} }", ("SERVICE",))
    {'SERVICE'}
    """
    return {keyword for _, keyword, _ in _readings(text, wanted)}


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword, else None."""
    for word in words(text):
        if word in FORMS:
            return word
    return None


def has_dataset_clause(text: str) -> bool:
    """True when the query names its own dataset with FROM or FROM NAMED: a FROM the engine
    reads (as a word, or glued as in ``SELECT*FROM<g>`` or ``ASKFROM<g>``) at brace depth 0,
    the only place the grammar has a dataset clause (between the query form and its WHERE
    group; a subquery cannot have one). A FROM in a prefix label, a local name, a variable, a
    language tag, a string, an IRI or a comment is data, not a dataset clause.

    Tests: tests/test_dataset_union.py (the union default graph survives such queries, in
    process and through a real server), tests/test_sparqltext_parser.py (the answer equals
    rdflib's parser on generated queries, and the engine's on glued keywords).

    >>> has_dataset_clause("PREFIX datafrom: <http://schema.org/> "
    ...                    "SELECT * { ?a datafrom:headline ?h FILTER(?h != 'x'@en-from) }")
    False
    >>> has_dataset_clause("SELECT * FROM NAMED <http://g> { GRAPH ?g { ?s ?p ?o } }")
    True
    """
    return any(token.depth == 0 for token, _, _ in _readings(text, ("FROM",)))


def has_update_dataset_clause(text: str) -> bool:
    """True when an update names its own dataset with USING, USING NAMED or WITH: a USING or
    WITH the engine reads at brace depth 0 (``WITHe:g`` included; ``"x"@de-with`` and
    ``PREFIX using: <…>`` are data). Tested against rdflib's parser in
    tests/test_sparqltext_parser.py."""
    return any(token.depth == 0 for token, _, _ in _readings(text, ("USING", "WITH")))


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
    dataset (USING or WITH, as :func:`has_update_dataset_clause` reads it) cannot also take the
    parameters: that is an error (400), and so is a WHERE glued into a longer word at brace
    depth 0 (``DELETEWHERE{…}``, which the engine reads as DELETE WHERE), whose dataset this
    could not set. tests/test_sparqltext.py runs the rewritten updates on the engine;
    tests/test_sparqltext_parser.py checks with rdflib's parser that every operation with a
    WHERE gets the clauses, whatever keywords its names, tags and strings hold.

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
    for token, _, concealed in _readings(text, ("WHERE",)):
        if concealed and token.kind == "word" and token.depth == 0:
            raise QueryError(
                f"malformed update: {token.text!r} holds WHERE; with using-graph-uri or "
                "using-named-graph-uri, WHERE must stand as a word of its own"
            )
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
