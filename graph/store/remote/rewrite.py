"""Query rewrites that make Virtuoso answer as SPARQL 1.1 says, each keeping the answers.

They read the query's tokens (strings, IRIs and comments are never touched) and change only
the shape the server stumbles on; :class:`~graph.store.remote.dialects.Virtuoso` applies them.
"""

from __future__ import annotations

import re

#: Variables that :func:`pin_constant_graphs` adds (and answers never show).
PINNED = "_newsgraph_graph_"
_TOKENS = re.compile(
    r"""(?P<comment>\#[^\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\s]*>)
    | (?P<var>[?$]\w+)
    | (?P<pname>[A-Za-z_\u00c0-\uffff][\w.\-]*:[\w.\-:%]*|:[\w.\-:%]*)
    | (?P<word>[A-Za-z_]+)
    | (?P<open>\{)
    | (?P<close>\})
    | (?P<paren>[()])
    | (?P<op>&&|\|\||!=|<=|>=|=|<|>|!)""",
    re.VERBOSE | re.DOTALL,
)


def pin_constant_graphs(text: str) -> str:
    """``GRAPH <g> {…}`` as ``VALUES ?v { <g> } GRAPH ?v {…}`` (same answers).

    Virtuoso answers nothing for ``GRAPH <constant>`` once ``input:*-graph-exclude`` is
    defined, but does answer for a graph variable; the added variables are hidden again.

    >>> pin_constant_graphs('SELECT * { GRAPH <http://g> { ?s ?p "GRAPH <x>" } }')
    'SELECT * { VALUES ?_newsgraph_graph_0 { <http://g> } GRAPH ?_newsgraph_graph_0 { ?s ?p "GRAPH <x>" } }'
    """
    out: list[str] = []
    last = 0
    keyword: re.Match[str] | None = None
    count = 0
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        if kind == "comment":
            continue
        if keyword is not None and kind in ("iri", "pname"):
            variable = f"?{PINNED}{count}"
            count += 1
            out += [text[last : keyword.start()],
                    f"VALUES {variable} {{ {match.group()} }} GRAPH {variable}"]  # fmt: skip
            last = match.end()
        keyword = match if kind == "word" and match.group().upper() == "GRAPH" else None
    out.append(text[last:])
    return "".join(out)


def inline_trailing_values(text: str) -> str:
    """A trailing ``VALUES`` block moved to the start of the WHERE group.

    Virtuoso mis-joins a trailing VALUES with a WHERE group that has a BIND (it overwrites the
    variable instead of joining on it). Inside the group the join is the same, for queries
    without grouping (with grouping, the text is left as it is).

    >>> inline_trailing_values("SELECT ?a WHERE { ?a ?p ?o BIND(1 AS ?x) } VALUES ?a { <http://a> }")
    'SELECT ?a WHERE { VALUES ?a { <http://a> } ?a ?p ?o BIND(1 AS ?x) } '
    """
    tokens = [m for m in _TOKENS.finditer(text) if m.lastgroup != "comment"]
    words = {m.group().upper() for m in tokens if m.lastgroup == "word"}
    if "GROUP" in words or "VALUES" not in words:
        return text
    depth = 0
    group_open: re.Match[str] | None = None
    seen_where = False
    form = None
    for index, match in enumerate(tokens):
        kind = match.lastgroup
        if kind == "word" and depth == 0:
            word = match.group().upper()
            form = form or (word if word in ("SELECT", "ASK", "DESCRIBE", "CONSTRUCT") else None)
            seen_where = seen_where or word == "WHERE"
            if word == "VALUES" and group_open is not None:
                closing = _closing_brace(tokens, index)
                if closing is None:
                    return text
                block = text[match.start() : closing.end()]
                inside = group_open.end()
                return (
                    f"{text[:inside]} {block}{text[inside : match.start()]}{text[closing.end() :]}"
                )
        if kind == "open":
            if depth == 0 and group_open is None and (seen_where or form in ("SELECT", "ASK")):
                group_open = match
            depth += 1
        elif kind == "close":
            depth -= 1
    return text


def _closing_brace(tokens: list[re.Match[str]], start: int) -> re.Match[str] | None:
    depth = 0
    for match in tokens[start:]:
        if match.lastgroup == "open":
            depth += 1
        elif match.lastgroup == "close":
            depth -= 1
            if depth == 0:
                return match
    return None


