"""Ingest's per-record stages, in worker processes, streaming, with bounded memory.

Each item read (:func:`graph.ingest.sources.read`) passes each stage once, in :func:`map_item`:

1. decode — an item whose line is undecoded → the decoded item (:func:`graph.ingest.sources.decode`);
2. validate — the decoded item → a :class:`graph.records.Prepared` record (its digest and its
   body's plain text made here, once), or a :class:`Rejected` (:func:`prepare`);
3. map — the prepared record → its article graph as N-Quads
   (:meth:`graph.ingest.article_quads.ArticleWriter.nquads`, compiled from the mapping's table) and the
   shared nodes it refers to (:func:`graph.mapping.shared_nodes`);
4. link — the prepared record → its linking evidence (:meth:`Evidence.of_prepared`), encoded for
   the linking cache, and its text for the full-text index
   (:meth:`newsgraph.search.texts.ArticleText.of_prepared`, handed to the store with the batch);

and comes back as one :class:`Mapped` (or :class:`Rejected`), ready for ingest's write stage
(:class:`graph.ingest.Ingester`). The article graph holds no entity links yet: those depend on
the whole store, and the linking pass adds them after the last batch.

The stages are pure, so they run in a process pool while the ingesting process writes the
previous batches to the store. Items go out in chunks; at most ``2 × workers`` chunks plus one
batch are in flight, and results come back in input order, so memory stays flat however large
the input. Workers hold no state but the quad writers, so an outcome depends on its item alone.
With one worker, or for inputs of up to :data:`POOL_THRESHOLD` items, no pool is started: the
same functions run in-process.
"""

from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from typing import Any, NamedTuple

from newsgraph import collector, mapping, records
from newsgraph.errors import RecordError
from newsgraph.ingest import sources
from newsgraph.ingest.article_quads import ArticleWriter
from newsgraph.ingest.nquads import QuadWriter
from newsgraph.linking.evidence import Evidence
from newsgraph.search.texts import ArticleText
from newsgraph.vocab.namespaces import Minter

__all__ = ["Mapped", "Mapper", "Rejected", "map_item", "map_items", "prepare", "worker_count"]

CHUNK = 250  # items per task: large enough to amortise pickling, small enough to stream
#: Below this many items no pool is started (measured: on two busy cores, starting workers
#: costs about as much as mapping a few thousand records).
POOL_THRESHOLD = 5_000


class Mapped(NamedTuple):
    """A valid record through the stages: its version, its article graph as N-Quads, the shared
    nodes it refers to and its linking evidence."""

    location: str
    slug: str
    modified: datetime
    digest: str
    graph: str
    #: The article graph as UTF-8 N-Quads.
    nquads: bytes
    #: How many quads (lines) ``nquads`` holds.
    quads: int
    #: Topic and publisher nodes for the terms graph.
    shared: tuple[dict[str, Any], ...]
    #: The record's linking evidence, encoded (:meth:`Evidence.encode`).
    evidence: tuple[bytes, bytes]
    #: Unknown keys the record carried (ignored, with a warning).
    ignored: tuple[str, ...] = ()
    #: What the full-text index holds of the article (handed to the store with the batch).
    text: ArticleText | None = None


class Rejected(NamedTuple):
    """An item that could not be read or validated (the error, as picklable fields)."""

    location: str
    field: str | None
    message: str
    raw: Any = None
    text: str | None = None

    @property
    def error(self) -> RecordError:
        return RecordError(self.location, self.field, self.message)


Outcome = Mapped | Rejected


class _Context:
    """What a worker needs: IRIs and the article writer (built once per process)."""

    def __init__(self, iris: Minter) -> None:
        self.iris = iris
        self.articles = ArticleWriter(QuadWriter())


_context: _Context | None = None


def _start_worker(iris: Minter) -> None:
    global _context
    _context = _Context(iris)
    collector.relax_for_good()
    _exit_with_parent()


def _exit_with_parent() -> None:
    """End this worker when the process that started it ends, however it ends: killed, that
    process cannot tell its workers to stop, and they would wait for work for ever."""
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _map_chunk(items: list[sources.Item]) -> list[Outcome]:
    assert _context is not None, "worker not initialised"
    return map_items(items, _context)


def map_items(items: Iterable[sources.Item], context: _Context) -> list[Outcome]:
    """Each item through the stages (pure: the same items give the same outcomes)."""
    return [map_item(item, context) for item in items]


