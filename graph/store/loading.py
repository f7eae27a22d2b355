"""Filling an empty on-disk store by bulk loads, written to as it goes.

Oxigraph's bulk loader is many times faster than transactional writes, but each call pays for
its own files, so it wants large inputs. An ingest into a store that holds no named graph
writes through a :class:`LoadingStore`: every write that only adds new graphs (or adds to
graphs it added) is appended to the current *segment*, a file in ``STORE/segments/``, and each
segment of :data:`SEGMENT_BYTES` of N-Quads goes to a loader thread, which bulk-loads it from
its file while ingest maps the next records, links them and writes on, and then deletes it. The
loader works through a segment without the interpreter lock; segments wait for it in a short
queue. Segments are files, not memory, so what ingest holds does not grow with them: a write
goes to disk as it comes, and the loader reads it back (from the page cache, as a rule).

Segments rather than one stream: the bulk loader sorts and writes its input in runs of a million
quads, one run at a time, and begins a run only when it is full, so one stream left most of a run
to the end, when nothing else remained to do. With segments the loader keeps pace with ingest,
and an ingest hands the last articles over (:meth:`LoadingStore.hand_off`) before its linking
pass, which then runs beside the loader, and whose writes go to the loader in small segments
(:data:`TAIL_SEGMENT_BYTES`: smaller would mean more files for RocksDB to merge). From
then on a second loader thread takes segments too (bulk loads into one store may run at once:
each writes its own files), so the pass's writes need not wait behind the last articles.

Whatever cannot be appended — a read, an update, the replacement of a graph already written —
first ends the load (the loader loads what is left and the store is flushed) and then goes to
the store as usual, so answers never depend on the load. Small inputs
are written by the ordinary path: a bulk load pays off from :data:`STREAM_THRESHOLD` bytes on.

Crash safety: a load is part of a unit of writes (:meth:`EmbeddedStore.transaction`, an
ingest), so a crash mid-load leaves the unit's journal, and the store opened next goes back to
the snapshot the unit started from (the empty store) and deletes the segments left behind:
running the ingest again completes the job.
"""

from __future__ import annotations

import queue
import shutil
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox
from newsgraph.errors import StoreError
from newsgraph.sparql import QueryRequest, QueryResponse
from newsgraph.store.base import BulkLoad, Row, Term

if TYPE_CHECKING:
    from newsgraph.search.texts import ArticleText
    from newsgraph.store.embedded import EmbeddedStore

__all__ = [
    "SEGMENTS_DIRECTORY",
    "SEGMENT_BYTES",
    "STREAM_THRESHOLD",
    "TAIL_SEGMENT_BYTES",
    "LoadingStore",
]

#: Bytes of N-Quads from which a load is worth a bulk load; a smaller ingest is written at once.
STREAM_THRESHOLD = 8 << 20
#: Bytes of N-Quads per bulk load (about 650,000 quads of news articles).
SEGMENT_BYTES = 256 << 20
#: Segment size after :meth:`LoadingStore.hand_off` (the linking pass writes in chunks).
TAIL_SEGMENT_BYTES = 24 << 20
#: Segments waiting while the loader loads one.
QUEUE_DEPTH = 1
#: Where, in the store's directory, segments wait to be loaded.
SEGMENTS_DIRECTORY = "segments"
#: How often a writer waiting on a full queue checks that the loader still runs (seconds).
_POLL = 0.5


