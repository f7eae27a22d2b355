"""The server's bulk path for new graphs: many graphs per request, no SPARQL text to compile.

Graphs the store does not hold yet (every graph of a first load, the new articles of a later
one) need no replacing, only adding, which each server does fastest its own way:

* **Oxigraph server**: the N-Quads are POSTed to its Graph Store endpoint (``/store``) as one
  transaction, as ``oxigraph load`` reads them.
* **Virtuoso**, given a staging directory it can read (``NEWSGRAPH_STORE_STAGING``, at the same
  path for newsgraph and the server, listed in the server's ``DirsAllowed``): the N-Quads are
  written to a file there and parsed by the server's own loader, ``DB.DBA.TTLP_MT`` (what
  ``rdf_loader_run`` calls for each file), called through the SPARQL endpoint as ``sql:TTLP_MT``
  without the transaction log, as the bulk loader runs; the file is removed once loaded, and
  :func:`checkpoint` makes the loads durable (``RemoteStore.flush`` calls it once the
  loads are stored, before anything logged follows them). Without a staging
  directory Virtuoso has no bulk door over HTTP (its Graph Store endpoint takes one graph per
  request, and a large SPARQL literal crashes it), so graphs go one ``PUT`` each.

``tests/test_remote_bulk.py`` checks that a store written by the bulk path dumps the same
quads as one written graph by graph.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.errors import StoreError
from newsgraph.store.remote.server import Server

__all__ = ["Adder", "adder", "checkpoint"]

NQUADS = "application/n-quads"
#: ``DB.DBA.TTLP_MT`` flags: 512 reads N-Quads (each quad into its own graph).
_NQUADS_FLAG = 512
#: Its log mode: 2 commits row by row without the transaction log (as ``rdf_loader_run``).
_NO_LOG = 2
Adder = Callable[[bytes], None]


def adder(server: Server, staging: str | None) -> Adder | None:
    """How this server adds N-Quads in bulk, or None when it has no bulk path."""
    dialect = server.dialect
    if dialect.name == "virtuoso":
        return _virtuoso(server, Path(staging)) if staging else None
    if dialect.dataset_graph_store and server.graph_store:
        return lambda data: _graph_store_post(server, data)
    return None


def _graph_store_post(server: Server, data: bytes) -> None:
    server.graph_store_request(
        "POST", None, content=data, content_type=NQUADS, idempotent=b"_:" not in data
    )


def _virtuoso(server: Server, staging: Path) -> Adder:
    if not staging.is_absolute():
        raise StoreError(
            f"NEWSGRAPH_STORE_STAGING={staging}: the staging directory must be an absolute "
            "path (the server reads it at the same path)"
        )

    def add(data: bytes) -> None:
        path = staging / f"newsgraph-{uuid.uuid4().hex}.nq"
        try:
            path.write_bytes(data)
        except OSError as error:
            raise StoreError(f"NEWSGRAPH_STORE_STAGING={staging}: cannot write: {error}") from None
        try:
            text = queries.bind("virtuoso-load-file", {"file": ox.Literal(str(path))})
            server.call(text, idempotent=b"_:" not in data)
        finally:
            path.unlink(missing_ok=True)

    return add


def checkpoint(server: Server) -> None:
    """Make what the bulk path loaded durable (Virtuoso's ``checkpoint``)."""
    if server.dialect.name == "virtuoso":
        server.call(queries.load("virtuoso-checkpoint"), idempotent=True)
