"""Reading the shape of a SPARQL text without parsing it: its keywords outside strings, IRIs and
comments. The engine parses for real; this only answers questions the engine cannot be asked,
such as "does this query name its own dataset?" or "does it use SERVICE?".

>>> sorted(keywords('SELECT * FROM <http://g> WHERE { ?s ?p "SERVICE" } # LOAD'))
['FROM', 'SELECT', 'WHERE']
>>> query_form('PREFIX s: <http://schema.org/> ASK { ?a s:name "x" }')
'ASK'
"""

from __future__ import annotations

import re

_TOKENS = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
  | (?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<pname>[A-Za-z_\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*:[\w.\-:%\\\u00c0-\uffff]*|:[\w.\-:%\\\u00c0-\uffff]*)
  | (?P<word>[A-Za-z_]+)
  | (?P<brace>\{)
    """,
    re.VERBOSE | re.DOTALL,
)

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def words(text: str) -> list[str]:
    """Bare words (keywords, function names) outside strings, IRIs, comments and names."""
    found = []
    for match in _TOKENS.finditer(text):
        if match.lastgroup == "word":
            found.append(match.group().upper())
    return found


def keywords(text: str) -> set[str]:
    return set(words(text))


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword, else None."""
    for word in words(text):
        if word in FORMS:
            return word
    return None


def has_dataset_clause(text: str) -> bool:
    """True when the query names its own dataset with FROM or FROM NAMED."""
    return "FROM" in keywords(text)


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
        elif kind == "brace" and (seen_where or seen_form):
            return f"{text[: match.end()]} {block}{text[match.end() :]}"
    return f"{text.rstrip()} WHERE {{ {block} }}"
