"""Named SPARQL queries: one question per ``.rq`` file, loaded once.

The file's first comment lines say what it answers; lines ``# param NAME: what`` name the
variables a caller binds (as substitutions, never by editing the text). Researchers run them
with ``newsgraph query --name NAME --param NAME=VALUE``; the query page lists them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from graph import sparqltext
from graph.errors import NotFound, QueryError
from vocab.namespaces import PREFIXES

QUERY_DIR = Path(__file__).resolve().parent
_PARAM = re.compile(r"^#\s*param\s+(\w+)\s*:\s*(.*)$")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    title: str
    params: dict[str, str]
    #: Internal queries (used by newsgraph itself) are not listed on the query page.
    internal: bool


@cache
def get(name: str) -> NamedQuery:
    path = QUERY_DIR / f"{name}.rq"
    if not re.fullmatch(r"[a-z0-9-]+", name) or not path.exists():
        raise NotFound(f"no named query {name!r}; known: {', '.join(names())}")
    text = path.read_text("utf-8")
    title_lines: list[str] = []
    params: dict[str, str] = {}
    internal = False
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        param = _PARAM.match(line)
        if param:
            params[param.group(1)] = param.group(2).strip()
        elif line.strip() == "# internal":
            internal = True
        else:
            title_lines.append(line.lstrip("# ").rstrip())
    return NamedQuery(name, text, " ".join(t for t in title_lines if t), params, internal)


def load(name: str) -> str:
    """The text of the named query."""
    return get(name).text


def names(*, public_only: bool = False) -> list[str]:
    found = sorted(path.stem for path in QUERY_DIR.glob("*.rq"))
    return [n for n in found if not (public_only and get(n).internal)]


def prologue() -> str:
    """PREFIX declarations for every namespace newsgraph uses."""
    return "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())


def values_clause(variable: str, terms: Iterable[ox.NamedNode | ox.Literal]) -> str:
    """A VALUES block binding ``variable`` to many terms, each written by pyoxigraph (escaped)."""
    if not re.fullmatch(r"\w+", variable):
        raise ValueError(f"bad variable name {variable!r}")
    return f"VALUES ?{variable} {{ {' '.join(str(term) for term in terms)} }}"


def parameter_term(value: str) -> ox.NamedNode | ox.Literal:
    """A parameter value as a term: ``<IRI>`` or an http(s)/urn IRI is an IRI, the rest text.

    >>> parameter_term("http://localhost:8000/entity/kazakhstan")
    <NamedNode value=http://localhost:8000/entity/kazakhstan>
    >>> parameter_term("Kazakhstan")
    <Literal value=Kazakhstan datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>
    """
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    elif not value.startswith(("http://", "https://", "urn:")):
        return ox.Literal(value)
    try:
        return ox.NamedNode(value)
    except ValueError:
        raise QueryError(f"not an IRI: {value!r}") from None


def check_params(name: str, given: Iterable[str]) -> None:
    """Raise :class:`QueryError` naming a parameter ``name`` does not take or one it lacks."""
    params = get(name).params
    given = set(given)
    unknown = sorted(given - set(params))
    if unknown:
        raise QueryError(f"{name} has no parameter {unknown[0]!r}; it takes {sorted(params)}")
    missing = sorted(set(params) - given)
    if missing:
        raise QueryError(f"{name} needs the parameter {missing[0]!r} ({params[missing[0]]})")


def bind(name: str, values: Mapping[str, str]) -> str:
    """The named query's text with its parameters bound by a VALUES block (terms written by
    pyoxigraph, so escaped): what ``newsgraph query --name`` runs and the query page shows.

    >>> print(bind("entity-names", {"entity": "http://n.example/entity/x"}).splitlines()[3])
    SELECT ?name ?alternateName ?type WHERE { VALUES (?entity) { (<http://n.example/entity/x>) }
    """
    check_params(name, values)
    terms = {key: str(parameter_term(value)) for key, value in values.items()}
    return sparqltext.inject_values(get(name).text, terms)
