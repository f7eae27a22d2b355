"""``/sparql``: the SPARQL 1.1 Protocol — queries, updates, and the service description.

The route is: parse (:mod:`api.protocol`) → negotiate (:mod:`api.conneg`) → answer
(:mod:`api.answering`: versions, the result cache, the 304 decision; the store's own fast paths
behind its door) → respond. This is the endpoint's hot path, so it is a plain Starlette route
(FastAPI's dependency resolution and validation cost a tenth of the per-request budget at a
thousand requests a second) and a query travels to a worker process without a thread hop (see
``graph/store/pool.py``).
"""

from __future__ import annotations

import hmac
import re
import time
from functools import lru_cache

import pyoxigraph as ox
from fastapi import APIRouter
from newsgraph.api import caching, protocol, service_description
from newsgraph.api.answering import Answering
from newsgraph.api.conneg import choose_format
from newsgraph.api.middleware import timing_entry
from newsgraph.errors import NotAcceptable
from newsgraph.settings import Settings
from newsgraph.sparql import QueryRequest, results, sparqltext
from newsgraph.store.base import Store
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

router = APIRouter()

SOLUTION_OFFERS = [results.JSON, results.XML, results.CSV, results.TSV, "application/json",
                   "application/xml", "text/xml"]  # fmt: skip
BOOLEAN_OFFERS = [results.JSON, results.XML, "application/json", "application/xml", "text/xml",
                  results.CSV, results.TSV, "text/plain"]  # fmt: skip
GRAPH_OFFERS = ["text/turtle", "application/n-triples", "application/ld+json",
                "application/rdf+xml", "application/n-quads", "application/trig", "text/plain",
                "application/x-turtle"]  # fmt: skip
VOID_PATH = "/.well-known/void"
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


@lru_cache(maxsize=512)
def negotiated(accept: str | None) -> tuple[str | None, str | None, str | None]:
    """The media type chosen for solutions, booleans and graphs (None: nothing acceptable)."""
    return (
        choose_format(accept, SOLUTION_OFFERS),
        choose_format(accept, BOOLEAN_OFFERS),
        choose_format(accept, GRAPH_OFFERS),
    )


@lru_cache(maxsize=64)
def _checked_site(scheme: str, host: str, root_path: str, fallback: str) -> str:
    if not _HOST.fullmatch(host):  # a Host header that makes no plain authority is not trusted
        return fallback
    site = f"{scheme}://{host}{root_path}"
    try:
        ox.NamedNode(site + "/")
    except ValueError:
        return fallback
    return site


def site_url(request: Request) -> str:
    """The server's root URL as the client reached it (no trailing slash)."""
    settings: Settings = request.app.state.settings
    return _checked_site(
        request.scope.get("scheme", "http"),
        request.headers.get("host", ""),
        request.scope.get("root_path", ""),
        settings.base.rstrip("/"),
    )


def endpoint_url(request: Request) -> str:
    return site_url(request) + "/sparql"


def presented_token(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def same_token(presented: str, expected: str) -> bool:
    """A comparison whose time does not depend on where the tokens differ; any characters
    (``hmac.compare_digest`` refuses non-ASCII text, so the bytes are compared).

    >>> same_token("s3cret", "s3cret"), same_token("\u00e9", "s3cret")
    (True, False)
    """
    return hmac.compare_digest(presented.encode("utf-8"), expected.encode("utf-8"))


def is_internal(request: Request) -> bool:
    """A write handed over by this server's own CLI (``newsgraph ingest`` / ``load``)."""
    internal = getattr(request.app.state, "internal_token", None)
    presented = presented_token(request)
    return bool(internal and presented and same_token(presented, internal))


def authorise_update(request: Request, settings: Settings) -> None:
    if is_internal(request):
        return
    if not settings.allow_update:
        raise protocol.Forbidden("this endpoint is read-only (start it with --allow-update)")
    presented = presented_token(request)
    if not presented:
        raise protocol.Unauthorized("an update needs 'Authorization: Bearer <token>'")
    expected = settings.update_token.get_secret_value() if settings.update_token else ""
    if not expected or not same_token(presented, expected):
        raise protocol.Forbidden("the update token is not valid")


async def sparql(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    store: Store = request.app.state.store
    internal = is_internal(request)
    limit = None if internal else settings.max_request_bytes
    params = await protocol.parse(request, limit, None if internal else settings.request_timeout)
    if params.is_empty and request.method in ("GET", "HEAD"):
        return describe_service(request, settings)
    kind, text = params.operation(request.method)
    if kind == "update":
        return await update(request, store, settings, text, params)
    return await query(request, store, settings, text, params)


router.add_route("/sparql", sparql, methods=["GET", "POST"])
# Some clients are configured with a trailing slash: answer there too rather than redirect a POST.
router.add_route("/sparql/", sparql, methods=["GET", "POST"], include_in_schema=False)


async def query(
    request: Request, store: Store, settings: Settings, text: str, params: protocol.ProtocolParams
) -> Response:
    accept = request.headers.get("accept")
    solutions, boolean, graph = negotiated(accept)
    if solutions is None and boolean is None and graph is None:
        raise NotAcceptable(f"no acceptable format: the Accept header {accept!r} allows none of "
                            f"{', '.join(dict.fromkeys(SOLUTION_OFFERS + GRAPH_OFFERS))}")  # fmt: skip
    query_request = QueryRequest(
        query=text,
        default_graphs=tuple(params.default_graphs),
        named_graphs=tuple(params.named_graphs),
        media_types={"solutions": solutions, "boolean": boolean, "graph": graph},
        row_limit=settings.row_limit,
        base_iri=endpoint_url(request),
        allow_service=settings.allow_service,
    )
    answering: Answering = request.app.state.answering
    conditional = request.method in ("GET", "HEAD")
    outcome = await answering.answer(query_request, request.headers if conditional else None)
    if outcome.status == 304:
        return Response(status_code=304, headers=outcome.headers)
    return Response(outcome.body, media_type=outcome.media_type, headers=outcome.headers)


async def update(
    request: Request, store: Store, settings: Settings, text: str, params: protocol.ProtocolParams
) -> Response:
    authorise_update(request, settings)
    text = sparqltext.add_using(text, params.using_graphs, params.using_named_graphs)
    # Relative IRIs resolve against the endpoint (the protocol's "service-defined BASE");
    # a BASE in the update itself still wins, being declared later.
    text = f"BASE {ox.NamedNode(endpoint_url(request))} {text}"
    started = time.monotonic()
    await run_in_threadpool(store.update, text)
    timing = timing_entry("update", time.monotonic() - started)
    return Response(status_code=204, headers={"Server-Timing": timing})


def describe_service(request: Request, settings: Settings) -> Response:
    """The service description, in the RDF format the client prefers (Turtle by default)."""
    accept = request.headers.get("accept")
    media_type = negotiated(accept)[2]
    if media_type is None:
        raise NotAcceptable(f"no acceptable RDF format for the service description: {accept!r}")
    triples = service_description.describe(
        endpoint_url(request), site_url(request) + VOID_PATH, settings
    )
    body = results.write_triples(
        triples, results.GRAPH_TYPES[media_type], service_description.PREFIXES
    )
    tag = caching.etag("service-description", body)
    headers = {"Vary": "Accept", **caching.validators(tag, None)}
    if caching.not_modified(request.headers, tag, None):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)
