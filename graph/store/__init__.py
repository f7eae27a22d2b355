"""Choosing and opening a store from the settings.

* ``NEWSGRAPH_STORE`` an http(s) URL → :class:`RemoteStore` on that SPARQL endpoint;
* a directory owned by a running ``newsgraph serve`` → reads from its snapshots, writes
  handed to the server (so that ingest and the server work at the same time);
* otherwise → :class:`EmbeddedStore` on the directory.
"""

from __future__ import annotations

from graph.settings import Settings
from graph.store.base import Row, Store, Term
from graph.store.embedded import EmbeddedStore
from graph.store.remote import RemoteStore
from graph.store.server_info import ServerInfo, running_server

__all__ = ["EmbeddedStore", "RemoteStore", "Row", "ServerInfo", "Store", "Term", "open_store"]


def open_store(settings: Settings, *, write: bool = False) -> Store:
    if settings.is_remote:
        return RemoteStore.from_settings(settings)
    if write:
        server = running_server(settings.store_path)
        if server is not None:
            return RemoteStore(
                server.sparql_url,
                token=server.token,
                timeout=600,
                dialect="generic",
                graph_store_url="none",
            )
    return EmbeddedStore(settings.store_path, write=write, base=settings.base)
