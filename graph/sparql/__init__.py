"""Running one SPARQL protocol request on a pyoxigraph store: dataset, safety checks, formats.

The same function serves the CLI (in-process) and the server's query workers (in a process that
can be killed when the query runs too long).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from newsgraph.errors import NotAcceptable, QueryError, QueryRefused
from newsgraph.sparql import federation, results, sparqltext

KINDS = ("solutions", "boolean", "graph")


@dataclass(frozen=True)
class QueryRequest:
    """One query with its protocol parameters.

    ``media_types`` maps each result kind (solutions, boolean, graph) to the media type chosen
    for it by content negotiation, or None when the client accepts none for that kind.
    """

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    media_types: dict[str, str | None] = field(
        default_factory=lambda: {
            "solutions": results.JSON,
            "boolean": results.JSON,
            "graph": "text/turtle",
        }
    )
    row_limit: int = 0
    base_iri: str | None = None
    allow_service: bool = False


@dataclass(frozen=True)
class QueryResponse:
    body: bytes
    media_type: str
    kind: str
    truncated: bool = False
    rows: int = 0


def check_query(text: str, *, allow_service: bool = False, base_iri: str | None = None) -> None:
    """Refuse what a public endpoint must not run: SERVICE unless allowed, and then only to
    public addresses (see :mod:`graph.sparql.federation`).

    SERVICE counts wherever the engine would read it: as a word, or concealed in a longer name
    (``trueSERVICE<…>``, ``SERVICEe:q``; :func:`graph.sparql.sparqltext.concealed_keywords`), which is
    refused even when SERVICE is allowed, since its endpoint cannot be checked. It does not
    count where the engine reads data: a language tag (``"x"@en-service``), a declared prefix
    (``PREFIX myservice: <…>``), a variable, a string, an IRI or a comment. Tests:
    tests/test_safety.py (nothing is fetched), tests/test_sparqltext_parser.py (the refusal
    equals rdflib's parser on generated queries and is never laxer than the engine).
    """
    if not sparqltext.keywords_among(text, ("SERVICE",)):
        return
    if not allow_service:
        raise QueryRefused("SERVICE (federated query) is disabled on this endpoint")
    if sparqltext.concealed_keywords(text, ("SERVICE",)):
        raise QueryRefused(
            "SERVICE must stand as a word of its own (with a space or a bracket on each side), "
            "so that its endpoint can be checked"
        )
    for target in sparqltext.service_targets(text, base_iri):
        federation.check_endpoint(target)


def check_update(text: str) -> None:
    """Refuse LOAD (it would make the server read files or fetch URLs) and SERVICE, read as
    :func:`check_query` reads SERVICE (``LOADSILENT<…>`` is refused, ``"x"@en-load`` is data).
    Tests: tests/test_safety.py, tests/test_sparqltext_parser.py."""
    found = sparqltext.keywords_among(text, ("LOAD", "SERVICE"))
    if "LOAD" in found:
        raise QueryRefused("LOAD is disabled: the server never reads files or fetches URLs")
    if "SERVICE" in found:
        raise QueryRefused("SERVICE is disabled in updates")


def dataset_options(
    text: str, default_graphs: tuple[str, ...], named_graphs: tuple[str, ...]
) -> dict[str, object]:
    """pyoxigraph options for the request's dataset.

    Protocol parameters win over FROM in the query (a default graph left unnamed is then empty,
    as is the set of named graphs); a query with neither sees the union of all graphs as its
    default graph and every named graph. pyoxigraph's union option would override a FROM, so
    whether the query has one is read from its tokens
    (:func:`graph.sparql.sparqltext.has_dataset_clause`), never from substrings: ``PREFIX datafrom:``
    or ``"x"@en-from`` keep the union. Tests: tests/test_dataset_union.py.
    """
    options: dict[str, object] = {}
    if default_graphs or named_graphs:
        try:
            options["default_graph"] = [ox.NamedNode(iri) for iri in default_graphs]
            options["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs]
        except ValueError as error:
            raise QueryError(f"default-graph-uri / named-graph-uri: {error}") from None
    elif not sparqltext.has_dataset_clause(text):
        options["use_default_graph_as_union"] = True
    return options


def execute(store: ox.Store, request: QueryRequest) -> QueryResponse:
    check_query(request.query, allow_service=request.allow_service, base_iri=request.base_iri)
    options = dataset_options(request.query, request.default_graphs, request.named_graphs)
    try:
        outcome = store.query(request.query, base_iri=request.base_iri, **options)  # type: ignore[arg-type]
    except SyntaxError as error:
        raise QueryError(f"malformed query: {error}") from None
    except ValueError as error:
        raise QueryError(str(error)) from None
    if isinstance(outcome, ox.QueryBoolean):
        media_type = _pick(request, "boolean")
        body = results.write_boolean(bool(outcome), results.BOOLEAN_TYPES[media_type])
        return QueryResponse(body, media_type, "boolean", rows=1)
    if isinstance(outcome, ox.QuerySolutions):
        media_type = _pick(request, "solutions")
        names = [variable.value for variable in outcome.variables]
        rows, truncated = results.capped(
            ([solution[i] for i in range(len(names))] for solution in outcome), request.row_limit
        )
        body = results.write_solutions(names, rows, results.SOLUTION_TYPES[media_type])  # type: ignore[arg-type]
        return QueryResponse(body, media_type, "solutions", truncated, len(rows))
    media_type = _pick(request, "graph")
    triples, truncated = results.capped(outcome, request.row_limit)
    body = results.write_triples(triples, results.GRAPH_TYPES[media_type])  # type: ignore[arg-type]
    return QueryResponse(body, media_type, "graph", truncated, len(triples))


def _pick(request: QueryRequest, kind: str) -> str:
    media_type = request.media_types.get(kind)
    if media_type is None:
        raise NotAcceptable(
            f"no acceptable format for {kind} results; the Accept header allows none"
        )
    return media_type


def update(store: ox.Store, text: str, base_iri: str | None = None) -> None:
    check_update(text)
    try:
        store.update(text, base_iri=base_iri)
    except SyntaxError as error:
        raise QueryError(f"malformed update: {error}") from None
    except ValueError as error:
        raise QueryError(str(error)) from None
