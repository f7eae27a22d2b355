"""Named SPARQL queries: one question per ``.rq`` file, loaded once.

The file's first comment lines say what it answers; lines ``# param NAME: what`` name the
variables a caller binds (as substitutions, never by editing the text). Researchers run them
with ``newsgraph query --name NAME --param NAME=VALUE``; the query page lists them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from graph.errors import NotFound
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
