"""Named SPARQL queries, one question per ``.rq`` file (:mod:`graph.queries.named`), and the one
binder that puts values into query text (:mod:`graph.queries.binder`).

Researchers run the public ones with ``newsgraph query --name NAME --param NAME=VALUE``; the
query page lists them. newsgraph asks the internal ones itself, bound the same way:
``queries.bind(name, bindings)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

from graph.queries.binder import Reading, Value, bind, read
from graph.queries.named import (
    QUERY_DIR,
    NamedQuery,
    check_params,
    get,
    load,
    names,
    parameter_term,
    prologue,
)

__all__ = [
    "QUERY_DIR",
    "NamedQuery",
    "Reading",
    "Value",
    "bind",
    "check_params",
    "get",
    "load",
    "names",
    "parameter_term",
    "prologue",
    "read",
    "values_clause",
]


def values_clause(variable: str, terms: Iterable[ox.NamedNode | ox.Literal]) -> str:
    """Deprecated: a VALUES block to append to a query; :func:`bind` places it instead. Kept only
    until graph/ingest.py binds ``article-versions`` with :func:`bind`."""
    if not re.fullmatch(r"\w+", variable):
        raise ValueError(f"bad variable name {variable!r}")
    return f"VALUES ?{variable} {{ {' '.join(str(term) for term in terms)} }}"
