"""The OpenAPI description of the HTTP API, served at ``/openapi.json``.

FastAPI describes the page and analysis routes from their signatures; the routes add, through
:func:`responses`, the media types they answer with and the error statuses they can give. This
module adds what FastAPI cannot see:

* ``/sparql``, a plain Starlette route (for speed), described by hand from :mod:`api.protocol`:
  GET and POST, every protocol parameter, the three request media types and every result format;
* the one error body (``Error``, see :mod:`api.errors`), also served as an HTML page to browsers;
* a request that fails validation answers 400 in that shape (not FastAPI's 422).

``tests/test_openapi.py`` checks the description against the app's routes, and
``tests/test_schemathesis.py`` sends generated requests from it to a running server.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from newsgraph.api.routes.sparql import BOOLEAN_OFFERS, GRAPH_OFFERS, SOLUTION_OFFERS
from pydantic import BaseModel, Field

__all__ = ["ErrorBody", "install", "responses", "sparql_path"]

ERROR_REF = "#/components/schemas/Error"

#: Why each error status is given, in words a client can act on.
STATUS_TEXT: dict[int, str] = {
    400: "a malformed request: a bad parameter, query or update (`bad-query`, `bad-request`)",
    401: "an update without `Authorization: Bearer <token>` (`unauthorized`)",
    403: "read-only endpoint, a wrong token, or SERVICE/LOAD refused (`forbidden`, `refused`)",
    404: "nothing is known here (`not-found`)",
    406: "no format the client accepts is offered (`not-acceptable`)",
    408: "the body took over NEWSGRAPH_REQUEST_TIMEOUT seconds to arrive (`request-timeout`)",
    413: "the request body is over NEWSGRAPH_MAX_REQUEST_BYTES (`too-large`)",
    415: "a request body that is not SPARQL, a form, or not UTF-8 (`unsupported-media-type`)",
    503: "the query ran past NEWSGRAPH_QUERY_TIMEOUT and was stopped (`timeout`)",
}
TEXT = {"schema": {"type": "string"}}
ANY_JSON: dict[str, Any] = {"schema": {}}


class ErrorBody(BaseModel):
    """The one error body of the API."""

    model_config = {"title": "Error"}

    error: str = Field(description="a short stable code, e.g. `bad-query`")
    message: str = Field(description="what went wrong, for a person to read")
    status: int = Field(description="the HTTP status, repeated")
    candidates: list[dict[str, str | None]] = Field(
        default_factory=list,
        description="only for a name that fits several resources or none: what it may have "
        "meant, each `{iri, name, url}` (`url`: its page here, or null)",
    )


def _error(status: int) -> dict[str, Any]:
    return {
        "description": STATUS_TEXT[status],
        "content": {"application/json": {"schema": {"$ref": ERROR_REF}}, "text/html": TEXT},
    }


def _body(media_type: str) -> dict[str, Any]:
    """Any JSON for the JSON types (JSON, JSON-LD, SPARQL JSON results), else text."""
    is_json = media_type == "application/json" or media_type.endswith("+json")
    return ANY_JSON if is_json else TEXT


def responses(
    *statuses: int, content: Iterable[str] = (), not_modified: bool = False
) -> dict[int | str, dict[str, Any]]:
    """A route's ``responses=``: the media types of its 200 (when not FastAPI's JSON) and the
    error statuses it answers with (each as the one error body)."""
    described: dict[int | str, dict[str, Any]] = {}
    media_types = list(content)
    if media_types:
        described[200] = {"content": {media_type: _body(media_type) for media_type in media_types}}
    if not_modified:
        described[304] = {"description": "not modified since the validators the client sent"}
    for status in statuses:
        described[status] = _error(status)
    return described


#: A graph IRI; a relative one resolves against the endpoint's URL.
IRI = {"type": "string", "format": "iri-reference", "minLength": 1}


def _list(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "array", "items": IRI},
        "style": "form",
        "explode": True,
    }


DEFAULT_GRAPH = _list("default-graph-uri", "a graph of the default graph (overrides FROM)")
NAMED_GRAPH = _list("named-graph-uri", "a named graph of the dataset (overrides FROM NAMED)")
USING_GRAPH = _list("using-graph-uri", "for an update: a graph of its default graph (USING)")
USING_NAMED = _list("using-named-graph-uri", "for an update: a named graph (USING NAMED)")
CONDITIONAL = [
    {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}},
    {"name": "If-Modified-Since", "in": "header", "required": False, "schema": {"type": "string"}},
]
CURSOR_PARAMETERS = [
    {"name": "before", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "the page of articles published before this date-time (with `after`)"},
    {"name": "after", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "… and after this article IRI, in list order (with `before`)"},
]  # fmt: skip
ANSWER_HEADERS = {
    "NewsGraph-Truncated": {
        "description": "`true` when the answer was cut at the row limit",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "NewsGraph-Row-Limit": {
        "description": "the row limit, when the answer was cut",
        "schema": {"type": "string"},
    },
}


#: SPARQL 1.1 Query Results JSON: a head, and either results or a boolean.
RESULTS_JSON = {
    "type": "object",
    "required": ["head"],
    "properties": {
        "head": {"type": "object"},
        "results": {
            "type": "object",
            "required": ["bindings"],
            "properties": {"bindings": {"type": "array", "items": {"type": "object"}}},
        },
        "boolean": {"type": "boolean"},
    },
}


def _answer_content() -> dict[str, Any]:
    offered = dict.fromkeys([*SOLUTION_OFFERS, *BOOLEAN_OFFERS, *GRAPH_OFFERS])
    content = {media_type: _body(media_type) for media_type in offered}
    for media_type in ("application/sparql-results+json", "application/json"):
        content[media_type] = {"schema": RESULTS_JSON}
    return content


#: Queries of each form and an update, for the description's readers and for schemathesis.
QUERY_EXAMPLES = {
    "select": "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
    "ask": "ASK { ?article a <http://schema.org/NewsArticle> }",
    "construct": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3",
    "describe": "DESCRIBE ?s WHERE { ?s a <http://schema.org/NewsArticle> } LIMIT 1",
}
UPDATE_EXAMPLE = "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 1 } }"


def _examples(texts: dict[str, str]) -> dict[str, Any]:
    return {name: {"value": text} for name, text in texts.items()}


def _operation(summary: str, parameters: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "tags": ["SPARQL 1.1 Protocol"],
        "summary": summary,
        "parameters": parameters,
        **extra,
    }


def sparql_path() -> dict[str, Any]:
    """The path item of ``/sparql`` (see :mod:`api.protocol` and :mod:`api.routes.sparql`)."""
    answer = {
        "description": "query results (SELECT/ASK) or a graph (CONSTRUCT/DESCRIBE); without a "
        "query, the service description",
        "headers": ANSWER_HEADERS,
        "content": _answer_content(),
    }
    query_errors = {status: _error(status) for status in (400, 403, 406, 503)}
    get = _operation(
        "A query by GET; without one, the service description",
        [
            {
                "name": "query",
                "in": "query",
                "required": False,
                "description": "the SPARQL query (without it: the service description)",
                "schema": {"type": "string"},
                "examples": _examples(QUERY_EXAMPLES),
            },
            DEFAULT_GRAPH,
            NAMED_GRAPH,
            *CONDITIONAL,
        ],
        operationId="sparql_get",
        responses={
            "200": answer,
            "304": {"description": "not modified since the validators the client sent"},
            **{str(status): body for status, body in query_errors.items()},
        },
    )
    form = {
        "type": "object",
        "properties": {
            "query": {"type": "string"},
            "update": {"type": "string"},
            **{
                parameter["name"]: parameter["schema"]
                for parameter in (DEFAULT_GRAPH, NAMED_GRAPH, USING_GRAPH, USING_NAMED)
            },
        },
    }
    post = _operation(
        "A query or an update by POST (form or direct); updates need a bearer token",
        [DEFAULT_GRAPH, NAMED_GRAPH, USING_GRAPH, USING_NAMED],
        operationId="sparql_post",
        requestBody={
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": form,
                    "examples": {
                        **{
                            name: {"value": {"query": text}}
                            for name, text in QUERY_EXAMPLES.items()
                        },
                        "insert": {"value": {"update": UPDATE_EXAMPLE}},
                    },
                    "encoding": {
                        name: {"style": "form", "explode": True}
                        for name in form["properties"]
                        if name not in ("query", "update")
                    },
                },
                "application/sparql-query": {**TEXT, "examples": _examples(QUERY_EXAMPLES)},
                "application/sparql-update": {
                    **TEXT,
                    "examples": _examples({"insert": UPDATE_EXAMPLE}),
                },
            },
        },
        security=[{}, {"bearer": []}],
        responses={
            "200": answer,
            "204": {"description": "the update was applied"},
            **{str(status): _error(status) for status in (400, 401, 403, 406, 408, 413, 415, 503)},
        },
    )
    head = {**get, "summary": "The headers of the GET", "operationId": "sparql_head"}
    return {"get": get, "head": head, "post": post}


def _validation_is_400(document: dict[str, Any]) -> None:
    """Validation errors answer 400 in the one error shape (``api/errors.py``), never 422."""
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            answers = operation.get("responses", {})
            if answers.pop("422", None) is not None:
                answers.setdefault("400", _error(400))
    schemas = document.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)


def _unique_operation_ids(document: dict[str, Any]) -> None:
    """A route for GET and HEAD gives both operations the GET's id: the HEAD gets its own."""
    seen: set[str] = set()
    for path_item in document.get("paths", {}).values():
        for method, operation in path_item.items():
            operation_id = operation.get("operationId")
            if operation_id in seen:
                operation_id = re.sub(r"_[a-z]+$", "", operation_id) + "_" + method
                operation["operationId"] = operation_id
            seen.add(operation_id)


def describe(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document of ``app``."""
    with warnings.catch_warnings():
        # FastAPI warns that GET and HEAD of one route share an id; _unique_operation_ids mends it.
        warnings.filterwarnings("ignore", "Duplicate Operation ID", UserWarning)
        document = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
        )
    _unique_operation_ids(document)
    paths = {"/sparql": sparql_path(), **document.get("paths", {})}
    document["paths"] = paths
    components = document.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ErrorBody.model_json_schema()
    components["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "NEWSGRAPH_UPDATE_TOKEN, for SPARQL Update (with --allow-update)",
        }
    }
    _validation_is_400(document)
    return document


def install(app: FastAPI) -> None:
    """Serve :func:`describe` at ``/openapi.json`` (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = describe(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
