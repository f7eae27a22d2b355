"""The store as the server holds it: reads in killable worker processes, writes on the primary.

The server owns the primary database when it is free, and hands out its writes to one writer at
a time; when another process (a long ingest) holds it, the server still answers queries from
the snapshots that process publishes, and writes are refused until the primary is free. While it
owns the primary it compacts what bulk loads wrote once writes pause (:mod:`graph.store.compaction`).

:attr:`ServedStore.generation` names the newest snapshot cheaply (one ``stat``), so that the
endpoint can tie ETags and Last-Modified to it: every write publishes a new generation.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from graph.errors import StoreLocked
from graph.sparql import QueryRequest, QueryResponse
from graph.store.base import Row, Store, Term
from graph.store.compaction import Compactor
from graph.store.embedded import EmbeddedStore
from graph.store.pool import QueryPool, Reply
from graph.store.snapshots import Snapshots


@dataclass(frozen=True)
class Generation:
    """One published snapshot: its name and when it was made (seconds since the epoch)."""

    name: str
    #: Unique across rebuilds of the store (the name and the time it was published).
    tag: str
    modified: float


class GenerationWatch:
    """The current snapshot generation, re-read only when ``CURRENT`` changes."""

    def __init__(self, snapshots: Snapshots) -> None:
        self.snapshots = snapshots
        self._current_file = str(snapshots.current_file)  # stat on every request: made once
        self._seen: tuple[int, int] | None = None
        self._current: Generation | None = None
        self._known: dict[str, Generation] = {}

    def current(self) -> Generation | None:
        try:
            status = os.stat(self._current_file)
        except FileNotFoundError:
            return None
        key = (status.st_ino, status.st_mtime_ns)
        if key != self._seen:
            name = self.snapshots.current()
            self._current = self.named(name) if name else None
            self._seen = key
        return self._current

    def named(self, name: str | None) -> Generation | None:
        """The generation called ``name`` (as a worker reports it)."""
        if name is None:
            return None
        known = self._known.get(name)
        if known is None:
            try:  # the lock file is made when the snapshot is published and never written
                status = os.stat(self.snapshots.root / f"{name}.lock")
            except FileNotFoundError:
                return None
            tag = f"{name}.{status.st_mtime_ns:x}"
            known = Generation(name, tag, status.st_mtime)
            if len(self._known) > 64:
                self._known.clear()
            self._known[name] = known
        return known


class ServedStore(Store):
    def __init__(
        self, path: Path, *, base: str, workers: int, timeout: float, compact_after: float = 0
    ) -> None:
        """``compact_after``: seconds without writes after which a store that bulk loads wrote
        is compacted (:mod:`graph.store.compaction`); 0 never compacts."""
        self.path = path
        self.base = base
        self._write_lock = threading.Lock()
        self._writer: EmbeddedStore | None = None
        self.compactor = Compactor(self.compact, compact_after) if compact_after > 0 else None
        self.try_acquire()
        if self._writer is None:
            EmbeddedStore(path, write=False, base=base).close()  # checks the base
        self.generations = GenerationWatch(Snapshots(path / "snapshots"))
        self.pool = QueryPool(path, workers, timeout)

    @property
    def owns_primary(self) -> bool:
        return self._writer is not None

    @property
    def generation(self) -> Generation | None:
        """The newest published snapshot."""
        return self.generations.current()

    def try_acquire(self) -> bool:
        """Open the primary for writing if no other process holds it."""
        if self._writer is None:
            try:
                self._writer = EmbeddedStore(self.path, write=True, base=self.base)
            except StoreLocked:
                return False
            self._wrote()  # another process may have bulk-loaded it
        return True

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
        if not self.try_acquire():
            raise StoreLocked(
                f"store {self.path} is being written by another process; writes resume when it ends"
            )
        assert self._writer is not None
        return self._writer

    def _hint(self) -> str | None:
        current = self.generations.current()
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

    async def execute_async(self, request: QueryRequest) -> Reply:
        """Run a protocol request on the event loop; the reply carries timings and generation."""
        return await self.pool.call_async("execute", request, hint=self._hint())

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
    def _writing(self) -> Iterator[EmbeddedStore]:
        """The primary, for one write at a time; a write that ends tells the compactor."""
        with self._write_lock:
            yield self._primary()
        self._wrote()

    def update(self, text: str) -> None:
        with self._writing() as primary:
            primary.update(text)

    def replace_graphs(self, graphs: Sequence[str], quads: Sequence[ox.Quad]) -> None:
        with self._writing() as primary:
            primary.replace_graphs(graphs, quads)

    def load(
        self, data: bytes | IO[bytes], rdf_format: ox.RdfFormat, graph: str | None = None
    ) -> int:
        with self._writing() as primary:
            return primary.load(data, rdf_format, graph)

    def dump(self, output: IO[bytes], rdf_format: ox.RdfFormat, graph: str | None = None) -> None:
        with EmbeddedStore(self.path, write=False) as snapshot:
            snapshot.dump(output, rdf_format, graph)

    def close(self) -> None:
        if self.compactor is not None:
            self.compactor.stop()
        self.pool.close()
        with self._write_lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None
