"""Named SPARQL queries, one question per ``.rq`` file (:mod:`graph.queries.named`), and the one
binder that puts values into query text (:mod:`graph.queries.binder`).

Researchers run the public ones with ``newsgraph query --name NAME --param NAME=VALUE``; the
query page lists them. newsgraph asks the internal ones itself, bound the same way:
``queries.bind(name, bindings)``.
"""

from __future__ import annotations

from newsgraph.queries.binder import Reading, Value, bind, read
from newsgraph.queries.named import (
    KINDS,
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
    "KINDS",
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
]
