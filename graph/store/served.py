"""The store as the server holds it: reads in killable worker processes, writes on the primary.

The server owns the primary database when it is free, and hands out its writes to one writer at
a time; when another process (a long ingest) holds it, the server still answers queries from
the snapshots that process publishes, and writes are refused until the primary is free.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from graph.errors import StoreLocked
from graph.sparql import QueryRequest, QueryResponse
from graph.store.base import Row, Store, Term
from graph.store.embedded import EmbeddedStore
from graph.store.pool import QueryPool


class ServedStore(Store):
    def __init__(self, path: Path, *, base: str, workers: int, timeout: float) -> None:
        self.path = path
        self.base = base
        self._write_lock = threading.Lock()
        self._writer: EmbeddedStore | None = None
        self.try_acquire()
        if self._writer is None:
            EmbeddedStore(path, write=False, base=base).close()  # checks the base
        self.pool = QueryPool(path, workers, timeout)

    @property
    def owns_primary(self) -> bool:
        return self._writer is not None

    def try_acquire(self) -> bool:
        """Open the primary for writing if no other process holds it."""
        if self._writer is None:
            try:
                self._writer = EmbeddedStore(self.path, write=True, base=self.base)
            except StoreLocked:
                return False
        return True

    def _primary(self) -> EmbeddedStore:
        if not self.try_acquire():
            raise StoreLocked(
                f"store {self.path} is being written by another process; writes resume when it ends"
            )
        assert self._writer is not None
        return self._writer

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
        return self.pool.execute(request)

    # writes: one at a time, on the primary
    def update(self, text: str) -> None:
        with self._write_lock:
            self._primary().update(text)

    def replace_graphs(self, graphs: Sequence[str], quads: Sequence[ox.Quad]) -> None:
        with self._write_lock:
            self._primary().replace_graphs(graphs, quads)

    def load(
        self, data: bytes | IO[bytes], rdf_format: ox.RdfFormat, graph: str | None = None
    ) -> int:
        with self._write_lock:
            return self._primary().load(data, rdf_format, graph)

    def dump(self, output: IO[bytes], rdf_format: ox.RdfFormat, graph: str | None = None) -> None:
        with EmbeddedStore(self.path, write=False) as snapshot:
            snapshot.dump(output, rdf_format, graph)

    def close(self) -> None:
        self.pool.close()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
