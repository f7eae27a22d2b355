"""``/sparql``: the SPARQL 1.1 Protocol — queries, updates, and the service description.

This is the endpoint's hot path, so it is a plain Starlette route (FastAPI's dependency
resolution and validation cost a tenth of the per-request budget at a thousand requests a
second) and a query travels to a worker process without a thread hop (see
``graph/store/pool.py``). Request parsing lives in :mod:`api.protocol`, content negotiation in
:mod:`api.conneg`, HTTP validators in :mod:`api.caching`.
"""

from __future__ import annotations

import hmac
import re
import time
from functools import lru_cache

import pyoxigraph as ox
from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from api import caching, protocol, service_description
from api.conneg import choose_format
from api.middleware import timing_entry
from api.result_cache import Answer, ResultCache, storable
from graph import results, sparqltext
from graph.errors import NotAcceptable
from graph.settings import Settings
from graph.sparql import QueryRequest, QueryResponse
from graph.store.base import Store
from graph.store.pool import Reply
from graph.store.served import Generation, ServedStore
from graph.summaries import SummaryKeeper

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
    headers = {"Vary": "Accept"}
    conditional = request.method in ("GET", "HEAD")
    current = store.generation if isinstance(store, ServedStore) else None
    cache = result_cache(request)
    if current is not None:
        key = _key(query_request)
        if conditional:
            headers.update(caching.validators(caching.etag(current.tag, key), current.modified))
            # A precondition counts only for a request that would succeed (RFC 9110 13.2.1):
            # a tag this server gave proves it did; `*` and dates are checked once it has.
            if caching.names_tag(request.headers, headers["ETag"]):
                return Response(status_code=304, headers=headers)
        if cache is not None:
            hit = cache.get(current.tag, key)
            if hit is not None:
                if conditional and caching.not_modified(
                    request.headers,
                    headers["ETag"],
                    current.modified,
                    caching.alone(store, current),
                ):
                    return Response(status_code=304, headers=headers)
                headers["Server-Timing"] = 'cache;desc="answer reused: the store has not changed"'
                return _answer(hit, headers, settings)
    reply = summarised(request, query_request, current)
    if reply is not None:
        headers["Server-Timing"] = timing_entry("summaries", reply.run, SUMMARISED)
    else:
        reply = await _execute(store, query_request)
        headers["Server-Timing"] = (
            f"{timing_entry('wait', reply.wait, 'waiting for a query worker')}, "
            f"{timing_entry('query', reply.run, 'evaluation and serialisation')}"
        )
    response: QueryResponse = reply.value
    answer = Answer(response.body, response.media_type, response.truncated)
    if current is not None and reply.generation != current.name:
        assert isinstance(store, ServedStore)
        current = store.generations.named(reply.generation)
        if current is not None and conditional:
            headers.update(caching.validators(caching.etag(current.tag, key), current.modified))
    if current is not None and cache is not None and storable(text):
        cache.put(current.tag, key, answer)
    if (
        conditional
        and current is not None
        and caching.not_modified(
            request.headers, headers["ETag"], current.modified, caching.alone(store, current)
        )
    ):
        return Response(status_code=304, headers=headers)
    return _answer(answer, headers, settings)


def _answer(answer: Answer, headers: dict[str, str], settings: Settings) -> Response:
    if answer.truncated:
        headers["NewsGraph-Truncated"] = "true"
        headers["NewsGraph-Row-Limit"] = str(settings.row_limit)
    return Response(answer.body, media_type=answer.media_type, headers=headers)


def _key(request: QueryRequest) -> str:
    """Everything the answer depends on besides the data (the ETag adds the generation)."""
    return caching.digest(
        request.query,
        request.default_graphs,
        request.named_graphs,
        tuple(request.media_types.values()),
        request.row_limit,
        request.base_iri,
        request.allow_service,
    )


def result_cache(request: Request) -> ResultCache | None:
    """The app's cache of answers (None when NEWSGRAPH_RESULT_CACHE_BYTES is 0)."""
    state = request.app.state
    cache: ResultCache | None = getattr(state, "result_cache", None)
    if cache is None:
        capacity = state.settings.result_cache_bytes
        if not capacity:
            return None
        cache = state.result_cache = ResultCache(capacity)
    return cache


SUMMARISED = "answered from the per-entity summaries of this snapshot"


def summarised(
    request: Request, query_request: QueryRequest, current: Generation | None
) -> Reply | None:
    """The answer from the entity summaries (see :mod:`graph.summaries`), when they hold it for
    the current snapshot; None sends the query to the engine."""
    state = request.app.state
    keeper: SummaryKeeper | None = getattr(state, "summaries", None)
    if keeper is None:
        store = state.store
        if not state.settings.query_summaries or not isinstance(store, ServedStore):
            return None
        keeper = state.summaries = SummaryKeeper(store.path)
    if current is None:
        return None
    started = time.monotonic()
    response = keeper.answer(query_request, current.tag)
    if response is None:
        return None
    elapsed = time.monotonic() - started
    return Reply(response, current.name, 0.0, elapsed, elapsed)


async def _execute(store: Store, request: QueryRequest) -> Reply:
    if isinstance(store, ServedStore):
        return await store.execute_async(request)
    started = time.monotonic()
    answer = await run_in_threadpool(store.execute, request)
    elapsed = time.monotonic() - started
    return Reply(answer, None, 0.0, elapsed, elapsed)


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
