"""The named queries: one ``.rq`` file per question, read once.

A file starts with comment lines: what the query answers, ``# internal`` for the queries
newsgraph asks itself (the query page does not list them), and one ``# param NAME: what`` line
per variable a caller binds. A parameter whose description says ``(optional`` may be left
unbound; a line of the query ending in ``# when NAME`` (or ``# when A|B``) is part of the query
only when the caller binds that parameter (or one of them): :func:`graph.queries.bind` reads
both.

A parameter may declare the kind of value it takes, in parentheses before the colon:
``# param entity (entity): the entity``. The kinds are :data:`KINDS`; a user may give an
``entity`` by its IRI, name or other name, a ``topic`` by IRI or name, a ``type`` by IRI,
``schema:City`` or ``City``, a ``publisher`` by IRI, host or name, an ``article`` by IRI or
slug, and ``text`` is bound as the plain string typed. :func:`graph.resolve.resolve_params`
turns what was typed into what is bound; a parameter without a kind is bound as
:func:`parameter_term` reads it. Every public query declares the kind of each parameter
(``tests/test_names.py``).

>>> get("entity-articles").kinds
{'entity': 'entity'}
>>> get("entity-articles").params
{'entity': 'the entity (its IRI, name or other name)'}
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
    "KINDS",
    "QUERY_DIR",
    "NamedQuery",
    "applying",
    "check_params",
    "get",
    "load",
    "names",
    "parameter_term",
    "prologue",
]

QUERY_DIR = Path(__file__).resolve().parent
NAME = re.compile(r"[a-z0-9-]+")
_PARAM = re.compile(r"^#\s*param\s+(\w+)(?:\s*\((\w+)\))?\s*:\s*(.*)$")
#: The kinds of value a ``# param NAME (KIND):`` line may declare, and what a user may give.
KINDS: dict[str, str] = {
    "entity": "an entity: its IRI, name or other name",
    "topic": "a topic: its IRI or name",
    "type": "a type: its IRI, a prefixed name (schema:City) or a schema.org name (City)",
    "publisher": "a publisher: its IRI, host name or name",
    "article": "an article: its IRI or slug",
    "text": "a plain string",
}


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    title: str
    params: dict[str, str]
    #: Internal queries (used by newsgraph itself) are not listed on the query page.
    internal: bool
    #: The declared kind of each parameter that declares one (a key of :data:`KINDS`).
    kinds: dict[str, str]

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
    kinds: dict[str, str] = {}
    internal = False
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        param = _PARAM.match(line)
        if param:
            variable, kind, what = param.groups()
            params[variable] = what.strip()
            if kind is not None:
                if kind not in KINDS:
                    raise ValueError(f"{path.name}: param {variable}: unknown kind {kind!r}")
                kinds[variable] = kind
        elif line.strip() == "# internal":
            internal = True
        else:
            title_lines.append(line.lstrip("# ").rstrip())
    title = " ".join(t for t in title_lines if t)
    return NamedQuery(name, text, title, params, internal, kinds)


def load(name: str) -> str:
    """The text of the named query with nothing bound: without the lines that apply only when
    an optional parameter is bound (``# when NAME``), which would leave it unbound in them."""
    return applying(name, frozenset())


#: A line that applies only when one of some parameters is bound: ``… # when NAME|OTHER``.
_WHEN = re.compile(r"#\s*when\s+([\w|]+)\s*$")


@cache
def applying(name: str, bound: frozenset[str]) -> str:
    """The named query with the lines that apply when ``bound`` are bound."""
    text = get(name).text
    if "# when" not in text:
        return text
    kept = []
    for line in text.splitlines():
        condition = _WHEN.search(line)
        if condition and not set(condition.group(1).split("|")) & bound:
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


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