_CONCAT_AS = re.compile(
    r"GROUP_CONCAT\s*\((?:[^()\"']|\"[^\"]*\"|'[^']*'|\([^()]*\))*\)\s*AS\s*[?$](\w+)",
    re.IGNORECASE,
)


def group_concat_variables(text: str) -> set[str]:
    """The variables a query binds to a ``GROUP_CONCAT``.

    >>> sorted(group_concat_variables('SELECT (GROUP_CONCAT(?a; separator=" | ") AS ?all) {}'))
    ['all']
    """
    return set(_CONCAT_AS.findall(text))


XSD_BOOLEAN = "<http://www.w3.org/2001/XMLSchema#boolean>"
_BOOLEAN_OPS = {"&&", "||", "!=", "<=", ">=", "=", "<", ">", "!"}
_BOOLEAN_WORDS = {"EXISTS", "NOT", "IN", "BOUND", "ISIRI", "ISURI", "ISBLANK", "ISLITERAL",
                  "ISNUMERIC", "ISTRIPLE", "REGEX", "CONTAINS", "STRSTARTS", "STRENDS",
                  "LANGMATCHES", "SAMETERM", "TRUE", "FALSE"}  # fmt: skip


def cast_boolean_bindings(text: str) -> str:
    """``(E AS ?v)`` with a boolean E (in BIND or SELECT) as ``(xsd:boolean(E) AS ?v)``.

    Virtuoso writes every boolean value it computes as the integer 1 or 0; cast, it writes
    ``"1"^^xsd:boolean``, which the dialect then reads as ``true``.

    >>> cast_boolean_bindings("SELECT ?a WHERE { BIND(EXISTS { ?a ?p ?o } AS ?b) BIND(?x + 1 AS ?y) }")
    'SELECT ?a WHERE { BIND(<http://www.w3.org/2001/XMLSchema#boolean>(EXISTS { ?a ?p ?o }) AS ?b) BIND(?x + 1 AS ?y) }'
    >>> cast_boolean_bindings('SELECT (?n > 2 AS ?big) (STR(?n) AS ?s) WHERE { ?x ?p ?n }')
    'SELECT (<http://www.w3.org/2001/XMLSchema#boolean>(?n > 2) AS ?big) (STR(?n) AS ?s) WHERE { ?x ?p ?n }'
    """
    tokens = [m for m in _TOKENS.finditer(text) if m.lastgroup != "comment"]
    opened: list[int] = []  # indexes of the open parentheses
    spans: list[tuple[int, int]] = []
    for index, match in enumerate(tokens):
        if match.lastgroup != "paren":
            continue
        if match.group() == "(":
            opened.append(index)
            continue
        if not opened:
            return text  # unbalanced: leave it to the server to say so
        start = opened.pop()
        if (
            index - start >= 4
            and tokens[index - 1].lastgroup == "var"
            and tokens[index - 2].group().upper() == "AS"
            and _is_boolean(tokens[start + 1 : index - 2])
        ):
            spans.append((tokens[start].end(), tokens[index - 2].start()))
    for begin, end in sorted(spans, reverse=True):
        expression = text[begin:end].strip()
        text = f"{text[:begin]}{XSD_BOOLEAN}({expression}) {text[end:]}"
    return text


def _is_boolean(expression: list[re.Match[str]]) -> bool:
    """Whether an expression's value is a boolean: a boolean operator outside parentheses and
    braces, or a boolean function, EXISTS or a boolean literal as the whole expression."""
    depth = 0
    for match in expression:
        kind, value = match.lastgroup, match.group()
        if kind in ("paren", "open", "close"):
            depth += 1 if value in "({" else -1
        elif depth == 0 and (
            kind == "op" or (kind == "word" and value.upper() in ("IN", "EXISTS"))
        ):
            return True
    first = expression[0]
    return first.lastgroup == "word" and first.group().upper() in _BOOLEAN_WORDS


__all__ = [
    "PINNED",
    "cast_boolean_bindings",
    "group_concat_variables",
    "inline_trailing_values",
    "pin_constant_graphs",
]
