"""``/sparql``: the SPARQL 1.1 Protocol (query and update)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.conneg import choose_format
from api.deps import SettingsDep, StoreDep
from graph import results
from graph.errors import NewsgraphError, QueryError, UnsupportedMediaType
from graph.sparql import QueryRequest

router = APIRouter()

SOLUTION_OFFERS = [results.JSON, results.XML, results.CSV, results.TSV, "application/json",
                   "application/xml", "text/xml"]  # fmt: skip
BOOLEAN_OFFERS = [results.JSON, results.XML, "application/json", "application/xml", "text/xml",
                  results.CSV, results.TSV, "text/plain"]  # fmt: skip
GRAPH_OFFERS = ["text/turtle", "application/n-triples", "application/ld+json",
                "application/rdf+xml", "application/n-quads", "application/trig", "text/plain",
                "application/x-turtle"]  # fmt: skip


class PayloadTooLarge(NewsgraphError):
    status = 413
    code = "too-large"


class Unauthorized(NewsgraphError):
    status = 401
    code = "unauthorized"


class Forbidden(NewsgraphError):
    status = 403
    code = "forbidden"


@dataclass
class ProtocolParams:
    query: list[str] = field(default_factory=list)
    update: list[str] = field(default_factory=list)
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)

    def add(self, pairs: list[tuple[str, str]]) -> None:
        for name, value in pairs:
            if name == "query":
                self.query.append(value)
            elif name == "update":
                self.update.append(value)
            elif name in ("default-graph-uri", "using-graph-uri"):
                self.default_graphs.append(value)
            elif name in ("named-graph-uri", "using-named-graph-uri"):
                self.named_graphs.append(value)
            # other parameters (format, output, …) are ignored


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"request body over the {limit:,}-byte limit")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"request body over the {limit:,}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise QueryError(f"the request body is not UTF-8 (byte {error.start})") from None


async def protocol_params(request: Request, limit: int) -> ProtocolParams:
    params = ProtocolParams()
    params.add(list(request.query_params.multi_items()))
    if request.method != "POST":
        return params
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await read_body(request, limit)
    if media_type == "application/x-www-form-urlencoded":
        params.add(parse_qsl(_decode(body), keep_blank_values=True))
    elif media_type == "application/sparql-query":
        params.query.append(_decode(body))
    elif media_type == "application/sparql-update":
        params.update.append(_decode(body))
    else:
        raise UnsupportedMediaType(
            f"unsupported content type {media_type or '(none)'!r}: use "
            "application/x-www-form-urlencoded, application/sparql-query or "
            "application/sparql-update"
        )
    return params


def authorise_update(request: Request, settings: SettingsDep) -> None:
    internal = getattr(request.app.state, "internal_token", None)
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    presented = token.strip() if scheme.lower() == "bearer" else ""
    if internal and presented and hmac.compare_digest(presented, internal):
        return
    if not settings.allow_update:
        raise Forbidden("this endpoint is read-only (start it with --allow-update)")
    if not presented:
        raise Unauthorized("an update needs 'Authorization: Bearer <token>'")
    expected = settings.update_token.get_secret_value() if settings.update_token else ""
    if not expected or not hmac.compare_digest(presented, expected):
        raise Forbidden("the update token is not valid")


def media_types(accept: str | None) -> dict[str, str | None]:
    return {
        "solutions": choose_format(accept, SOLUTION_OFFERS),
        "boolean": choose_format(accept, BOOLEAN_OFFERS),
        "graph": choose_format(accept, GRAPH_OFFERS),
    }


@router.api_route("/sparql", methods=["GET", "POST"])
async def sparql(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    params = await protocol_params(request, settings.max_request_bytes)
    if params.query and params.update:
        raise QueryError("a request carries either a query or an update, not both")
    if len(params.query) > 1 or len(params.update) > 1:
        raise QueryError("a request carries one query or one update")
    if params.update:
        if request.method != "POST":
            raise QueryError("an update must be sent with POST")
        authorise_update(request, settings)
        await run_in_threadpool(store.update, params.update[0])
        return Response(status_code=204)
    if not params.query:
        raise QueryError("missing 'query' parameter")
    query_request = QueryRequest(
        query=params.query[0],
        default_graphs=tuple(params.default_graphs),
        named_graphs=tuple(params.named_graphs),
        media_types=media_types(request.headers.get("accept")),
        row_limit=settings.row_limit,
        allow_service=settings.allow_service,
    )
    answer = await run_in_threadpool(store.execute, query_request)
    headers = {"Vary": "Accept"}
    if answer.truncated:
        headers["NewsGraph-Truncated"] = "true"
        headers["NewsGraph-Row-Limit"] = str(settings.row_limit)
    return Response(answer.body, media_type=answer.media_type, headers=headers)
