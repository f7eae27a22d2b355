"""Querying any SPARQL endpoint with SPARQLWrapper (``newsgraph query --endpoint URL``).

SPARQLWrapper is the client here, through its public API: it sends the query and newsgraph
prints the body as the endpoint wrote it. A refused query is a :class:`~graph.errors.QueryError`,
any other failure (unreachable, an error status, a broken answer) a
:class:`~graph.errors.StoreError`, each naming the URL. Tested in ``tests/test_cli.py``
(``test_query_against_any_endpoint``) and ``tests/test_packaging.py``.
"""

from __future__ import annotations

import http.client

from newsgraph.errors import QueryError, StoreError
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

#: output format → SPARQLWrapper return format, by result kind.
RETURN_FORMATS = {"json": JSON, "csv": CSV, "tsv": TSV, "xml": XML, "turtle": TURTLE,
                  "jsonld": JSONLD, "n3": N3}  # fmt: skip
#: What SPARQLWrapper raises: its own errors for some statuses, urllib's (OSError) for the
#: rest and for the network, http.client's for a broken answer, ValueError for a bad URL.
FAILURES = (SPARQLWrapperException, OSError, http.client.HTTPException, ValueError)


def query_endpoint(url: str, query: str, return_format: str, timeout: float = 60) -> bytes:
    """The raw response body of ``query`` sent to ``url`` asking for ``return_format``."""
    wrapper = SPARQLWrapper(url, agent="newsgraph")
    wrapper.setMethod(POST)
    wrapper.setTimeout(int(timeout))
    wrapper.setQuery(query)
    wrapper.setReturnFormat(RETURN_FORMATS[return_format])
    try:
        body: bytes = wrapper.query().response.read()
    except QueryBadFormed as error:
        raise QueryError(f"{url} refused the query: {_first_line(error)}") from None
    except FAILURES as error:
        message = _first_line(error)
        raise StoreError(f"query to {url} failed: {type(error).__name__}: {message}") from None
    return body


def _first_line(error: BaseException) -> str:
    return str(error).split("\n")[0][:400]
