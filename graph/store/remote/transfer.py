"""Moving graphs to and from a remote server: replacing graphs, bulk loads, dumps.

New graphs (every graph of a first load, the new articles of a later one) go through the
server's bulk path where it has one (:mod:`bulk`). Replacing graphs (what ingest does) sends SPARQL Updates that each drop and re-insert as many
whole graphs as fit under the server's body limit — one atomic request for many articles.
Where the dialect prefers it (Virtuoso), or for a single graph too big for one update, each
graph is replaced with a Graph Store Protocol PUT instead. Bulk loads use the Graph Store
Protocol where the server has it (one transaction per chunk of quads on Oxigraph), else
INSERT DATA. Dumps stream the Graph Store's GET where it can, else read graph by graph
(:mod:`reading`).

Blank nodes are scoped per request: a blank node shared by quads that land in different
requests becomes two nodes on the server (newsgraph's own data has none).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from itertools import islice
from typing import IO

import pyoxigraph as ox
from newsgraph.errors import StoreError
from newsgraph.store.remote import answers, bulk, reading, writes
from newsgraph.store.remote.http import TooLarge
from newsgraph.store.remote.server import Server
from newsgraph.store.remote.writes import GraphWrite

log = logging.getLogger("newsgraph.store")

LOAD_CHUNK = 50_000  # quads per request of a bulk load
NTRIPLES = "application/n-triples"
NQUADS = "application/n-quads"


# -- replacing graphs ------------------------------------------------------------------------


def replace_graphs(server: Server, graphs: Sequence[str], quads: Iterable[ox.Quad]) -> None:
    write_all(server, writes.group(graphs, quads))


def replace_graphs_nquads(
    server: Server, add: bulk.Adder | None, graphs: Sequence[str], data: bytes,
    absent: Collection[str],
) -> None:  # fmt: skip
    """:func:`replace_graphs` with the quads as N-Quads: the graphs ``absent`` names and those
    not listed are only added to, through the server's bulk path ``add`` where it has one (the
    text sent as it is when no listed graph is held); the held graphs are replaced as ever."""
    held = [graph for graph in graphs if graph not in absent]
    if add is None:
        replace_graphs(server, graphs, ox.parse(data, format=ox.RdfFormat.N_QUADS))
        return
    if not held:
        if data:
            add(data)
        return
    keep = set(held)
    replaced: list[ox.Quad] = []
    added: list[ox.Quad] = []
    for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS):
        name = quad.graph_name
        (replaced if isinstance(name, ox.NamedNode) and name.value in keep else added).append(quad)
    replace_graphs(server, held, replaced)
    if added:
        add(ox.serialize(added, format=ox.RdfFormat.N_QUADS) or b"")


def write_all(server: Server, pending: list[GraphWrite]) -> None:
    dialect = server.dialect
    if dialect.replace_with_graph_store and server.graph_store:
        _by_graph_store(server, pending, dialect.parallel_writes)
        return
    _send_all(server, list(writes.pack(pending, dialect.max_update_bytes)))


def _send_all(server: Server, batches: list[list[GraphWrite]]) -> None:
    """Send the updates, several at a time where the dialect allows (their graphs are disjoint,
    so they commute)."""
    parallel = server.dialect.parallel_writes
    if parallel <= 1 or len(batches) <= 1:
        for batch in batches:
            _send(server, batch)
        return
    _in_parallel(parallel, [partial(_send, server, batch) for batch in batches])


def _send(server: Server, batch: list[GraphWrite]) -> None:
    dialect = server.dialect
    if len(batch) == 1 and batch[0].size > dialect.max_update_bytes:
        _send_oversized(server, batch[0])
        return
    text = writes.update_text(batch, bnodes_in_insert_data=dialect.bnodes_in_insert_data)
    try:
        server.update(text, idempotent=writes.idempotent(batch))
    except TooLarge:
        size = len(text.encode("utf-8"))
        if size <= 1_000:
            raise
        dialect.max_update_bytes = min(dialect.max_update_bytes, size // 2)
        log.warning(
            "%s refused a %d-byte update as too large; sending at most %d bytes per update",
            server.update_url,
            size,
            dialect.max_update_bytes,
        )
        if len(batch) == 1:
            _send_oversized(server, batch[0])
            return
        for part in writes.pack(batch, dialect.max_update_bytes):
            _send(server, part)


def _send_oversized(server: Server, write: GraphWrite) -> None:
    """One graph bigger than an update: a Graph Store PUT, else several updates in a row."""
    if server.graph_store and write.graph:
        _graph_store_write(server, write)
        return
    pieces = writes.split(write, server.dialect.max_update_bytes)
    log.warning(
        "graph %s is too big for one update; it is written in %d (readers may see it partly "
        "written meanwhile)",
        write.graph,
        len(pieces),
    )
    for piece in pieces:
        text = writes.update_text(
            [piece], bnodes_in_insert_data=server.dialect.bnodes_in_insert_data
        )
        server.update(text, idempotent=writes.idempotent([piece]))


def _by_graph_store(server: Server, pending: list[GraphWrite], parallel: int) -> None:
    named = [w for w in pending if w.graph]
    if len(named) != len(pending):
        raise StoreError(
            "the default graph cannot be written through the Graph Store Protocol here"
        )
    if parallel <= 1 or len(named) <= 1:
        for write in named:
            _graph_store_write(server, write)
        return
    _in_parallel(parallel, [partial(_graph_store_write, server, w) for w in named])


def _in_parallel(workers: int, tasks: list[Callable[[], None]]) -> None:
    """Run the tasks ``workers`` at a time; at the first failure, start no more and raise it."""
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="newsgraph-write") as pool:
        futures = [pool.submit(task) for task in tasks]
        try:
            for future in futures:
                future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _graph_store_write(server: Server, write: GraphWrite) -> None:
    """PUT replaces a graph (DELETE when it ends up empty); POST adds to one."""
    if write.replace and not write.triples:
        server.graph_store_request("DELETE", write.node, idempotent=True)
        return
    server.graph_store_request(
        "PUT" if write.replace else "POST",
        write.node,
        content=write.text.encode("utf-8"),
        content_type=NTRIPLES,
        idempotent=writes.idempotent([write]),
    )


# -- bulk loads --------------------------------------------------------------------------------


def load(
    server: Server,
    data: bytes | IO[bytes],
    rdf_format: ox.RdfFormat,
    graph: str | None,
    add: bulk.Adder | None = None,
) -> int:
    """Add the quads of ``data`` (into ``graph`` for triple formats); return how many were sent."""
    target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    try:
        parsed = ox.parse(data, format=rdf_format)
        quads: Iterator[ox.Quad] = (
            ox.Quad(q.subject, q.predicate, q.object, target) if graph else q for q in parsed
        )
        sent = 0
        while chunk := list(islice(quads, LOAD_CHUNK)):
            if add is not None and all(isinstance(q.graph_name, ox.NamedNode) for q in chunk):
                add(ox.serialize(chunk, format=ox.RdfFormat.N_QUADS) or b"")
            else:
                _load_chunk(server, chunk)
            sent += len(chunk)
    except SyntaxError as error:
        raise StoreError(f"cannot parse the {rdf_format.name} input: {error}") from None
    return sent


def _load_chunk(server: Server, chunk: list[ox.Quad]) -> None:
    dialect = server.dialect
    pending = writes.group([], chunk, allow_default=True)
    if server.graph_store and dialect.dataset_graph_store:
        server.graph_store_request(
            "POST",
            None,
            content=ox.serialize(chunk, format=ox.RdfFormat.N_QUADS) or b"",
            content_type=NQUADS,
            idempotent=writes.idempotent(pending),
        )
    elif server.graph_store and all(w.graph for w in pending):
        _by_graph_store(server, pending, dialect.parallel_writes)
    else:
        write_all_by_update(server, pending)


def write_all_by_update(server: Server, pending: list[GraphWrite]) -> None:
    _send_all(server, list(writes.pack(pending, server.dialect.max_update_bytes)))


# -- dumps -------------------------------------------------------------------------------------


def dump(server: Server, output: IO[bytes], rdf_format: ox.RdfFormat, graph: str | None) -> None:
    node = ox.NamedNode(graph) if graph else None
    if node is None and not rdf_format.supports_datasets:
        raise StoreError(f"{rdf_format.name} holds one graph: name the graph to dump")
    dialect = server.dialect
    whole = dialect.whole_graph_store_reads and (node is not None or dialect.dataset_graph_store)
    if whole and server.graph_store:
        _dump_graph_store(server, output, rdf_format, node)
        return
    _dump_by_queries(server, output, rdf_format, node)


def _dump_graph_store(
    server: Server, output: IO[bytes], rdf_format: ox.RdfFormat, graph: ox.NamedNode | None
) -> None:
    url = server.graph_store
    assert url is not None
    what = f"GET {url}"
    params = [("graph", graph.value)] if graph else []
    with server.connection.stream(url, what=what, params=params, accept=rdf_format.media_type) as (
        head,
        chunks,
    ):
        if head.status == 404 and graph is not None:
            return  # an absent graph dumps as nothing, as in the embedded store
        if not head.ok:
            raise server.connection.error(head, what)
        if head.media_type == rdf_format.media_type:
            for chunk in chunks:
                output.write(chunk)
            return
        received = answers.rdf_format(head.media_type, what)
        body = b"".join(chunks)
        output.write(ox.serialize(ox.parse(body, format=received), format=rdf_format) or b"")


def _dump_by_queries(
    server: Server, output: IO[bytes], rdf_format: ox.RdfFormat, graph: ox.NamedNode | None
) -> None:
    """Read graph by graph (:mod:`reading`); line formats are written page by page."""
    streamable = rdf_format in (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES)
    held: list[ox.Quad] = []
    for page in reading.quad_pages(server, [graph] if graph else None):
        if streamable:
            output.write(_serialise(page, rdf_format))
        else:
            held += page
    if not streamable:
        output.write(_serialise(held, rdf_format))


def _serialise(quads: list[ox.Quad], rdf_format: ox.RdfFormat) -> bytes:
    if rdf_format.supports_datasets:
        return ox.serialize(quads, format=rdf_format) or b""
    return ox.serialize([q.triple for q in quads], format=rdf_format) or b""


__all__ = ["dump", "load", "replace_graphs", "replace_graphs_nquads"]
