"""Files → records → quads → store, in batches; idempotent, one named graph per article.

A record passes each stage once: read (:func:`graph.ingest.sources.read`), then, in
:mod:`graph.ingest.parallel`'s workers, validate (a :class:`graph.records.Prepared` record, its digest
and its body's plain text made once), map (its article graph as N-Quads, by the writer compiled
from :mod:`graph.mapping`'s table) and link (its linking evidence); then write, here, batch by
batch, and the store-wide linking pass once the last batch is written.

Each batch is one write: every article graph in it is replaced whole, so an interrupted ingest
leaves each article present or absent, and running it again completes the job. A record replaces
the stored article only when it is a newer version (``updated_at``, else ``published_at``; equal
versions with different content are ordered by digest, so the outcome never depends on input
order); the same record again is "unchanged" and writes nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from newsgraph import collector, queries
from newsgraph.errors import RecordError
from newsgraph.ingest import parallel, sources
from newsgraph.ingest.article_quads import terms_nquads
from newsgraph.linking import Linker, cache_directory
from newsgraph.settings import Settings
from newsgraph.store.base import Store
from newsgraph.vocab.namespaces import Minter


@dataclass
class Summary:
    loaded: int = 0
    replaced: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected: int = 0
    #: Triples of the articles this run wrote (links and entity descriptions not counted).
    triples: int = 0
    #: What the store holds once the run is done: its articles and its entities.
    articles: int = 0
    entities: int = 0
    seconds: float = 0.0
    #: Seconds spent in the store-wide linking pass at the end (part of ``seconds``).
    linking_seconds: float = 0.0
    #: Articles whose links the linking pass looked at: every article of the store, or — into
    #: a linked store — those the run can change (:mod:`graph.linking.memo`).
    examined: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def read(self) -> int:
        return self.loaded + self.replaced + self.unchanged + self.skipped + self.rejected

    @property
    def articles_per_second(self) -> float:
        written = self.loaded + self.replaced
        return written / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        """This run's counts, then what the store holds after it (``tests/test_ingest.py``).

        >>> Summary(loaded=2, triples=40, articles=7, entities=5, seconds=0.5).line()
        'this run: loaded 2, replaced 0, unchanged 0, skipped 0 (older), rejected 0; 40 triples written in 0.50 s (4 articles/s); the store now: 7 articles, 5 entities'
        """
        return (
            f"this run: loaded {self.loaded}, replaced {self.replaced}, "
            f"unchanged {self.unchanged}, skipped {self.skipped} (older), "
            f"rejected {self.rejected}; {self.triples} triples written in {self.seconds:.2f} s "
            f"({self.articles_per_second:.0f} articles/s); "
            f"the store now: {self.articles} articles, {self.entities} entities"
        )


class Rejects:
    """Appends each rejected record, with where it came from and why, to a JSON Lines file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: Any = None

    def add(self, error: RecordError, raw: Any = None, text: str | None = None) -> None:
        self.append(self.entry(error, raw, text))

    @staticmethod
    def entry(error: RecordError, raw: Any = None, text: str | None = None) -> dict[str, Any]:
        """The line a rejected record is kept as."""
        entry: dict[str, Any] = {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "location": error.location,
            "field": error.field,
            "error": error.message,
        }
        if raw is not None:
            entry["record"] = raw
        elif text is not None:
            entry["text"] = text
        return entry

    def append(self, entry: dict[str, Any]) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(  # noqa: SIM115 - kept open for the run
                self.path, "a", encoding="utf-8", errors="backslashreplace"
            )
        self._handle.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


_ANY_NAMED_GRAPH = "ASK { GRAPH ?g { ?s ?p ?o } }"
#: Records in a unit's first batch (those after double, up to ``batch_size``).
FIRST_BATCH = 1_000


def newer(candidate: tuple[datetime, str], current: tuple[datetime, str]) -> bool:
    """Whether a version (modified, digest) supersedes another: later date, then larger digest."""
    return candidate > current


