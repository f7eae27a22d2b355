"""The embedded store: pyoxigraph (Oxigraph, RocksDB) in a directory on disk.

Layout of the store directory::

    data/          the primary database; one process at a time opens it for writing
    snapshots/     read snapshots published after every commit (see snapshots.py)
    journal.json   the graphs of a write in progress (or: all of them, during a bulk load
                   into the empty store); present only after a crash
    segments/      N-Quads waiting for a bulk load into the empty store (loading.py); present
                   only while one runs, or after a crash
    compaction-due bulk loads wrote the primary since it was last compacted (see compact)
    linking/       the linking cache (graph/linking/cache.py)
    server.json    how to reach the server that owns the store, while one runs
    rejects.jsonl  records that ingest refused

Opened for writing, the store writes and reads its primary. Opened for reading, it reads the
newest snapshot, so that readers never block the writer and never see half a batch.

Batches are written with the bulk loader (five times faster than transactional inserts). Crash
safety comes from the journal: it names the graphs of a batch before the batch touches them and
is removed after the batch is durable. A store opened for writing with a journal left behind
drops those graphs — each article is then wholly absent, and ingesting again restores it.
An ingest into an empty store writes in streamed bulk loads (:mod:`graph.store.loading`,
:meth:`EmbeddedStore.open_load`); its journal says that every named graph is new.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from graph import sparql, sparqltext
from graph.errors import ConfigError, StoreError, StoreLocked
from graph.sparql import QueryRequest, QueryResponse
from graph.store.base import Row, Store, Term
from graph.store.loading import SEGMENTS_DIRECTORY, LoadingStore
from graph.store.snapshots import SnapshotReader, Snapshots

SMALL_WRITE = 5_000  # quads; below this a transactional insert is cheaper than a bulk load
META_FILE = "newsgraph.json"
COMPACTION_DUE = "compaction-due"


class EmbeddedStore(Store):
    def __init__(self, path: Path | str, *, write: bool = False, base: str | None = None) -> None:
        self.path = Path(path)
        self.writable = write
        self.snapshots = Snapshots(self.path / "snapshots")
        self.recovered: list[str] = []
        self._reader: SnapshotReader | None = None
        if write:
            self.path.mkdir(parents=True, exist_ok=True)
            self._check_base(base, create=True)
            self._store = self._open_primary()
            self.recover()
            if self.snapshots.current() is None:
                self.snapshots.publish(self._store)
        else:
            self._check_base(base, create=False)
            self._reader = SnapshotReader(self.snapshots)
            self._store = self._reader.refresh() or ox.Store()

    # -- opening -------------------------------------------------------------------------------

    def _open_primary(self) -> ox.Store:
        try:
            return ox.Store(str(self.path / "data"))
        except OSError as error:
            if "lock" in str(error).lower():
                raise StoreLocked(
                    f"store {self.path} is open for writing in another process"
                    f"{owner_hint(self.path)}"
                ) from None
            raise StoreError(f"cannot open store {self.path}: {error}") from None

    def _check_base(self, base: str | None, *, create: bool) -> None:
        meta_path = self.path / META_FILE
        if meta_path.exists():
            recorded = json.loads(meta_path.read_text()).get("base")
            if base and recorded and recorded != base:
                raise ConfigError(
                    f"setting NEWSGRAPH_BASE = {base!r}: store {self.path} was built with base "
                    f"{recorded!r}; use that base or a new store"
                )
        elif create and base:
            meta_path.write_text(json.dumps({"base": base, "layout": 1}, indent=2) + "\n")

    def recover(self) -> None:
        """Drop the graphs of a write that a crash cut short (named in the journal), and the
        segments a bulk load cut short left behind."""
        shutil.rmtree(self.path / SEGMENTS_DIRECTORY, ignore_errors=True)
        journal = self.path / "journal.json"
        if not journal.exists():
            return
        try:
            noted = json.loads(journal.read_text())
        except ValueError:
            noted = {}
        if noted.get("all_named_graphs"):
            graphs = [graph.value for graph in self._store.named_graphs()]  # type: ignore[union-attr]
        else:
            graphs = noted.get("graphs", [])
        for graph in graphs:
            self._store.remove_graph(ox.NamedNode(graph))
        self._store.flush()
        self.recovered = graphs
        journal.unlink()

    def refresh(self) -> None:
        """Follow the newest snapshot (readers only)."""
        if self._reader is not None:
            self._store = self._reader.refresh() or self._store

    @property
    def generation(self) -> str | None:
        """The snapshot this reader reads (for a writer: the newest published), if any."""
        if self._reader is not None:
            return self._reader.name
        return self.snapshots.current()

    @property
    def raw(self) -> ox.Store:
        """The pyoxigraph store (for code that must stream from it directly)."""
        return self._store

    # -- reading -------------------------------------------------------------------------------

    def _query(self, query: str, bindings: Mapping[str, Term] | None) -> object:
        if bindings:
            query = sparqltext.inject_values(query, {k: str(v) for k, v in bindings.items()})
        return self._store.query(query, use_default_graph_as_union=True)

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> Iterator[Row]:
        solutions = self._query(query, bindings)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [variable.value for variable in solutions.variables]
        for solution in solutions:
            yield {
                name: value
                for name, value in zip(names, (solution[i] for i in range(len(names))), strict=True)
                if value is not None
            }

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        return bool(self._query(query, bindings))

    def construct(
        self, query: str, bindings: Mapping[str, Term] | None = None
    ) -> Iterator[ox.Triple]:
        triples = self._query(query, bindings)
        assert isinstance(triples, ox.QueryTriples)
        yield from triples

    def execute(self, request: QueryRequest) -> QueryResponse:
        return sparql.execute(self._store, request)

    # -- writing -------------------------------------------------------------------------------

    def _require_write(self) -> None:
        if not self.writable:
            raise StoreError(f"store {self.path} was opened read-only")

    def update(self, text: str) -> None:
        self._require_write()
        sparql.update(self._store, text)
        self.snapshots.publish(self._store)

    def replace_graphs(self, graphs: Sequence[str], quads: Sequence[ox.Quad]) -> None:
        with self._replacing(graphs):
            if len(quads) < SMALL_WRITE:
                self._store.extend(quads)
            else:
                self.note_bulk_load()
                self._store.bulk_extend(quads)

    def existing_graphs(self, graphs: Sequence[str]) -> set[str]:
        return {graph for graph in graphs if self._store.contains_named_graph(ox.NamedNode(graph))}

    def replace_graphs_nquads(
        self, graphs: Sequence[str], data: bytes, absent: Collection[str] = ()
    ) -> None:
        """Replace graphs by N-Quads text, parsed and loaded by the bulk loader in one call.

        The text is newsgraph's own (written by :mod:`graph.nquads` or pyoxigraph, which check
        every IRI as they write it), so the parser does not check IRIs again.
        """
        with self._replacing(graphs, absent):
            if len(data) < SMALL_WRITE * 100:
                self._store.extend(ox.parse(data, format=ox.RdfFormat.N_QUADS, lenient=True))
            else:
                self.note_bulk_load()
                self._store.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)

    @contextlib.contextmanager
    def _replacing(self, graphs: Sequence[str], absent: Collection[str] = ()) -> Iterator[None]:
        """Journal the graphs, empty them, let the caller add quads, then commit and publish."""
        self._require_write()
        journal = self.path / "journal.json"
        _write_durably(journal, json.dumps({"graphs": list(graphs)}))
        skip = set(absent)
        for graph in graphs:
            if graph in skip:
                continue
            node = ox.NamedNode(graph)
            if self._store.contains_named_graph(node):
                self._store.remove_graph(node)
        yield
        self._store.flush()
        journal.unlink()
        self.snapshots.publish(self._store)

    def open_load(self) -> LoadingStore | None:
        """One bulk load taking this ingest's writes, when the store holds no named graph."""
        self._require_write()
        if next(iter(self._store.named_graphs()), None) is not None:
            return None
        return LoadingStore(self)

    def begin_load(self) -> None:
        """Journal a bulk load into the empty store: every named graph it makes is new."""
        self.note_bulk_load()
        _write_durably(self.path / "journal.json", json.dumps({"all_named_graphs": True}))

    def end_load(self) -> None:
        """The bulk load is complete: make it durable, drop the journal, publish."""
        self._store.flush()
        (self.path / "journal.json").unlink()
        self.snapshots.publish(self._store)

    def load(
        self, data: bytes | IO[bytes], rdf_format: ox.RdfFormat, graph: str | None = None
    ) -> int:
        self._require_write()
        before = len(self._store)
        target = ox.NamedNode(graph) if graph else None
        self.note_bulk_load()
        try:
            self._store.bulk_load(data, format=rdf_format, to_graph=target)
        except SyntaxError as error:
            raise StoreError(f"cannot parse the {rdf_format.name} input: {error}") from None
        self._store.flush()
        self.snapshots.publish(self._store)
        return len(self._store) - before

    # -- compacting ----------------------------------------------------------------------------

    @property
    def compaction_due(self) -> bool:
        """Whether bulk loads wrote the primary since it was last compacted."""
        return (self.path / COMPACTION_DUE).exists()

    def note_bulk_load(self) -> None:
        """Mark the store as due for compaction (before a bulk load: a crash keeps the mark)."""
        (self.path / COMPACTION_DUE).touch()

    def compact(self) -> bool:
        """Merge the primary's files (:meth:`merge_files`), then publish them
        (:meth:`publish_merged`); whether a snapshot was published."""
        self.merge_files()
        return self.publish_merged()

    def merge_files(self) -> None:
        """Merge the primary's sorted runs of files into one per level (Oxigraph's optimize).

        Every bulk load adds runs that each read consults until RocksDB merges them, which it
        does in the background only while the store stays open for writing: a store just filled
        by an ingest answers scans 1.5–2 times slower than merged. Writes may go on meanwhile.
        """
        self._require_write()
        mark = self.path / COMPACTION_DUE
        noted = _modified(mark)
        self._store.optimize()
        if noted is not None and _modified(mark) == noted:  # else a bulk load wrote meanwhile
            mark.unlink(missing_ok=True)

    def publish_merged(self) -> bool:
        """Publish a snapshot when the primary's table files are no longer those of the newest
        snapshot (merged, by :meth:`merge_files` or by RocksDB), so that readers read the merged
        files; whether it published. The caller keeps writes out meanwhile."""
        self._require_write()
        current = self.snapshots.current()
        if current is not None and _tables(self.path / "data") == _tables(
            self.snapshots.root / current
        ):
            return False
        self.snapshots.publish(self._store)
        return True

    def dump(self, output: IO[bytes], rdf_format: ox.RdfFormat, graph: str | None = None) -> None:
        from_graph = ox.NamedNode(graph) if graph else None
        if from_graph is None and not rdf_format.supports_datasets:
            raise StoreError(f"{rdf_format.name} holds one graph: name the graph to dump")
        self._store.dump(output, format=rdf_format, from_graph=from_graph)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        with contextlib.suppress(AttributeError):
            del self._store


def _modified(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


def _tables(directory: Path) -> set[str]:
    """The names of a RocksDB directory's table files (a snapshot hard-links the primary's)."""
    return {name for name in os.listdir(directory) if name.endswith(".sst")}


def _write_durably(path: Path, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def owner_hint(path: Path) -> str:
    """' (the server at URL, pid N)' when a server owns the store, else ''."""
    try:
        info = json.loads((path / "server.json").read_text())
    except (OSError, ValueError):
        return ""
    return f" (the server at {info.get('url')}, pid {info.get('pid')})"
