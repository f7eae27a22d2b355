"""Choosing and opening a store from the settings.

* ``NEWSGRAPH_STORE`` an http(s) URL → :class:`RemoteStore` on that SPARQL endpoint;
* for writing, a directory owned by a running ``newsgraph serve`` → the primary borrowed from
  the server (:mod:`graph.store.handover`), so that a command writes exactly as with no server
  while the server goes on answering from the snapshots;
* otherwise → :class:`EmbeddedStore` on the directory (readers read its newest snapshot).

Only ``create=True`` (``ingest``, ``load``) makes a store where there is none; every other
opening of a path that holds no store raises :class:`~graph.errors.StoreNotFound`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newsgraph.settings import Settings
from newsgraph.store.base import Row, Store, Term
from newsgraph.store.embedded import EmbeddedStore
from newsgraph.store.server_info import ServerInfo, running_server

if TYPE_CHECKING:
    from newsgraph.store.handover import BorrowedStore
    from newsgraph.store.remote import RemoteStore

__all__ = [
    "BorrowedStore",
    "EmbeddedStore",
    "RemoteStore",
    "Row",
    "ServerInfo",
    "Store",
    "Term",
    "open_store",
]


def open_store(
    settings: Settings, *, write: bool = False, create: bool = False, what: str = ""
) -> Store:
    """The store the settings name; ``write`` to write it, ``create`` to make it if absent,
    ``what`` says who writes (named to a process the store then refuses)."""
    if settings.is_remote:
        from newsgraph.store.remote import RemoteStore

        return RemoteStore.from_settings(settings)
    if write:
        server = running_server(settings.store_path)
        if server is not None:
            from newsgraph.store.handover import BorrowedStore

            return BorrowedStore(
                settings.store_path, server, base=settings.base, create=create, what=what
            )
    return EmbeddedStore(
        settings.store_path, write=write, base=settings.base, create=create, what=what
    )


def __getattr__(name: str) -> Any:
    """The remote and borrowed stores, imported when first named (their HTTP clients and the
    remote summaries' arrays cost a command on an embedded store a tenth of a second)."""
    if name == "RemoteStore":
        from newsgraph.store.remote import RemoteStore

        return RemoteStore
    if name == "BorrowedStore":
        from newsgraph.store.handover import BorrowedStore

        return BorrowedStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