class Ingester:
    """One ingest run: read records, take them through the per-record stages
    (:class:`graph.ingest.parallel.Mapper`, in worker processes or in this one), decide per record
    whether it is written, write each batch in bulk, then link the store
    (:class:`graph.linking.Linker`)."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        report: Callable[[str], None] = lambda line: None,
        progress: Callable[[int], None] = lambda count: None,
        streamed: bool = True,
        rejects: Rejects | None = None,
    ) -> None:
        """``rejects``: where rejected records go (default: the file the settings name)."""
        self.store = store
        #: Whether an ingest into an empty store writes by streamed bulk loads (see
        #: :mod:`graph.store.loading`); off, it writes batch by batch (same store).
        self.streamed = streamed
        self.settings = settings
        self.iris: Minter = settings.minter
        self.linker = Linker(self.iris, cache_directory(settings))
        #: Worker processes that map records (:func:`graph.ingest.parallel.worker_count`).
        self.workers = parallel.worker_count(
            settings.ingest_workers, served_here=settings.served_here
        )
        self.report = report
        self.progress = progress
        self.summary = Summary()
        self.rejects = Rejects(settings.rejects_path) if rejects is None else rejects
        #: Whether the store held no named graph before this run: then the graphs it holds are
        #: the articles this run wrote (``linker.fresh``), and no batch needs to ask the store.
        self._started_empty = False

    def reject(self, error: RecordError, raw: Any = None, text: str | None = None) -> None:
        self.summary.rejected += 1
        self.rejects.add(error, raw, text)
        self.report(f"rejected {error}")

    def warn(self, message: str) -> None:
        self.summary.warnings.append(message)
        self.report(f"warning {message}")

    def run(self, paths: Iterable[str]) -> Summary:
        """Ingest, as one unit of writes (:meth:`Store.transaction`): readers see the run's
        articles with their links and entity descriptions, all at once, and a run that fails or
        is killed leaves the store as it was."""
        return self.run_items(sources.read(paths, decode=False))

    def run_items(
        self,
        items: Iterable[sources.Item],
        *,
        before_commit: Callable[[Store], None] = lambda store: None,
    ) -> Summary:
        """:meth:`run` on items already read (:mod:`graph.ingest.follow` hands each batch of a
        stream or a watched directory); ``before_commit`` writes, last, in the same unit (where
        a watch records how far it read)."""
        started = time.perf_counter()
        store = self.store
        loading = None
        try:
            with collector.relaxed(), store.transaction():
                try:
                    self.linker.prepare(store)
                    if not store.ask(_ANY_NAMED_GRAPH):
                        self._started_empty = True
                        loading = store.open_load() if self.streamed else None
                        self.store = loading or store
                    self.write(self.mapped(items))
                    if loading is not None:
                        loading.hand_off()  # the loader loads the last articles while linking runs
                    # A remote store still writes the last batch: linking resolves names from
                    # its cache meanwhile (the store's every read and write waits for it first).
                    linked = self.linker.finish(self.store)
                    self.summary.entities = linked.entities
                    self.summary.articles = len(self.linker.hashes)
                    self.summary.linking_seconds = linked.seconds
                    self.summary.examined = linked.examined
                    if loading is not None:
                        loading.end()
                    before_commit(store)
                    store.flush()
                except BaseException:
                    if loading is not None:
                        loading.abort()
                    raise
            self.linker.published(store)
        finally:
            self.store = store
            self.linker.close()
            self.rejects.close()
            self.summary.seconds = time.perf_counter() - started
        return self.summary

    # -- reading ---------------------------------------------------------------------------------

    def mapped(self, items: Iterable[sources.Item]) -> Iterator[parallel.Mapped]:
        """The valid records, mapped; rejects and warnings reported on the way."""
        mapper = parallel.Mapper(self.iris, self.workers, ahead=self.settings.batch_size)
        for outcomes in mapper.map(items):
            for outcome in outcomes:
                if isinstance(outcome, parallel.Rejected):
                    self.reject(outcome.error, raw=outcome.raw, text=outcome.text)
                    continue
                if outcome.ignored:
                    self.warn(
                        f"{outcome.location}: ignored unknown field(s) {', '.join(outcome.ignored)}"
                    )
                yield outcome

    # -- writing ---------------------------------------------------------------------------------

    def write(self, records: Iterable[parallel.Mapped]) -> None:
        """Write the records in batches of ``batch_size``; the first ones smaller (from
        :data:`FIRST_BATCH`, doubling), so that a store that writes behind its caller (a remote
        server) starts storing while the rest is mapped (the store is the same whatever the
        batches: ``tests/test_remote_bulk.py``, ``tests/test_linking_invariance.py``)."""
        batch: list[parallel.Mapped] = []
        limit = min(self.settings.batch_size, FIRST_BATCH)
        for mapped in records:
            batch.append(mapped)
            if len(batch) >= limit:
                self.write_batch(batch)
                batch = []
                limit = min(self.settings.batch_size, limit * 2)
        if batch:
            self.write_batch(batch)

    def write_batch(self, batch: list[parallel.Mapped]) -> None:
        """Decide for each record (the newest of each slug) whether it is loaded, replaces the
        stored version, is unchanged or is older; write the batch's graphs in one call."""
        latest: dict[str, parallel.Mapped] = {}
        for mapped in batch:
            held = latest.get(mapped.slug)
            if held is None or newer(
                (mapped.modified, mapped.digest), (held.modified, held.digest)
            ):
                if held is not None:
                    self._superseded(held.location, held.slug, mapped.location)
                latest[mapped.slug] = mapped
            else:
                self._superseded(mapped.location, mapped.slug, held.location)
        present = self._existing([mapped.graph for mapped in latest.values()])
        stored = self.stored_versions(sorted(present))
        written: list[parallel.Mapped] = []
        unchanged: list[parallel.Mapped] = []
        shared: dict[str, dict[str, Any]] = {}
        for mapped in latest.values():
            previous = stored.get(mapped.graph)
            if previous is not None and previous[1] == mapped.digest:
                self.summary.unchanged += 1
                unchanged.append(mapped)
                continue
            if previous is not None and not newer((mapped.modified, mapped.digest), previous):
                self.summary.skipped += 1
                self.report(
                    f"skipped {mapped.location}: {mapped.slug} is older than the stored version"
                )
                continue
            if previous is None:
                self.summary.loaded += 1
            else:
                self.summary.replaced += 1
            written.append(mapped)
            for node in mapped.shared:
                shared[node["@id"]] = node
        if written:
            texts = [mapped.nquads for mapped in written]
            quads = sum(mapped.quads for mapped in written)
            if shared:
                terms = terms_nquads(self.iris, list(shared.values()))
                texts.append(terms.encode())
                quads += terms.count("\n")
            data = b"".join(texts)
            graphs = [mapped.graph for mapped in written]
            absent = [graph for graph in graphs if graph not in present]
            with self.store.described(articles=graphs, subjects=shared):
                self.store.replace_graphs_nquads(graphs, data, absent=absent)
            self.store.wrote_texts(mapped.text for mapped in written if mapped.text)
            self.summary.triples += quads
            self.linker.written([_evidence_row(mapped) for mapped in written])
        if unchanged:
            self.linker.unchanged(_evidence_row(mapped) for mapped in unchanged)
        self.progress(len(batch))

    def _existing(self, graphs: list[str]) -> set[str]:
        if not self._started_empty:
            return self.store.existing_graphs(graphs)
        written = self.linker.fresh
        return {graph for graph in graphs if graph in written}

    def _superseded(self, location: str, slug: str, newer_location: str) -> None:
        self.summary.skipped += 1
        self.report(
            f"skipped {location}: {slug} is superseded by the newer version at {newer_location}"
        )

    def stored_versions(self, articles: list[str]) -> dict[str, tuple[datetime, str]]:
        if not articles:
            return {}
        query = queries.bind("article-versions", {"article": [ox.NamedNode(a) for a in articles]})
        found = {}
        for row in self.store.select(query):
            modified = row.get("modified")
            when = (
                datetime.fromisoformat(modified.value.replace("Z", "+00:00"))
                if isinstance(modified, ox.Literal)
                else datetime.min.replace(tzinfo=UTC)
            )
            found[row["article"].value] = (when, row["hash"].value)  # type: ignore[union-attr]
        return found


def _evidence_row(mapped: parallel.Mapped) -> tuple[str, str, bytes, bytes]:
    return (mapped.graph, mapped.digest, *mapped.evidence)


def ingest(
    paths: Iterable[str],
    store: Store,
    settings: Settings,
    *,
    report: Callable[[str], None] = lambda line: None,
    progress: Callable[[int], None] = lambda count: None,
    streamed: bool = True,
) -> Summary:
    return Ingester(store, settings, report=report, progress=progress, streamed=streamed).run(paths)
