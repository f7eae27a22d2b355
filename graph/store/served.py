"""The store as the server holds it: reads in killable worker processes, writes on the primary.

The server owns the primary database when it is free, and hands out its writes to one writer at
a time. A command that writes the store while the server runs (``ingest``, ``link``, ``load``)
*borrows* the primary (:mod:`graph.store.handover`): the server closes it, the command writes
it exactly as it would with no server (so the store it leaves is the one a fresh run leaves),
publishes its snapshot, and gives it back. Meanwhile the server answers queries from the
snapshots and refuses writes; it takes the primary back when the borrower returns it or dies
(a borrower killed part-way leaves a journal, and taking the primary back undoes its unit).
While it owns the primary it compacts what bulk loads wrote once writes pause
(:mod:`graph.store.compaction`).

A watch checks every second that the store directory is still the one the server opened: a
directory deleted or replaced under the server is reported (:attr:`ServedStore.lost`) and the
server stops rather than answer from a store that no longer exists.

:meth:`ServedStore.version` names the newest snapshot cheaply (one ``stat``), so that the
endpoint can tie ETags and Last-Modified to it: every unit of writes publishes a new version.
:meth:`ServedStore.execute_async` answers the queries the entity summaries hold from them
(:mod:`graph.store.summaries`: the engine's answer, byte for byte, or none), the rest in a worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from newsgraph.errors import StoreError, StoreLocked
from newsgraph.sparql import QueryRequest, QueryResponse
from newsgraph.store import locks
from newsgraph.store.base import Executed, Row, Store, Term
from newsgraph.store.compaction import Compactor
from newsgraph.store.embedded import EmbeddedStore
from newsgraph.store.pool import QueryPool
from newsgraph.store.snapshots import Snapshots, Version, VersionWatch
from newsgraph.store.summaries import SummaryKeeper
from newsgraph.store.summaries.keeper import FOLLOW_WAIT

log = logging.getLogger("newsgraph.served")
#: Seconds between the watch's checks of the store directory and of a lent primary.
WATCH_SECONDS = 1.0
SUMMARISED = "answered from the per-entity summaries of this snapshot"
FOLLOWING = "waiting for the summaries to follow the write just published"


class ServedStore(Store):
    def __init__(
        self,
        path: Path,
        *,
        base: str,
        workers: int,
        timeout: float,
        compact_after: float = 0,
        summaries: bool = False,
        on_lost: Callable[[str], None] | None = None,
    ) -> None:
        """``compact_after``: seconds without writes after which a store that bulk loads wrote
        is compacted (:mod:`graph.store.compaction`); 0 never compacts. ``summaries``: answer
        the queries the entity summaries hold from them. ``on_lost`` is called once, with a
        message, if the store directory is deleted or replaced while served."""
        self.path = path
        self.base = base
        self._write_lock = threading.Lock()
        self._writer: EmbeddedStore | None = None
        #: The process the primary is lent to (:meth:`lend_primary`), while it lives.
        self._lent_to: int | None = None
        #: Why the store can no longer be served (its directory went), once the watch saw it.
        self.lost: str | None = None
        self._on_lost = on_lost
        self._identity = _identity(path)
        EmbeddedStore(path, write=False, base=base).close()  # it exists; the base matches
        self.compactor = Compactor(self.compact, compact_after) if compact_after > 0 else None
        self.try_acquire()
        self.versions = VersionWatch(Snapshots(path / "snapshots"))
        self.summaries = SummaryKeeper(path) if summaries else None
        if self.summaries is not None:
            self.summaries.watch()
        self.pool = QueryPool(path, workers, timeout)
        self._stopping = threading.Event()
        self._watch = threading.Thread(target=self._watch_store, name="store-watch", daemon=True)
        self._watch.start()

    @property
    def owns_primary(self) -> bool:
        return self._writer is not None

    def version(self) -> Version | None:
        """The newest published snapshot."""
        return self.versions.current()

    def try_acquire(self) -> bool:
        """Open the primary for writing if no other process holds it (nor is about to: a
        process it was lent to keeps it while it lives)."""
        if self._writer is None:
            if self._lent_to is not None and locks.process_alive(self._lent_to):
                return False
            self._lent_to = None
            try:
                self._writer = EmbeddedStore(
                    self.path, write=True, base=self.base, create=False, what="newsgraph serve"
                )
            except StoreLocked:
                return False
            self._wrote()  # another process may have bulk-loaded it
        return True

    # -- lending the primary ----------------------------------------------------------------

    def lend_primary(self, pid: int, settle: Callable[[], None] = lambda: None) -> None:
        """Close the primary so that process ``pid`` can open it (see :mod:`graph.store.handover`);
        it is not reopened while ``pid`` lives, until :meth:`take_back_primary`. Waits for a
        write or a compaction under way to end; then ``settle`` puts in order what the server's
        own writes keep beside the store, before ``pid`` writes."""
        if self.lost is not None:
            raise StoreError(self.lost)
        with self._write_lock:
            self._lent_to = pid
            writer, self._writer = self._writer, None
            if writer is not None:
                writer.close()
            settle()

    def take_back_primary(self, pid: int) -> None:
        """The borrower ``pid`` is done: own the primary again (if it is free)."""
        with self._write_lock:
            if self._lent_to == pid:
                self._lent_to = None
            self.try_acquire()

    # -- watching the store directory ----------------------------------------------------------

    def _watch_store(self) -> None:
        while not self._stopping.wait(WATCH_SECONDS):
            if _identity(self.path) != self._identity or not (self.path / "snapshots").is_dir():
                self._lose(
                    f"the store directory {self.path.resolve()} was deleted or replaced while it was "
                    "served; the server stops rather than answer from a store that is gone"
                )
                return
            if self._writer is None and self._write_lock.acquire(blocking=False):
                try:
                    self.try_acquire()  # a borrower died, or a writer that held it ended
                except (OSError, StoreError) as error:
                    log.warning("newsgraph: could not take the primary back (%s)", error)
                finally:
                    self._write_lock.release()

    def _lose(self, message: str) -> None:
        self.lost = message
        log.error("newsgraph: %s", message)
        if self._on_lost is not None:
            self._on_lost(message)

    def _wrote(self) -> None:
        if self.compactor is not None:
            self.compactor.wrote()

    def compact(self) -> bool:
        """Compact the primary if bulk loads wrote it since it was last compacted, and publish
        the merged files; whether a snapshot was published."""
        writer = self._writer
        if writer is None or not writer.compaction_due:
            return False
        writer.merge_files()  # outside the write lock: writes go on meanwhile
        with self._write_lock:
            return self._writer is writer and writer.publish_merged()

    def _primary(self) -> EmbeddedStore:
        if self.lost is not None:
            raise StoreError(self.lost)
        if not self.try_acquire():
            raise StoreLocked(
                f"store {self.path} is being written by another process"
                f"{_writer_hint(self.path)}; writes resume when it ends"
            )
        assert self._writer is not None
        return self._writer

    def _hint(self) -> str | None:
        current = self.versions.current()
        return current.name if current else None

    # reads: in the workers
    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> Iterator[Row]:
        return self.pool.select(query, bindings)

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        return self.pool.ask(query, bindings)

    def construct(
        self, query: str, bindings: Mapping[str, Term] | None = None
    ) -> Iterator[ox.Triple]:
        return self.pool.construct(query, bindings)

    def execute(self, request: QueryRequest) -> QueryResponse:
        response: QueryResponse = self.pool.call("execute", request, hint=self._hint()).value
        return response

    async def execute_async(self, request: QueryRequest) -> Executed:
        """From the entity summaries of the newest snapshot when they hold the answer, else in
        a worker, on the event loop; with the version the answer was computed from."""
        current = self.versions.current()
        if self.summaries is not None and current is not None:
            started = time.monotonic()
            timings: tuple[tuple[str, float, str], ...] = ()
            response = self.summaries.answer(request, current.tag)
            followed = (
                None if response is not None else self.summaries.pending(request, current.tag)
            )
            if followed is not None:  # a write was just published: its follow ends soon
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(followed)),
                                           FOLLOW_WAIT)  # fmt: skip
                timings = (("follow", time.monotonic() - started, FOLLOWING),)
                started = time.monotonic()
                current = self.versions.current() or current
                response = self.summaries.answer(request, current.tag)
            if response is not None:
                seconds = time.monotonic() - started
                return Executed(response, current, (*timings, ("summaries", seconds, SUMMARISED)))
        hint = current.name if current else None
        reply = await self.pool.call_async("execute", request, hint=hint)
        version = current if reply.generation == hint else self.versions.named(reply.generation)
        return Executed(
            reply.value,
            version,
            (("wait", reply.wait, "waiting for a query worker"),
             ("query", reply.run, "evaluation and serialisation")),
        )  # fmt: skip

    async def select_async(
        self, query: str, bindings: Mapping[str, Term] | None = None
    ) -> list[Row]:
        reply = await self.pool.call_async(
            "select", (query, dict(bindings or {})), hint=self._hint()
        )
        rows: list[Row] = reply.value
        return rows

    # writes: one at a time, on the primary
    @contextlib.contextmanager
    def writing(self) -> Iterator[EmbeddedStore]:
        """The primary, for one write at a time (StoreLocked while another process holds it);
        a write that ends tells the compactor."""
        with self._write_lock:
            yield self._primary()
        self._wrote()

    def update(self, text: str) -> None:
        with self.writing() as primary:
            primary.update(text)

    def replace_graphs(self, graphs: Sequence[str], quads: Sequence[ox.Quad]) -> None:
        with self.writing() as primary:
            primary.replace_graphs(graphs, quads)

    def load(
        self, data: bytes | IO[bytes], rdf_format: ox.RdfFormat, graph: str | None = None
    ) -> int:
        with self.writing() as primary:
            return primary.load(data, rdf_format, graph)

    def dump(self, output: IO[bytes], rdf_format: ox.RdfFormat, graph: str | None = None) -> None:
        with EmbeddedStore(self.path, write=False) as snapshot:
            snapshot.dump(output, rdf_format, graph)

    def close(self) -> None:
        self._stopping.set()
        if self.compactor is not None:
            self.compactor.stop()
        self.pool.close()
        if self.summaries is not None:
            self.summaries.close()
        with self._write_lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None


def _identity(path: Path) -> tuple[int, int] | None:
    """The directory's device and inode (None when it is gone)."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _writer_hint(path: Path) -> str:
    return locks.describe(locks.holder(path / locks.WRITER_LOCK))
