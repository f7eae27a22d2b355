"""Named SPARQL queries, one question per ``.rq`` file (:mod:`graph.queries.named`), and the one
binder that puts values into query text (:mod:`graph.queries.binder`).

Researchers run the public ones with ``newsgraph query --name NAME --param NAME=VALUE``; the
query page lists them. newsgraph asks the internal ones itself, bound the same way:
``queries.bind(name, bindings)``.

A parameter that names graphs (``GRAPH ?article { … }``) keeps every ``OPTIONAL`` outside its
block, as ``OPTIONAL { GRAPH ?article { … } }``, and its block out of a UNION branch that joins
it with more patterns: Oxigraph evaluates either shape over every graph before the bound values
narrow it, a cost that grows with the store
(``tests/test_queries.py::test_no_optional_inside_or_union_around_the_graph_of_a_parameter``).
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
