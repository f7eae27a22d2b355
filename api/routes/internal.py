"""``/_newsgraph/primary``: lending the primary database to this server's own CLI.

Only a process that can read ``STORE/server.json`` (it holds the token) may ask: ``newsgraph
ingest``, ``link`` or ``load`` on the store this server owns (see :mod:`graph.store.handover`).
Not part of the public API (absent from the OpenAPI description).
"""

from __future__ import annotations

from fastapi import APIRouter
from newsgraph.api import protocol
from newsgraph.api.routes.sparql import is_internal
from newsgraph.errors import QueryError, StoreError
from newsgraph.store.handover import PRIMARY_PATH
from newsgraph.store.served import ServedStore
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

router = APIRouter()


async def primary(request: Request) -> Response:
    if not is_internal(request):
        raise protocol.Forbidden("only this server's own command line may ask for its store")
    store: ServedStore | None = request.app.state.lender
    if store is None:
        raise StoreError("this server does not own an on-disk store")
    try:
        asked = await request.json()
        action, pid = asked["action"], int(asked["pid"])
    except (ValueError, KeyError, TypeError):
        raise QueryError('expected {"action": "lend" | "return", "pid": N}') from None
    if action == "lend":
        await run_in_threadpool(store.lend_primary, pid)
    elif action == "return":
        await run_in_threadpool(store.take_back_primary, pid)
    else:
        raise QueryError(f"action {action!r}: expected lend or return")
    return Response(status_code=204)


router.add_route(PRIMARY_PATH, primary, methods=["POST"], include_in_schema=False)
