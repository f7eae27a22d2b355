"""The routes of this server's own CLI, on the store the server owns.

* ``/_newsgraph/primary``: lending the primary database (``newsgraph ingest``, ``link`` or
  ``load``; see :mod:`graph.store.handover`);
* ``/_newsgraph/ingest``: running a small ingest the command hands over
  (:mod:`graph.ingest.handed`).

Only a process that can read ``STORE/server.json`` (it holds the token) may ask. Not part of
the public API (absent from the OpenAPI description).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator

from fastapi import APIRouter
from newsgraph.api import protocol
from newsgraph.api.routes.sparql import is_internal
from newsgraph.errors import QueryError, StoreError
from newsgraph.ingest import handed
from newsgraph.linking import carry
from newsgraph.store.handover import PRIMARY_PATH
from newsgraph.store.served import ServedStore
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

router = APIRouter()


def _lender(request: Request) -> ServedStore:
    if not is_internal(request):
        raise protocol.Forbidden("only this server's own command line may ask for its store")
    store: ServedStore | None = request.app.state.lender
    if store is None:
        raise StoreError("this server does not own an on-disk store")
    return store


async def primary(request: Request) -> Response:
    store = _lender(request)
    try:
        asked = await request.json()
        action, pid = asked["action"], int(asked["pid"])
    except (ValueError, KeyError, TypeError):
        raise QueryError('expected {"action": "lend" | "return", "pid": N}') from None
    if action == "lend":
        # What handed ingests keep in memory is written down and let go: the borrower reads
        # it from the files, and writes them.
        await run_in_threadpool(store.lend_primary, pid, carry.settle)
    elif action == "return":
        await run_in_threadpool(store.take_back_primary, pid)
    else:
        raise QueryError(f"action {action!r}: expected lend or return")
    return Response(status_code=204)


async def ingest(request: Request) -> Response:
    """Run the handed ingest in a thread of its own, streaming its lines as they come; a
    response no longer read (the command gone) tells the run not to commit."""
    store = _lender(request)
    settings = request.app.state.settings
    body = await protocol.read_body(
        request, handed.LIMIT + handed.HEADER_LIMIT, settings.request_timeout
    )
    try:
        asked = handed.read_request(body)
    except (ValueError, KeyError, TypeError) as error:
        raise QueryError(f"not a handed ingest: {error}") from None
    feed = handed.Feed()
    threading.Thread(
        target=handed.run, args=(store, settings, asked, feed), name="handed-ingest", daemon=True
    ).start()

    async def lines() -> AsyncIterator[bytes]:
        try:
            while (line := await run_in_threadpool(feed.next, 1.0)) is not None:
                if line:
                    yield line
                elif await request.is_disconnected():  # (Starlette cancels this generator
                    feed.abandoned.set()  # on a disconnect by itself only below ASGI 2.4)
        finally:
            feed.abandoned.set()  # after the end it changes nothing: the run committed

    return StreamingResponse(lines(), media_type="application/x-ndjson")


router.add_route(PRIMARY_PATH, primary, methods=["POST"], include_in_schema=False)
router.add_route(handed.INGEST_PATH, ingest, methods=["POST"], include_in_schema=False)
