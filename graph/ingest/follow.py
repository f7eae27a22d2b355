"""Ingest that never ends: standard input committed as it arrives, and a directory followed.

Each batch is one ingest run (:meth:`graph.ingest.Ingester.run_items`), so one unit of writes:
readers see it whole, with its links and entity descriptions, and into a linked store its cost
follows the batch (:mod:`graph.linking.memo`).

* :func:`stream` reads JSON Lines from standard input and commits a batch when ``batch_size``
  records are waiting or a second after the first of them arrived, and the rest at the end.
* :class:`Watch` follows a directory (``newsgraph ingest --watch DIR``): a JSON Lines file is
  read from where the last batch stopped, complete lines only, so that a file still being
  written is taken line by line as it grows; any other input file is ingested whole each time
  it changes (an unchanged record writes nothing). How far each file was read — its path,
  identity (device and inode: a file replaced under the same name is read from the start), byte
  offset and line — is written in the store's meta graph **in the same unit of writes as the
  batch**, so a watcher killed at any moment neither loses nor repeats a record when it starts
  again. Changes are waited for with ``watchfiles`` (and looked for every second regardless).
  ``stop`` (Ctrl-C) ends the watch after the batch under way.

Either way the batches run in one process, and each hands the next the linking tables it wrote
(:mod:`graph.linking.carry`): into a large store, a batch does not read back every article's
names and digests that the batch before it just wrote.

Enforced by ``tests/test_ingest_follow.py`` (real processes: files appended while watched,
``kill -9`` and a restart against the records written; stdin visible before its end).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.ingest import Ingester, Summary, sources
from newsgraph.linking import carry
from newsgraph.settings import Settings
from newsgraph.store.base import Store
from newsgraph.vocab.namespaces import NG, XSD

__all__ = ["Position", "Totals", "Watch", "stream"]

#: A batch is committed at most this long after its first record arrived.
SECONDS = 1.0
_INTEGER = ox.NamedNode(XSD + "integer")
_LINES = (".jsonl", ".ndjson")


@dataclass
class Totals(Summary):
    """The counts of every batch; what the store holds after the last."""

    batches: int = 0

    def add(self, summary: Summary) -> None:
        for name in ("loaded", "replaced", "unchanged", "skipped", "rejected", "triples"):
            setattr(self, name, getattr(self, name) + getattr(summary, name))
        self.articles, self.entities = summary.articles, summary.entities
        self.seconds += summary.seconds
        self.linking_seconds += summary.linking_seconds
        self.examined += summary.examined
        self.warnings += summary.warnings
        self.batches += 1


def _batch(
    store: Store, settings: Settings, items: list[sources.Item], report: Callable[[str], None],
    before_commit: Callable[[Store], None] = lambda store: None,
) -> Summary:  # fmt: skip
    ingester = Ingester(store, settings, report=report)
    return ingester.run_items(items, before_commit=before_commit)


# -- standard input ------------------------------------------------------------------------------


def stream(
    source: IO[bytes],
    store: Store,
    settings: Settings,
    *,
    report: Callable[[str], None] = lambda line: None,
    progress: Callable[[int], None] = lambda count: None,
    seconds: float = SECONDS,
) -> Totals:
    """Ingest JSON Lines from ``source`` in batches of ``settings.batch_size`` records or of
    what arrived within ``seconds`` of a batch's first record. Input that is not JSON Lines
    (gzip, one JSON document) is read to its end and ingested in one run, as before."""
    totals = Totals()
    leading: list[bytes] = []
    while not leading or (leading[-1] and not leading[-1].strip()):
        leading.append(source.readline())
    if not leading[-1]:  # nothing at all
        return totals
    if not sources.starts_lines(leading[-1]):
        data = b"".join(leading) + source.read()
        totals.add(
            _batch(store, settings, list(sources.read_stdin_data(data, decode=False)), report)
        )
        return totals
    lines = itertools.chain(leading, source)
    with carry.carrying():  # each batch hands the next the linking tables it wrote
        for items in _timed_batches(lines, settings.batch_size, seconds):
            totals.add(_batch(store, settings, items, report))
            progress(len(items))
    return totals


def _timed_batches(
    source: Iterable[bytes], size: int, seconds: float
) -> Iterator[list[sources.Item]]:
    lines: queue.Queue[tuple[int, bytes] | None] = queue.Queue(maxsize=4 * size)

    def read() -> None:
        try:
            for number, line in enumerate(source, start=1):
                if line.strip():
                    lines.put((number, line.removesuffix(b"\n")))
        finally:
            lines.put(None)

    threading.Thread(target=read, name="stdin", daemon=True).start()
    ended = False
    while not ended:
        first = lines.get()
        if first is None:
            return
        batch = [first]
        deadline = time.monotonic() + seconds
        while len(batch) < size:
            try:
                got = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if got is None:
                ended = True
                break
            batch.append(got)
        yield [sources.Item(f"<stdin>:{number}", line=line) for number, line in batch]


# -- a watched directory ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    """How far one file was read: up to ``offset`` bytes, ``line`` lines."""

    path: str
    identity: str
    offset: int
    line: int


def read_positions(store: Store, graph: str) -> dict[str, Position]:
    found = {}
    query = queries.bind("ingest-positions", {"graph": ox.NamedNode(graph)})
    for row in store.select_values(query, ("path", "identity", "offset", "line")):
        path, identity, offset, line = (getattr(term, "value", None) for term in row)
        if path is not None and identity is not None and offset is not None and line is not None:
            found[str(path)] = Position(str(path), str(identity), int(offset), int(line))
    return found


def _subject(graph: str, path: str) -> str:
    return f"{graph}#source-{hashlib.sha256(path.encode()).hexdigest()[:24]}"


def write_positions(store: Store, graph: str, positions: dict[str, Position]) -> None:
    """Replace the positions kept in ``graph`` (part of the unit under way)."""
    node = ox.NamedNode(graph)
    quads = []
    for position in positions.values():
        subject = ox.NamedNode(_subject(graph, position.path))
        quads += [
            ox.Quad(subject, ox.NamedNode(NG + "sourcePath"), ox.Literal(position.path), node),
            ox.Quad(subject, ox.NamedNode(NG + "sourceIdentity"), ox.Literal(position.identity), node),
            ox.Quad(subject, ox.NamedNode(NG + "sourceOffset"),
                    ox.Literal(str(position.offset), datatype=_INTEGER), node),
            ox.Quad(subject, ox.NamedNode(NG + "sourceLine"),
                    ox.Literal(str(position.line), datatype=_INTEGER), node),
        ]  # fmt: skip
    with store.described(subjects=[_subject(graph, path) for path in positions]):
        store.replace_graphs([graph], quads)


def _identity(status: os.stat_result) -> str:
    return f"{status.st_dev}:{status.st_ino}"


class Watch:
    """Follows the input files under ``directory`` into ``store``."""

    def __init__(
        self,
        directory: Path,
        store: Store,
        settings: Settings,
        *,
        report: Callable[[str], None] = lambda line: None,
        progress: Callable[[int], None] = lambda count: None,
    ) -> None:
        self.directory = directory
        self.store = store
        self.settings = settings
        self.report = report
        self.progress = progress
        self.graph = settings.minter.meta_graph
        self.totals = Totals()
        self.stop = threading.Event()
        self.positions = read_positions(store, self.graph)
        self._rejects = str(settings.rejects_path.resolve())
        self._forget_uncommitted_rejects()

    def _forget_uncommitted_rejects(self) -> None:
        """Cut the rejects file back to what committed batches appended: a batch that never
        committed (the watcher was killed) is read again, and its rejects appended again."""
        held = self.positions.get(self._rejects)
        path = Path(self._rejects)
        try:
            status = path.stat()
        except FileNotFoundError:
            return
        if held is not None and held.identity == _identity(status) and status.st_size > held.offset:
            os.truncate(path, held.offset)

    def run(self) -> Totals:
        """Ingest what is there, then what lands, until :attr:`stop` is set."""
        import watchfiles

        with carry.carrying():  # each batch hands the next the linking tables it wrote
            while not self.stop.is_set():
                if self.step():
                    continue  # more may be waiting: look again before waiting
                for _changes in watchfiles.watch(
                    self.directory, stop_event=self.stop, rust_timeout=int(SECONDS * 1000),
                    yield_on_timeout=True, debounce=50, step=20,
                ):  # fmt: skip
                    break
        return self.totals

    def step(self) -> bool:
        """Ingest one batch of what the files hold past their positions; whether there was
        any."""
        items: list[sources.Item] = []
        moved: dict[str, Position] = {}
        for path in sources.expand([str(self.directory)]):
            if len(items) >= self.settings.batch_size:
                break
            if str(Path(path).resolve()) == self._rejects:
                continue
            found = self._new(Path(path).resolve(), self.settings.batch_size - len(items))
            if found is not None:
                read, position = found
                items += read
                moved[position.path] = position
        if not moved:
            return False
        positions = {**self.positions, **moved}
        ingester = Ingester(self.store, self.settings, report=self.report)

        def before_commit(store: Store) -> None:
            ingester.rejects.close()  # its rejects are on disk: note how far the file goes
            try:
                status = os.stat(self._rejects)
            except FileNotFoundError:
                pass
            else:
                positions[self._rejects] = Position(
                    self._rejects, _identity(status), status.st_size, 0
                )
            write_positions(store, self.graph, positions)

        summary = ingester.run_items(items, before_commit=before_commit)
        self.positions = positions
        self.totals.add(summary)
        self.progress(len(items))
        return True

    def _new(self, path: Path, room: int) -> tuple[list[sources.Item], Position] | None:
        """What ``path`` holds past its position (at most ``room`` lines of JSON Lines), and
        the position after it; None when nothing."""
        try:
            status = path.stat()
        except FileNotFoundError:
            return None
        identity = _identity(status)
        held = self.positions.get(str(path))
        if held is not None and (held.identity != identity or status.st_size < held.offset):
            held = None  # another file under the same name: read it from the start
        offset, line = (held.offset, held.line) if held is not None else (0, 0)
        if status.st_size == offset and held is not None:
            return None
        name = path.name.lower()
        if not name.endswith(_LINES):  # a whole document, ingested whole when it changed
            if held is not None and held.offset == status.st_size:
                return None
            return list(sources.read_one(str(path), decode=False)), Position(
                str(path), identity, status.st_size, 0
            )
        items: list[sources.Item] = []
        with open(path, "rb") as handle:
            handle.seek(offset)
            while len(items) < room:
                text = handle.readline()
                if not text.endswith(b"\n"):  # a line still being written: next time
                    break
                offset += len(text)
                line += 1
                if text.strip():
                    items.append(sources.Item(f"{path}:{line}", line=text.removesuffix(b"\n")))
        if held is not None and offset == held.offset:
            return None
        return items, Position(str(path), identity, offset, line)
