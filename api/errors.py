"""One error shape for the whole API: ``{"error": code, "message": text, "status": n}``.

A browser (an Accept header that prefers HTML to JSON) gets the same three fields as an HTML page.
An error about a name that fits several resources or none (:mod:`graph.resolve`) adds
``candidates``: ``[{"iri", "name", "url"}]``, what the name may have meant, ``url`` the page to
follow (``tests/test_names.py``).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from newsgraph.api import error_page
from newsgraph.api.urls import Urls
from newsgraph.errors import NewsgraphError
from newsgraph.vocab.namespaces import DEFAULT_BASE
from starlette.exceptions import HTTPException


def error_response(
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
    request: Request | None = None,
    candidates: list[dict[str, str | None]] | None = None,
) -> Response:
    body: dict[str, object] = {"error": code, "message": message, "status": status}
    if candidates:
        body["candidates"] = candidates
    if request is not None and error_page.wants_html(request):
        return error_page.render_error(request, body, headers)
    return JSONResponse(body, status_code=status, headers=headers)


#: Headers an error status calls for (RFC 9110): how to authenticate, when to retry.
_STATUS_HEADERS: dict[int, dict[str, str]] = {
    401: {"WWW-Authenticate": 'Bearer realm="newsgraph"'},
    503: {"Retry-After": "1"},
}


async def _newsgraph_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, NewsgraphError)
    return error_response(
        error.status, error.code, str(error), _STATUS_HEADERS.get(error.status), request,
        _candidates(request, error),
    )  # fmt: skip


def _candidates(request: Request, error: NewsgraphError) -> list[dict[str, str | None]]:
    """The resources a name may have meant (:mod:`graph.resolve`'s errors), with their pages."""
    settings = getattr(request.app.state, "settings", None)
    urls = Urls(settings.base if settings else DEFAULT_BASE)
    return [
        {"iri": candidate.iri, "name": candidate.name, "url": urls.href(candidate.iri)}
        for candidate in getattr(error, "candidates", ())
    ]


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    code = {
        404: "not-found",
        405: "method-not-allowed",
        413: "too-large",
        415: "unsupported-media-type",
    }.get(error.status_code, "http")
    return error_response(
        error.status_code, code, str(error.detail), getattr(error, "headers", None), request
    )


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    first = error.errors()[0] if error.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()))
    message = f"{where}: {first.get('msg', 'invalid request')}"
    return error_response(400, "bad-request", message, request=request)


async def _unexpected(request: Request, error: Exception) -> Response:
    """Anything else: the one shape, without internals (the traceback goes to the log)."""
    return error_response(
        500, "internal", "internal error; the server log has the details", request=request
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(NewsgraphError, _newsgraph_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