class LoadingStore(BulkLoad):
    """An empty :class:`EmbeddedStore` being filled by bulk loads (see the module)."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store = store
        self.writable = store.writable
        #: Named graphs this load wrote (every other named graph is empty).
        self._written: set[str] = set()
        #: Whether quads were added without naming their graphs (they may be in any graph).
        self._additions = False
        #: What was written before the load started (less than :data:`STREAM_THRESHOLD`).
        self._held: list[bytes] = []
        self._held_bytes = 0
        self._directory = store.path / SEGMENTS_DIRECTORY
        #: The segment being written, once the load has started, and its size.
        self._segment: IO[bytes] | None = None
        self._segment_bytes = 0
        self._segments = 0
        #: Bytes from which the segment goes to the loader.
        self._segment_limit = SEGMENT_BYTES
        self._queue: queue.Queue[Path | None] = queue.Queue(QUEUE_DEPTH)
        #: The loader threads: one, and a second from :meth:`hand_off` on.
        self._loaders: list[threading.Thread] = []
        self._error: BaseException | None = None
        self._ended = False

    @property
    def streaming(self) -> bool:
        """Whether the loader has started (a segment was handed over)."""
        return bool(self._loaders)

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

    def wrote_texts(self, texts: Iterable[ArticleText]) -> None:
        self.store.wrote_texts(texts)

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
        if not self._loaders:
            self._held.append(data)
            self._held_bytes += len(data)
            if self._held_bytes < STREAM_THRESHOLD:
                return
            self._start()
            data, self._held, self._held_bytes = b"".join(self._held), [], 0
        if self._segment is None:
            self._segments += 1
            self._segment = open(  # noqa: SIM115 - written across calls, closed by _give
                self._directory / f"{self._segments:06d}.nq", "wb", buffering=0
            )  # writes are whole batches: no buffer to copy them through
        _write_all(self._segment, data)
        self._segment_bytes += len(data)
        if self._segment_bytes >= self._segment_limit:
            self._give()

    def hand_off(self) -> None:
        """Give the loader what was written so far, to load while the caller goes on, and
        from now on segments of :data:`TAIL_SEGMENT_BYTES` (the caller is near its end: what
        the loaders still have to do after the last write is what delays the end). Nothing is
        given while the load has not started (less than :data:`STREAM_THRESHOLD` bytes were
        written: they may yet be written at once)."""
        if self._ended:
            return
        if len(self._loaders) == 1:
            self._add_loader()
        self._segment_limit = TAIL_SEGMENT_BYTES
        self._give()

    def _give(self) -> None:
        """Hand the current segment to the loaders."""
        if self._segment is None:
            return
        segment, self._segment, self._segment_bytes = self._segment, None, 0
        segment.close()
        if self._error is not None:
            self.end()  # raises the loader's error
        self._put(Path(segment.name))

    def _start(self) -> None:
        """Note the load in the unit of writes and start the loader."""
        self.store.begin_load()
        self._directory.mkdir(exist_ok=True)
        self._add_loader()

    def _add_loader(self) -> None:
        loader = threading.Thread(target=self._load, name="bulk-load", daemon=True)
        loader.start()
        self._loaders.append(loader)

    def _put(self, segment: Path | None) -> None:
        """Queue a segment (None: the end), waiting while the queue is full and the loader
        runs."""
        while True:
            try:
                self._queue.put(segment, timeout=_POLL)
                return
            except queue.Full:
                if not any(loader.is_alive() for loader in self._loaders):
                    return  # the loaders stopped on an error: it is raised when joined

    def _load(self) -> None:
        try:
            while (segment := self._queue.get()) is not None:
                self.store.raw.bulk_load(path=segment, format=ox.RdfFormat.N_QUADS, lenient=True)
                segment.unlink()
        except BaseException as error:
            self._error = error

    # -- ending the load ------------------------------------------------------------------------

    def end(self) -> None:
        """Finish the load: what was written is stored (and published when the unit of writes
        it is part of ends). Idempotent."""
        if self._ended:
            return
        self._ended = True
        if not self._loaders:
            if self._held:
                data, self._held = b"".join(self._held), []
                written = sorted(self._written)
                self.store.replace_graphs_nquads(written, data, absent=written)
            return
        if self._error is None:
            self._give()
        self._stop_loaders()
        if self._error is not None:  # the unit it is part of is undone
            raise StoreError(f"the bulk load into {self.store.path} failed: {self._error}")
        self.store.end_load()

    def abort(self) -> None:
        """Stop the load after an error elsewhere: the store is left as it was (empty)."""
        if self._ended:
            return
        self._ended = True
        self._held = []
        if self._loaders:
            self._stop_loaders()  # the unit it is part of is undone

    def _stop_loaders(self) -> None:
        """Wait for the loaders to load what they were given; delete what they did not load."""
        if self._segment is not None:
            self._segment.close()
            self._segment = None
        for _loader in self._loaders:
            self._put(None)
        for loader in self._loaders:
            loader.join()
        shutil.rmtree(self._directory, ignore_errors=True)

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


def _write_all(file: IO[bytes], data: bytes) -> None:
    """Write all of ``data`` to an unbuffered file (one write call may write part of it)."""
    view = memoryview(data)
    while view:
        view = view[file.write(view) or 0 :]
