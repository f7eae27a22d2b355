"""Querying any SPARQL endpoint with SPARQLWrapper (``newsgraph query --endpoint URL``)."""

from __future__ import annotations

from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, TSV, TURTLE, XML, SPARQLWrapper

from graph.errors import QueryError, StoreError

#: output format → SPARQLWrapper return format, by result kind.
RETURN_FORMATS = {"json": JSON, "csv": CSV, "tsv": TSV, "xml": XML, "turtle": TURTLE,
                  "jsonld": JSONLD, "n3": N3}  # fmt: skip


def query_endpoint(url: str, query: str, return_format: str, timeout: float = 60) -> bytes:
    """The raw response body of ``query`` sent to ``url`` asking for ``return_format``."""
    wrapper = SPARQLWrapper(url, agent="newsgraph")
    wrapper.setMethod(POST)
    wrapper.setTimeout(int(timeout))
    wrapper.setQuery(query)
    wrapper.setReturnFormat(RETURN_FORMATS[return_format])
    try:
        response = wrapper.query().response
        body: bytes = response.read()
    except Exception as error:  # SPARQLWrapper raises its own and urllib's errors
        message = str(error).split("\n")[0][:400]
        if "QueryBadFormed" in type(error).__name__:
            raise QueryError(f"{url} refused the query: {message}") from None
        raise StoreError(f"query to {url} failed: {type(error).__name__}: {message}") from None
    return body