def map_item(item: sources.Item, context: _Context) -> Outcome:
    """One item through the stages: decode, validate, map, link (see the module's notes)."""
    prepared = prepare(sources.decode(item))
    if isinstance(prepared, Rejected):
        return prepared
    record = prepared.record
    article = mapping.Article(prepared, context.iris)
    text = context.articles.nquads(article)
    return Mapped(
        location=prepared.location,
        slug=record.slug,
        modified=record.modified,
        digest=prepared.digest,
        graph=article.iri,
        nquads=text.encode("utf-8"),
        quads=text.count("\n"),
        shared=tuple(mapping.shared_nodes(record, context.iris)),
        evidence=Evidence.of_prepared(prepared).encode(),
        ignored=prepared.ignored,
        text=ArticleText.of_prepared(prepared, article.iri),
    )


def prepare(item: sources.Item) -> records.Prepared | Rejected:
    """The validate stage: a decoded item → its prepared record, or why it is rejected."""
    if item.error is not None:
        error = item.error
        return Rejected(error.location, error.field, error.message, text=item.text)
    try:
        return records.prepare(item.raw, item.location)
    except RecordError as error:
        return Rejected(error.location, error.field, error.message, raw=item.raw)


def worker_count(setting: int, *, served_here: bool = False) -> int:
    """Worker processes for the ``ingest_workers`` setting: as set, else one per core (at least
    two), except into a store whose server runs on this machine (``served_here``): then every
    record is mapped in the ingesting process.

    Such a server loads what ingest sends on the same cores. Workers would not make the run
    shorter: it is bound by the CPU time of both, and workers add their own (each result
    pickled, sent and read back). Mapped in-process, a first load of 100,000 articles into
    Virtuoso on two cores took 38.6 s against 40.2 s with two workers (bench/README.md).
    ``tests/test_parallel.py`` holds the rule.

    >>> worker_count(3), worker_count(0, served_here=True), worker_count(2, served_here=True)
    (3, 1, 2)
    """
    if setting:
        return setting
    return 1 if served_here else max(2, os.cpu_count() or 2)


class Mapper:
    """Maps a stream of items to outcomes, in order, in ``workers`` processes."""

    def __init__(
        self,
        iris: Minter,
        workers: int,
        ahead: int = 0,
        pool_threshold: int | None = None,
    ) -> None:
        self.iris = iris
        self.workers = workers
        #: Items mapped ahead of the consumer (a batch, so workers go on while it writes).
        self.ahead = ahead
        #: Inputs up to this many items are mapped in-process: starting workers costs more.
        self.pool_threshold = POOL_THRESHOLD if pool_threshold is None else pool_threshold
        #: Whether the last :meth:`map` ran in worker processes.
        self.pooled = False

    def map(self, items: Iterable[sources.Item]) -> Iterator[list[Outcome]]:
        """Outcomes chunk by chunk, in input order."""
        chunks = _chunks(items, CHUNK)
        head: list[list[sources.Item]] = []
        for chunk in chunks:
            head.append(chunk)
            if len(head) * CHUNK > self.pool_threshold:
                break
        if len(head) * CHUNK > self.pool_threshold and self.workers >= 2:
            yield from self._in_pool(head, chunks)
            return
        local = _Context(self.iris)
        for chunk in itertools.chain(head, chunks):
            yield map_items(chunk, local)

    def _in_pool(
        self, head: list[list[sources.Item]], rest: Iterator[list[sources.Item]]
    ) -> Iterator[list[Outcome]]:
        self.pooled = True
        # An executor rather than ``multiprocessing.Pool``: the pool's worker-handler thread
        # wakes whenever results wait in its queue, so with large results it spins, and holds
        # a core and the interpreter lock the results are read with.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["newsgraph.ingest.parallel"])
        executor = ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=_start_worker, initargs=(self.iris,)
        )
        try:
            window = 2 * self.workers + -(-self.ahead // CHUNK)
            pending: deque[Future[list[Outcome]]] = deque()
            for chunk in itertools.chain(head, rest):
                pending.append(executor.submit(_map_chunk, chunk))
                if len(pending) >= window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            executor.shutdown(wait=True, cancel_futures=True)


def _chunks(items: Iterable[sources.Item], size: int) -> Iterator[list[sources.Item]]:
    chunk: list[sources.Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
