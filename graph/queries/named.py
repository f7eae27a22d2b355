"""The named queries: one ``.rq`` file per question, read once.

A file starts with comment lines: what the query answers, ``# internal`` for the queries
newsgraph asks itself (the query page does not list them), and one ``# param NAME: what`` line
per variable a caller binds. A parameter whose description says ``(optional`` may be left
unbound; a line of the query ending in ``# when NAME`` (or ``# when A|B``) is part of the query
only when the caller binds that parameter (or one of them): :func:`graph.queries.bind` reads
both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from newsgraph.errors import NotFound, QueryError
from newsgraph.vocab.namespaces import PREFIXES

__all__ = [
    "QUERY_DIR",
    "NamedQuery",
    "check_params",
    "get",
    "load",
    "names",
    "parameter_term",
    "prologue",
]

QUERY_DIR = Path(__file__).resolve().parent
NAME = re.compile(r"[a-z0-9-]+")
_PARAM = re.compile(r"^#\s*param\s+(\w+)\s*:\s*(.*)$")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    title: str
    params: dict[str, str]
    #: Internal queries (used by newsgraph itself) are not listed on the query page.
    internal: bool

    @property
    def optional(self) -> frozenset[str]:
        """The parameters a caller may leave unbound."""
        return frozenset(name for name, what in self.params.items() if "(optional" in what)


@cache
def get(name: str) -> NamedQuery:
    path = QUERY_DIR / f"{name}.rq"
    if not NAME.fullmatch(name) or not path.exists():
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
    """The text of the named query, as its file holds it (nothing bound)."""
    return get(name).text


def names(*, public_only: bool = False) -> list[str]:
    found = sorted(path.stem for path in QUERY_DIR.glob("*.rq"))
    return [n for n in found if not (public_only and get(n).internal)]


def prologue() -> str:
    """PREFIX declarations for every namespace newsgraph uses."""
    return "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())


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
    named = get(name)
    params = named.params
    given = set(given)
    unknown = sorted(given - set(params))
    if unknown:
        raise QueryError(f"{name} has no parameter {unknown[0]!r}; it takes {sorted(params)}")
    missing = sorted(set(params) - named.optional - given)
    if missing:
        raise QueryError(f"{name} needs the parameter {missing[0]!r} ({params[missing[0]]})")
