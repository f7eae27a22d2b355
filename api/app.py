"""``create_app(settings)``: the FastAPI application, with a lifespan that opens the store."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from newsgraph.api import errors, middleware, openapi
from newsgraph.api.answering import Answering
from newsgraph.api.routes import (
    analysis,
    entities,
    internal,
    resources,
    search,
    sparql,
    trends,
    ui,
    void,
)
from newsgraph.api.urls import STATIC, Urls
from newsgraph.linking import carry
from newsgraph.settings import Settings
from newsgraph.store import open_store
from newsgraph.store.base import Store
from newsgraph.store.served import ServedStore
from newsgraph.store.server_info import ServerInfo

STATIC_DIR = Path(__file__).resolve().parent / "static"


def public_url(settings: Settings) -> str:
    host = settings.host
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}/"


def create_app(
    settings: Settings, store: Store | None = None, on_lost: Callable[[str], None] | None = None
) -> FastAPI:
    """The app; it opens its own store from ``settings`` unless one is given. ``on_lost`` is
    called if the store's directory is deleted or replaced while the app serves it."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        served: ServedStore | None = None
        if store is not None:
            opened = store
        elif settings.is_remote:
            opened = open_store(settings)
        else:
            opened = served = ServedStore(
                settings.store_path,
                base=settings.base,
                workers=settings.worker_count,
                timeout=settings.query_timeout,
                compact_after=settings.compact_after,
                summaries=settings.query_summaries,
                on_lost=on_lost,
            )
        app.state.store = opened
        app.state.answering = Answering(opened, settings)
        #: The store whose primary this server lends to its own command line (internal route).
        app.state.lender = served
        info: ServerInfo | None = None
        if served is not None:
            info = ServerInfo.new(public_url(settings))
            info.write(settings.store_path)
            info.register(settings.store_path)
            app.state.internal_token = info.token
        # Handed ingests (graph.ingest.handed) hand each other the linking tables they wrote
        # for as long as the server runs; what is still held is written down once the store is
        # closed (closing waits for a write under way).
        with carry.carrying() if served is not None else contextlib.nullcontext():
            try:
                yield
            finally:
                if info is not None:
                    info.remove(settings.store_path)
                if store is None:
                    opened.close()

    app = FastAPI(
        title="newsgraph",
        summary="A linked-data knowledge graph of news, with a SPARQL endpoint.",
        lifespan=lifespan,
        # Swagger UI and ReDoc would load scripts from a CDN: the description is /openapi.json.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.internal_token = None
    app.state.lender = None
    errors.install(app)
    middleware.install(app)
    app.include_router(sparql.router)
    app.include_router(internal.router)
    app.include_router(void.router)
    app.include_router(ui.router)
    app.include_router(resources.router, prefix=Urls(settings.base).base_path.rstrip("/"))
    app.mount(STATIC, StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(analysis.router)
    app.include_router(entities.router)
    app.include_router(search.router)
    app.include_router(trends.router)
    openapi.install(app)
    return app


__all__ = ["create_app"]
