"""A store behind any SPARQL 1.1 endpoint: queries through SPARQLWrapper, updates per the protocol.

Used for remote triple stores and, locally, to write into a store that a running
``newsgraph serve`` owns (the server then applies the writes and publishes a snapshot).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any

import httpx
import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from graph import sparqltext
from graph.errors import QueryError, StoreError
from graph.sparql import QueryRequest, QueryResponse, check_query, check_update
from graph.store.base import Row, Store, Term

USER_AGENT = "newsgraph"


def term_from_json(binding: Mapping[str, Any]) -> Term:
    kind = binding["type"]
    if kind == "uri":
        return ox.NamedNode(binding["value"])
    if kind == "bnode":
        return ox.BlankNode(binding["value"])
    if kind == "triple":
        value = binding["value"]
        return ox.Triple(
            term_from_json(value["subject"]),  # type: ignore[arg-type]
            term_from_json(value["predicate"]),  # type: ignore[arg-type]
            term_from_json(value["object"]),
        )
    if "xml:lang" in binding:
        return ox.Literal(binding["value"], language=binding["xml:lang"])
    if "datatype" in binding:
        return ox.Literal(binding["value"], datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(binding["value"])


def bind(query: str, bindings: Mapping[str, Term] | None) -> str:
    """Pre-bind variables with a VALUES block in the WHERE group.

    Terms are written by pyoxigraph, which escapes them; no value is pasted in raw.
    """
    if not bindings:
        return query
    return sparqltext.inject_values(query, {name: str(term) for name, term in bindings.items()})


class RemoteStore(Store):
    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        token: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url or query_url
        self._token = token
        self._auth = httpx.BasicAuth(user, password or "") if user else None
        self._timeout = timeout
        self._client = httpx.Client(timeout=timeout, headers=self._headers())

    def _headers(self) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    def _wrapper(self, query: str) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(self.query_url, agent=USER_AGENT)
        wrapper.setMethod(POST)
        wrapper.setReturnFormat(JSON)
        wrapper.setTimeout(int(self._timeout))
        if self._token:
            wrapper.addCustomHttpHeader("Authorization", f"Bearer {self._token}")
        wrapper.setQuery(query)
        return wrapper

    def _json(self, query: str) -> dict[str, Any]:
        try:
            result = self._wrapper(query).queryAndConvert()
        except Exception as error:  # SPARQLWrapper raises many kinds; report them as one
            raise StoreError(f"query to {self.query_url} failed: {_reason(error)}") from None
        if not isinstance(result, dict):
            raise StoreError(f"{self.query_url} did not answer with SPARQL JSON results")
        return result

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> Iterator[Row]:
        body = self._json(bind(query, bindings))
        for binding in body["results"]["bindings"]:
            yield {name: term_from_json(value) for name, value in binding.items()}

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        return bool(self._json(bind(query, bindings)).get("boolean"))

    def construct(
        self, query: str, bindings: Mapping[str, Term] | None = None
    ) -> Iterator[ox.Triple]:
        response = self._post_query(bind(query, bindings), accept="application/n-triples")
        for quad in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES):
            yield quad.triple

    def _post_query(
        self,
        query: str,
        accept: str,
        params: list[tuple[str, str | int | float | bool | None]] | None = None,
    ) -> httpx.Response:
        try:
            response = self._client.post(
                self.query_url,
                params=params or [],
                content=query.encode("utf-8"),
                headers={"Content-Type": "application/sparql-query", "Accept": accept},
                auth=self._auth or httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.HTTPError as error:
            raise StoreError(f"query to {self.query_url} failed: {_reason(error)}") from None
        if response.status_code == 400:
            raise QueryError(response.text[:500])
        if response.status_code >= 300:
            raise StoreError(f"{self.query_url} answered {response.status_code}")
        return response

    def execute(self, request: QueryRequest) -> QueryResponse:
        check_query(request.query, allow_service=request.allow_service)
        params: list[tuple[str, str | int | float | bool | None]] = [
            ("default-graph-uri", g) for g in request.default_graphs
        ]
        params += [("named-graph-uri", g) for g in request.named_graphs]
        accept = ", ".join(dict.fromkeys(t for t in request.media_types.values() if t))
        response = self._post_query(request.query, accept or "*/*", params)
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        kind = next((k for k, t in request.media_types.items() if t == media_type), "solutions")
        return QueryResponse(response.content, media_type, kind)

    def update(self, text: str) -> None:
        check_update(text)
        try:
            response = self._client.post(
                self.update_url,
                content=text.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update"},
                auth=self._auth or httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.HTTPError as error:
            raise StoreError(f"update to {self.update_url} failed: {_reason(error)}") from None
        if response.status_code == 400:
            raise QueryError(_error_text(response))
        if response.status_code >= 300:
            raise StoreError(
                f"update to {self.update_url} answered {response.status_code}: "
                f"{_error_text(response)}"
            )

    def replace_graphs(self, graphs: Sequence[str], quads: Sequence[ox.Quad]) -> None:
        by_graph: dict[str, list[ox.Triple]] = defaultdict(list)
        for quad in quads:
            graph = quad.graph_name
            if not isinstance(graph, ox.NamedNode):
                raise StoreError("replace_graphs takes quads in named graphs only")
            by_graph[graph.value].append(quad.triple)
        parts = [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in graphs]
        inserts = [
            f"GRAPH {ox.NamedNode(g)} {{\n{_ntriples(triples)}}}" for g, triples in by_graph.items()
        ]
        if inserts:
            parts.append("INSERT DATA {\n" + "\n".join(inserts) + "\n}")
        self.update(" ;\n".join(parts))

    def load(
        self, data: bytes | IO[bytes], rdf_format: ox.RdfFormat, graph: str | None = None
    ) -> int:
        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        quads = [
            ox.Quad(q.subject, q.predicate, q.object, target if graph else q.graph_name)
            for q in ox.parse(data, format=rdf_format)
        ]
        self.update("INSERT DATA {\n" + _quad_blocks(quads) + "\n}")
        return len(quads)

    def dump(self, output: IO[bytes], rdf_format: ox.RdfFormat, graph: str | None = None) -> None:
        query = (
            "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
            if graph
            else "SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
        )
        if graph:
            triples = list(self.construct(query, {"g": ox.NamedNode(graph)}))
            output.write(ox.serialize(triples, format=rdf_format) or b"")
            return
        quads = [
            ox.Quad(row["s"], row["p"], row["o"], row.get("g", ox.DefaultGraph()))  # type: ignore[arg-type]
            for row in self.select(query)
        ]
        output.write(ox.serialize(quads, format=rdf_format) or b"")

    def close(self) -> None:
        self._client.close()


def _ntriples(triples: list[ox.Triple]) -> str:
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def _quad_blocks(quads: list[ox.Quad]) -> str:
    by_graph: dict[object, list[ox.Triple]] = defaultdict(list)
    for quad in quads:
        by_graph[quad.graph_name].append(quad.triple)
    blocks = []
    for graph, triples in by_graph.items():
        if isinstance(graph, ox.NamedNode):
            blocks.append(f"GRAPH {graph} {{\n{_ntriples(triples)}}}")
        else:
            blocks.append(_ntriples(triples))
    return "\n".join(blocks)


def _reason(error: BaseException) -> str:
    """The error's kind and message, with any credentials in URLs cut out."""
    text = str(error).split("\n")[0][:300]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _error_text(response: httpx.Response) -> str:
    try:
        return str(json.loads(response.text).get("message", response.text))[:500]
    except (ValueError, AttributeError):
        return response.text[:500]
