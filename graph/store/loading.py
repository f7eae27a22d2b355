"""Filling an empty on-disk store in one bulk load, written to as it goes.

Oxigraph's bulk loader is fastest when it sees all its input at once: it cuts it into large
runs, sorts and writes each on its own thread, and hands RocksDB one set of files. Fed batch by
batch, each call is too small to use more than one thread, and each leaves files for RocksDB to
merge. So an ingest into a store that holds no named graph writes through a
:class:`LoadingStore`: every write that only adds new graphs (or adds to graphs it added) is
appended to one N-Quads stream, which a bulk loader on a background thread reads while ingest
maps the next records, links them and writes on.

Whatever cannot be appended — a read, an update, the replacement of a graph already written —
first ends the load (the loader reads to the end of the stream, the store is flushed and a
snapshot published) and then goes to the store as usual, so answers never depend on the load.
Small inputs are buffered and written by the ordinary path: a bulk load pays off from
:data:`STREAM_THRESHOLD` bytes on.

Crash safety: before the first byte reaches the loader, the store's journal notes that every
named graph is new; a store opened after a crash mid-load removes them all (the store held none
before), so running the ingest again completes the job, as it does after a crashed batch.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import queue
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox

from graph.errors import StoreError
from graph.sparql import QueryRequest, QueryResponse
from graph.store.base import Row, Store, Term

if TYPE_CHECKING:
    from graph.store.embedded import EmbeddedStore

__all__ = ["STREAM_THRESHOLD", "LoadingStore"]

#: Bytes of N-Quads buffered before the bulk load starts; a smaller ingest is written at once.
STREAM_THRESHOLD = 8 << 20
#: Chunks waiting for the loader (each is one write, a batch of articles at most).
QUEUE_DEPTH = 2
#: The pipe's buffer (Linux allows up to /proc/sys/fs/pipe-max-size, 1 MiB by default).
PIPE_SIZE = 1 << 20
#: How often a writer waiting on a full queue checks that the loader still runs (seconds).
_POLL = 0.5


class _Feed:
    """The loader's input: a pipe that the loader reads by path (so that reading never waits
    for Python's interpreter lock) and a thread writing the queued chunks into it."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        with contextlib.suppress(OSError):  # a larger pipe means fewer wake-ups
            fcntl.fcntl(self._write, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
        self._queue: queue.Queue[bytes | None] = queue.Queue(QUEUE_DEPTH)
        self._writer = threading.Thread(target=self._pump, name="bulk-load-feed", daemon=True)
        self._writer.start()

    @property
    def path(self) -> str:
        """Where the loader reads the stream."""
        return f"/dev/fd/{self._read}"

    def _pump(self) -> None:
        try:
            while (chunk := self._queue.get()) is not None:
                view = memoryview(chunk)
                while view:
                    view = view[os.write(self._write, view) :]
        except OSError:
            pass  # the loader stopped reading: its error is raised when it is joined
        finally:
            os.close(self._write)

    def put(self, chunk: bytes | None, loader: threading.Thread) -> None:
        """Queue a chunk (None: the end), waiting while the queue is full and the loader runs."""
        while True:
            try:
                self._queue.put(chunk, timeout=_POLL)
                return
            except queue.Full:
                if not loader.is_alive():
                    return  # the loader stopped on an error: it is raised when joined

    def close(self) -> None:
        """After the loader ended: stop the writer and close the reading end."""
        if self._writer.is_alive():
            os.close(self._read)  # a writer still writing gets EPIPE and stops
            self._read = -1
            with contextlib.suppress(queue.Full):
                self._queue.put_nowait(None)
            self._writer.join()
        if self._read >= 0:
            os.close(self._read)


class LoadingStore(Store):
    """An empty :class:`EmbeddedStore` being filled by one bulk load (see the module)."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store = store
        self.writable = store.writable
        #: Named graphs this load wrote (every other named graph is empty).
        self._written: set[str] = set()
        #: Whether quads were added without naming their graphs (they may be in any graph).
        self._additions = False
        self._buffer: list[bytes] = []
        self._buffered = 0
        self._feed: _Feed | None = None
        self._loader: threading.Thread | None = None
        self._error: BaseException | None = None
        self._ended = False

    @property
    def streaming(self) -> bool:
        """Whether the bulk load has started (more than :data:`STREAM_THRESHOLD` written)."""
        return self._loader is not None

    # -- writes that the load takes ------------------------------------------------------------

    def replace_graphs_nquads(
        self, graphs: Sequence[str], data: bytes, absent: Collection[str] = ()
    ) -> None:
        if not self._appendable(graphs):
            self.end()
            self.store.replace_graphs_nquads(graphs, data, absent)
            return
        self._written.update(graphs)
        if not graphs:
            self._additions = True
        self._append(data)

    def replace_graphs(self, graphs: Sequence[str], quads: Sequence[ox.Quad]) -> None:
        if not self._appendable(graphs):
            self.end()
            self.store.replace_graphs(graphs, quads)
            return
        text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        self.replace_graphs_nquads(graphs, text or b"")

    def _appendable(self, graphs: Sequence[str]) -> bool:
        """Whether replacing ``graphs`` only adds: none of them can hold a quad yet."""
        if self._ended:
            return False
        if not graphs:
            return True
        return not self._additions and self._written.isdisjoint(graphs)

    def _append(self, data: bytes) -> None:
        if not data:
            return
        if self._feed is None:
            self._buffer.append(data)
            self._buffered += len(data)
            if self._buffered >= STREAM_THRESHOLD:
                self._start()
            return
        assert self._loader is not None
        self._feed.put(data, self._loader)

    def _start(self) -> None:
        """Journal the load, start the loader and hand it what was buffered."""
        self.store.begin_load()
        self._feed = _Feed()
        self._loader = threading.Thread(target=self._load, name="bulk-load", daemon=True)
        self._loader.start()
        buffered, self._buffer = self._buffer, []
        for data in buffered:
            self._feed.put(data, self._loader)

    def _load(self) -> None:
        assert self._feed is not None
        try:
            self.store.raw.bulk_load(
                path=self._feed.path, format=ox.RdfFormat.N_QUADS, lenient=True
            )
        except BaseException as error:
            self._error = error

    # -- ending the load ------------------------------------------------------------------------

    def end(self) -> None:
        """Finish the load: what was written is stored, durable and published. Idempotent."""
        if self._ended:
            return
        self._ended = True
        if self._feed is None:
            if self._buffer:
                data, self._buffer = b"".join(self._buffer), []
                written = sorted(self._written)
                self.store.replace_graphs_nquads(written, data, absent=written)
            return
        assert self._loader is not None
        self._feed.put(None, self._loader)
        self._loader.join()
        self._feed.close()
        if self._error is not None:
            self.store.recover()
            raise StoreError(f"the bulk load into {self.store.path} failed: {self._error}")
        self.store.end_load()

    def abort(self) -> None:
        """Stop the load after an error elsewhere: the store is left as it was (empty)."""
        if self._ended:
            return
        self._ended = True
        self._buffer = []
        if self._feed is not None and self._loader is not None:
            self._feed.put(None, self._loader)
            self._loader.join()
            self._feed.close()
            self.store.recover()

    # -- everything else: after the load ---------------------------------------------------------

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> Iterator[Row]:
        self.end()
        return self.store.select(query, bindings)

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        self.end()
        return self.store.ask(query, bindings)

    def construct(
        self, query: str, bindings: Mapping[str, Term] | None = None
    ) -> Iterator[ox.Triple]:
        self.end()
        return self.store.construct(query, bindings)

    def execute(self, request: QueryRequest) -> QueryResponse:
        self.end()
        return self.store.execute(request)

    def update(self, text: str) -> None:
        self.end()
        self.store.update(text)

    def existing_graphs(self, graphs: Sequence[str]) -> set[str]:
        self.end()
        return self.store.existing_graphs(graphs)

    def load(
        self, data: bytes | IO[bytes], rdf_format: ox.RdfFormat, graph: str | None = None
    ) -> int:
        self.end()
        return self.store.load(data, rdf_format, graph)

    def dump(self, output: IO[bytes], rdf_format: ox.RdfFormat, graph: str | None = None) -> None:
        self.end()
        self.store.dump(output, rdf_format, graph)

    def flush(self) -> None:
        """Nothing to wait for: a read ends the load before it reads."""

    def close(self) -> None:
        self.end()
