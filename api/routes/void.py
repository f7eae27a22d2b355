"""``/.well-known/void``: the VoID description of the dataset with its counts, in the RDF format
the client asks for (Turtle by default).

The counts scan the store, so a description is computed once per snapshot generation (one
computation at a time) and revalidated with ETag / Last-Modified like every cacheable GET.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import APIRouter
from newsgraph.api import caching, openapi, void
from newsgraph.api.routes.sparql import GRAPH_OFFERS, VOID_PATH, endpoint_url, negotiated, site_url
from newsgraph.errors import NotAcceptable
from newsgraph.settings import Settings
from newsgraph.sparql import results
from newsgraph.store.base import Store
from newsgraph.store.snapshots import Version
from starlette.requests import Request
from starlette.responses import Response

router = APIRouter()


@dataclass(frozen=True)
class Described:
    key: tuple[str | None, str]
    counts: void.Counts
    generation: Version | None


async def _counts(request: Request, store: Store, settings: Settings) -> Described:
    generation = store.version()
    key = (generation.tag if generation else None, site_url(request))
    cached: Described | None = getattr(request.app.state, "void", None)
    if cached is not None and cached.key == key and generation is not None:
        return cached
    lock = getattr(request.app.state, "void_lock", None)
    if lock is None:
        lock = request.app.state.void_lock = asyncio.Lock()
    async with lock:
        cached = getattr(request.app.state, "void", None)
        if cached is not None and cached.key == key and generation is not None:
            return cached
        counts = await void.count(store, settings.minter)
        described = Described(key, counts, generation)
        request.app.state.void = described
        return described


@router.get(
    VOID_PATH,
    summary="VoID description of the dataset, with counts",
    response_class=Response,
    responses=openapi.responses(406, 503, content=GRAPH_OFFERS, not_modified=True),
    openapi_extra={"parameters": openapi.CONDITIONAL},
)
async def void_description(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    store: Store = request.app.state.store
    accept = request.headers.get("accept")
    media_type = negotiated(accept)[2]
    if media_type is None:
        raise NotAcceptable(f"no acceptable RDF format for the VoID description: {accept!r}")
    generation = store.version()
    headers = {"Vary": "Accept"}
    if generation is not None:
        tag = caching.etag(generation.tag, "void", media_type, site_url(request))
        headers.update(caching.validators(tag, generation.modified))
        if caching.not_modified(request.headers, tag, generation):
            return Response(status_code=304, headers=headers)
    described = await _counts(request, store, settings)
    modified = None
    if described.generation is not None:
        moment = datetime.fromtimestamp(described.generation.modified, tz=UTC)
        modified = moment.isoformat().replace("+00:00", "Z")
    triples = void.describe(
        described.counts,
        document=site_url(request) + VOID_PATH,
        endpoint=endpoint_url(request),
        iris=settings.minter,
        modified=modified,
    )
    body = results.write_triples(triples, results.GRAPH_TYPES[media_type], void.PREFIXES)
    return Response(body, media_type=media_type, headers=headers)
