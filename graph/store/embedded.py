"""The embedded store: pyoxigraph (Oxigraph, RocksDB) in a directory on disk.

Layout of the store directory::

    data/          the primary database; one process at a time opens it for writing
    snapshots/     read snapshots, one published after every unit of writes (snapshots.py)
    journal.json   present while a unit of writes is under way, or after one was cut short
                   (recovery.py)
    writer.lock    held by the process that writes the primary; server.lock by the server
    segments/      N-Quads waiting for a bulk load into the empty store (loading.py); present
                   only while one runs, or after a crash
    compaction-due bulk loads wrote the primary since it was last compacted (see compact)
    linking/       the linking cache (graph/linking/cache.py)
    search/        the full-text index, kept in step by every unit of writes (graph/search/)
    server.json    how to reach the server that owns the store, while one runs
    rejects.jsonl  records that ingest refused

Opened for writing, the store writes and reads its primary. Opened for reading, it reads the
newest snapshot, so that readers never block the writer and never see a unit half written.

Writes come in units (:meth:`EmbeddedStore.transaction`; a write outside one is a unit of its
own): readers see a unit when it is whole, and a unit that fails or is cut short by a crash is
undone — the primary goes back to the snapshot it started from (:mod:`graph.store.recovery`).
An ingest is one unit: its batches, its links and its entity descriptions appear together.
Batches are written with the bulk loader (five times faster than transactional inserts); an
ingest into an empty store writes in streamed bulk loads (:mod:`graph.store.loading`).

Only ``ingest`` and ``load`` make a store; every other command refuses a path that holds none
(:class:`~graph.errors.StoreNotFound`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox
from newsgraph import collector, queries, sparql
from newsgraph.errors import ConfigError, StoreError, StoreLocked, StoreNotFound
from newsgraph.sparql import QueryRequest, QueryResponse
from newsgraph.store import changes as unit_changes
from newsgraph.store import locks
from newsgraph.store.base import Row, Store, Term
from newsgraph.store.loading import SEGMENTS_DIRECTORY, LoadingStore
from newsgraph.store.recovery import PRIMARY, Journal, restore_primary
from newsgraph.store.snapshots import SnapshotReader, Snapshots, Version

if TYPE_CHECKING:
    from newsgraph.search.texts import ArticleText

SMALL_WRITE = 5_000  # quads; below this a transactional insert is cheaper than a bulk load
META_FILE = "newsgraph.json"
COMPACTION_DUE = "compaction-due"


class EmbeddedStore(Store):
    transactional = True

    def __init__(
        self,
        path: Path | str,
        *,
        write: bool = False,
        base: str | None = None,
        create: bool | None = None,
        what: str = "",
    ) -> None:
        """Open the store at ``path``; ``write`` opens the primary (one process at a time),
        ``create`` (default: ``write``) makes a store where there is none, ``what`` says who
        writes (shown to a process the store refuses)."""
        self.path = Path(path)
        self.writable = write
        self.snapshots = Snapshots(self.path / "snapshots")
        self.journal = Journal(self.path)
        #: Whether :meth:`recover` undid a unit of writes that was cut short.
        self.recovered = False
        self._reader: SnapshotReader | None = None
        self._writer_lock = locks.FileLock(self.path / locks.WRITER_LOCK)
        #: The snapshot the unit of writes under way started from (see :meth:`transaction`).
        self._unit: str | None = None
        self._in_unit = False
        self._unit_wrote = False
        #: The graphs the unit under way replaced (None: it wrote what it cannot name).
        self._touched: set[str] | None = set()
        #: What the unit under way changed, as its writes declared it (:meth:`described`;
        #: None: a write did not), noted beside its snapshot (:mod:`graph.store.changes`).
        self._changes: unit_changes.Changes | None = unit_changes.NOTHING
        self._declared: list[unit_changes.Changes] = []
        #: The full-text index, once a query asked it (``ng:matches``).
        self._search_index: Any = None
        #: The texts the unit under way wrote (:meth:`wrote_texts`), indexed as they come.
        self._search_feed: Any = None
        #: What the index did to follow the last unit, or to catch up as the store opened
        #: (:class:`newsgraph.search.sync.Followed`; None: nothing to do).
        self.search_followed: Any = None
        #: Kept by compaction, rollback and close: each needs the primary to itself.
        self._exclusive = threading.RLock()
        self._closed = False
        if not (create if create is not None else write) and not exists(self.path):
            raise StoreNotFound(
                f"no store at {self.path}: `newsgraph ingest` or `newsgraph load` makes one"
            )
        #: Whether this opening made the store's directory (it is removed again when the
        #: ``with`` block that opened it fails: a command that fails leaves nothing behind).
        self.created = write and not self.path.exists()
        if write:
            self.path.mkdir(parents=True, exist_ok=True)
            self._check_base(base, create=True)
            if not self._writer_lock.try_acquire({"what": what or "a writer"}):
                raise StoreLocked(
                    f"store {self.path} is open for writing in another process"
                    f"{locks.describe(locks.holder(self.path / locks.WRITER_LOCK))}"
                )
            try:
                self.recover()
                self._store = self._open_primary()
                if self.snapshots.current() is None:
                    self.snapshots.publish(self._store)
                self._catch_up_search()
            except BaseException:
                self._writer_lock.release()
                raise
        else:
            self._check_base(base, create=False)
            self._reader = SnapshotReader(self.snapshots)
            self._store = self._reader.refresh() or ox.Store()

    # -- opening -------------------------------------------------------------------------------

    def _open_primary(self) -> ox.Store:
        try:
            return ox.Store(str(self.path / PRIMARY))
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
        """Undo a unit of writes that a crash cut short (the journal names the snapshot it
        started from), and delete the segments a bulk load cut short left behind. Runs when
        the primary is opened for writing, before it is opened."""
        shutil.rmtree(self.path / SEGMENTS_DIRECTORY, ignore_errors=True)
        if not self.journal.exists():
            return
        restore_primary(self.path, self.snapshots, self.journal.snapshot(self.snapshots))
        self.journal.end()
        self.recovered = True

    def refresh(self) -> None:
        """Follow the newest snapshot (readers only)."""
        if self._reader is not None:
            self._store = self._reader.refresh() or self._store

    def prepare(self) -> None:
        """Open the newest snapshot for the next :meth:`refresh`, from another thread (readers
        only; :meth:`SnapshotReader.prepare`)."""
        if self._reader is not None:
            self._reader.prepare()

    @property
    def generation(self) -> str | None:
        """The snapshot this reader reads (for a writer: the newest published), if any."""
        if self._reader is not None:
            return self._reader.name
        return self.snapshots.current()

    def changed_between(self, old: str | None, new: str | None) -> unit_changes.Changes | None:
        return unit_changes.since(self.snapshots.root, old, new)

    def version(self) -> Version | None:
        """The snapshot this reader reads; for a writer, the newest it published — None in the
        middle of a unit of writes, when the primary holds what no snapshot holds."""
        if self._reader is not None:
            return self.snapshots.version(self._reader.name)
        if self._in_unit:
            return None
        return self.snapshots.version(self.snapshots.current())

    @property
    def raw(self) -> ox.Store:
        """The pyoxigraph store (inside ``graph/store/`` and tests: no caller elsewhere reaches
        for it; they have :meth:`select_values`)."""
        return self._store

    # -- units of writes -----------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One unit of writes: readers see all of it once it ends, or — when it raises, or the
        process dies in it — none of it (the primary goes back to the snapshot it started
        from). Units nest: an inner one is part of the outer."""
        self._require_write()
        if self._in_unit:
            yield
            return
        start = self.snapshots.current()
        if start is None:
            start = self.snapshots.publish(self._store)
        self.journal.begin(start)
        self._unit, self._in_unit, self._unit_wrote = start, True, False
        self._touched = set()
        self._changes = unit_changes.NOTHING
        for declared in self._declared:
            self._changes = self._changes | declared
        self._search_feed = None
        published = None
        try:
            yield
            if self._unit_wrote:
                self._store.flush()
                published = self.snapshots.publish(self._store, noted=(start, self._changes))
        except BaseException as error:
            self._in_unit = False
            if self._search_feed is not None:
                self._search_feed.abort()
            self._undo(error)
            raise
        self._in_unit = False
        if published is not None:
            self._follow_search(published, start)
        elif self._search_feed is not None:
            self._search_feed.abort()
        self.journal.end()

    # -- the full-text index -------------------------------------------------------------------

    def _follow_search(self, published: str, start: str) -> None:
        """The full-text index follows the unit just published, before its journal goes: a
        process killed here leaves the journal, and the next opening catches the index up."""
        from newsgraph.search import sync

        feed, self._search_feed = self._search_feed, None
        try:
            self.search_followed = sync.follow(
                self, self.path, published, since=start, touched=self._touched, feed=feed
            )
        except (OSError, ValueError) as error:
            raise StoreError(
                f"store {self.path}: the search index could not follow the write ({error}); "
                "it catches up when the store is next opened for writing"
            ) from error

    def wrote_texts(self, texts: Iterable[ArticleText]) -> None:
        """Index the texts of articles the unit under way wrote, uncommitted until it ends."""
        from newsgraph.search import sync

        if not self._in_unit:
            return
        if self._search_feed is None:
            self._search_feed = sync.Feed(self.path)
        self._search_feed.add(texts)

    def _catch_up_search(self) -> None:
        """Bring the full-text index level with the newest snapshot (after a crash, or for a
        store made before it had one)."""
        from newsgraph.search import sync

        self.search_followed = sync.catch_up(self, self.path, self.snapshots.current())

    def rebuild_search(self) -> int:
        """Index every article afresh (``newsgraph search --rebuild``); how many."""
        from newsgraph.search import sync

        self._require_write()
        return sync.rebuild(self, self.path, self.snapshots.current()).indexed

    def _touch(self, graphs: Collection[str] | None) -> None:
        """Note what the unit under way writes (None: what it cannot name). A write inside
        :meth:`described` writes the articles declared there, whatever it names."""
        if self._declared:
            if graphs is None:
                graphs = {article for d in self._declared for article in d.articles}
        else:
            self._changes = None
        if graphs is None:
            self._touched = None
        elif self._touched is not None:
            self._touched.update(graphs)

    @contextlib.contextmanager
    def described(
        self, articles: Collection[str] = (), subjects: Collection[str] = ()
    ) -> Iterator[None]:
        """The writes inside change the graphs of ``articles`` and statements about
        ``subjects`` elsewhere, nothing else (see :meth:`Store.described`): the unit's note
        names them, and the entity summaries of readers follow it without reading the rest."""
        declared = unit_changes.Changes(frozenset(articles), frozenset(subjects))
        self._declared.append(declared)
        if self._in_unit and self._changes is not None:
            self._changes = self._changes | declared
        try:
            yield
        finally:
            self._declared.pop()

    @contextlib.contextmanager
    def _writing(self, *, atomic: bool = False) -> Iterator[None]:
        """A write: part of the unit under way, else a unit of its own. An ``atomic`` write
        (one SPARQL update: all or nothing in the engine) that fails wrote nothing.

        Write paths reach the database through ``self._store`` only, never a local name: a
        failed write's traceback then holds no reference that would keep the database open
        while the unit is undone."""
        with self.transaction():
            if not atomic:
                self._unit_wrote = True
            yield
            self._unit_wrote = True

    def _undo(self, cause: BaseException) -> None:
        """Bring the primary back to the snapshot the failed unit started from."""
        if not self._unit_wrote:
            self.journal.end()
            return
        with self._exclusive:
            try:
                self._close_primary()
                restore_primary(self.path, self.snapshots, self._unit)
                self._store = self._open_primary()
                self.journal.end()
            except (OSError, StoreError) as error:
                self._closed = True  # the journal stays: the next opening undoes the unit
                raise StoreError(
                    f"store {self.path}: a write failed ({cause}) and could not be undone at "
                    f"once ({error}); it is undone when the store is next opened for writing"
                ) from error

    def _close_primary(self) -> None:
        with contextlib.suppress(AttributeError):
            del self._store
        collector.collect_all()  # the database closes when its last reference goes

    # -- reading -------------------------------------------------------------------------------

    def _query(self, query: str, bindings: Mapping[str, Term] | None) -> object:
        if bindings:
            query = queries.bind(query, bindings)
        query = self._joined(query)
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

    def select_values(
        self, query: str, variables: Sequence[str], bindings: Mapping[str, Term] | None = None
    ) -> Iterator[tuple[Term | None, ...]]:
        """Straight from pyoxigraph's solutions, with no row dict each (which costs as much as
        the query on a whole-store scan)."""
        solutions = self._query(query, bindings)
        assert isinstance(solutions, ox.QuerySolutions)
        if [variable.value for variable in solutions.variables] != list(variables):
            raise ValueError(f"the query selects {solutions.variables}, not {list(variables)}")
        yield from map(tuple, solutions)

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        return bool(self._query(query, bindings))

    def construct(
        self, query: str, bindings: Mapping[str, Term] | None = None
    ) -> Iterator[ox.Triple]:
        triples = self._query(query, bindings)
        assert isinstance(triples, ox.QueryTriples)
        yield from triples

    def execute(self, request: QueryRequest) -> QueryResponse:
        joined = self._joined(request.query)
        if joined is not request.query:
            request = dataclasses.replace(request, query=joined)
        return sparql.execute(self._store, request)

    def _joined(self, query: str) -> str:
        """The query with its ``ng:matches`` patterns answered by the full-text index
        (:mod:`newsgraph.search.join`); the same text when it has none."""
        from newsgraph.search import join

        if not join.mentions_matches(query):
            return query
        return join.bind_matches(query, self._search_scores)

    def _search_scores(self, words: str) -> list[tuple[str, float]]:
        from newsgraph.search.index import SearchIndex
        from newsgraph.search.syntax import parse

        if self._search_index is None:
            self._search_index = SearchIndex.of_store(self.path)
        index = self._search_index
        return index.scores(index.compile(parse(words)))

    # -- writing -------------------------------------------------------------------------------

    def _require_write(self) -> None:
        if not self.writable:
            raise StoreError(f"store {self.path} was opened read-only")
        if self._closed:
            raise StoreError(f"store {self.path} was closed")

    def update(self, text: str) -> None:
        self._require_write()
        with self._writing(atomic=True):
            self._touch(None)
            sparql.update(self._store, text)

    def replace_graphs(self, graphs: Sequence[str], quads: Sequence[ox.Quad]) -> None:
        with self._replacing(graphs):
            self._touch(
                {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
            )
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

        The text is newsgraph's own (written by :mod:`graph.ingest.nquads` or pyoxigraph, which check
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
        """Empty the graphs, then let the caller add quads: one write."""
        with self._writing():
            self._touch(graphs)
            skip = set(absent)
            for graph in graphs:
                if graph in skip:
                    continue
                node = ox.NamedNode(graph)
                if self._store.contains_named_graph(node):
                    self._store.remove_graph(node)
            yield

    def open_load(self) -> LoadingStore | None:
        """One bulk load taking this unit's writes, when the store holds no named graph."""
        self._require_write()
        if not self._in_unit:
            raise StoreError("a bulk load into the empty store runs inside a transaction()")
        if next(iter(self._store.named_graphs()), None) is not None:
            return None
        return LoadingStore(self)

    def begin_load(self) -> None:
        """A bulk load into the empty store starts: part of the unit under way."""
        self.note_bulk_load()
        self._unit_wrote = True
        self._touch(None)

    def end_load(self) -> None:
        """The bulk load is complete: what it loaded is read from here on (and published with
        the unit)."""
        self._store.flush()

    def load(
        self, data: bytes | IO[bytes], rdf_format: ox.RdfFormat, graph: str | None = None
    ) -> int:
        target = ox.NamedNode(graph) if graph else None
        with self._writing():
            self._touch([graph] if graph else None)
            before = len(self._store)
            self.note_bulk_load()
            try:
                self._store.bulk_load(data, format=rdf_format, to_graph=target)
            except SyntaxError as error:
                raise StoreError(f"cannot parse the {rdf_format.name} input: {error}") from None
            self._store.flush()
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
        with self._exclusive:
            if self._closed:
                return
            self._store.optimize()
        if noted is not None and _modified(mark) == noted:  # else a bulk load wrote meanwhile
            mark.unlink(missing_ok=True)

    def publish_merged(self) -> bool:
        """Publish a snapshot when the primary's table files are no longer those of the newest
        snapshot (merged, by :meth:`merge_files` or by RocksDB), so that readers read the merged
        files; whether it published. The caller keeps writes out meanwhile."""
        self._require_write()
        if self._in_unit:
            return False
        current = self.snapshots.current()
        if current is not None and _tables(self.path / "data") == _tables(
            self.snapshots.root / current
        ):
            return False
        self.snapshots.publish(self._store, noted=(current, unit_changes.NOTHING))
        return True

    def dump(self, output: IO[bytes], rdf_format: ox.RdfFormat, graph: str | None = None) -> None:
        from_graph = ox.NamedNode(graph) if graph else None
        if from_graph is None and not rdf_format.supports_datasets:
            raise StoreError(f"{rdf_format.name} holds one graph: name the graph to dump")
        self._store.dump(output, format=rdf_format, from_graph=from_graph)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
        if error is not None and self.created:
            shutil.rmtree(self.path, ignore_errors=True)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        with self._exclusive:
            self._closed = True
            self._close_primary()
        self._writer_lock.release()


def _modified(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


def _tables(directory: Path) -> set[str]:
    """The names of a RocksDB directory's table files (a snapshot hard-links the primary's)."""
    return {name for name in os.listdir(directory) if name.endswith(".sst")}


def exists(path: Path) -> bool:
    """Whether ``path`` holds a store (a primary database, or a published snapshot)."""
    return (path / PRIMARY).is_dir() or (path / "snapshots" / "CURRENT").is_file()


def owner_hint(path: Path) -> str:
    """' (the server at URL, pid N)' when a server owns the store, else ''."""
    try:
        info = json.loads((path / "server.json").read_text())
    except (OSError, ValueError):
        return ""
    return f" (the server at {info.get('url')}, pid {info.get('pid')})"
