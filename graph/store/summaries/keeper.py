"""The server's summaries: built for the newest snapshot in the background, used only while they
are the newest snapshot's, and only for the query texts :mod:`graph.store.summaries.shapes` recognises.

Until the summaries of the snapshot a request sees are ready, the request goes to the engine as
if there were none; a write therefore never makes an answer stale, it only makes the next few
answers as slow as the engine. After a write whose unit noted what it changed
(:mod:`graph.store.changes`), the summaries follow it by reading those articles and entities
alone from the newest snapshot (:class:`~graph.store.summaries.overlay.Overlaid`: milliseconds
for a batch); otherwise, or once :data:`OVERLAY_LIMIT` articles were read again since, they are
built whole. In a server the keeper watches for new snapshots (:meth:`~SummaryKeeper.watch`)
and starts following one as soon as it is published, not at the first request that sees it;
a request that comes while a follow is under way waits for it, up to :data:`FOLLOW_WAIT`
(:meth:`~SummaryKeeper.pending`), rather than go to the engine, which takes up to seconds for
the most mentioned entities (``tests/test_summaries_follow.py``). Full builds run one at a
time, in a process of their own, and after one the next waits at least as long as the last one
took, so that a store being written continuously costs the server at most half a core.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import re
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.errors import NewsgraphError, StoreError
from newsgraph.sparql import QueryRequest, QueryResponse, results
from newsgraph.store import changes
from newsgraph.store.embedded import EmbeddedStore
from newsgraph.store.snapshots import SnapshotReader, Snapshots
from newsgraph.store.summaries import shapes
from newsgraph.store.summaries.index import Row, Summaries, build
from newsgraph.store.summaries.overlay import Overlaid, read_statements

__all__ = ["SummaryKeeper", "summaries_of"]

log = logging.getLogger(__name__)
#: After a failed build, the next waits at least this long.
_RETRY_SECONDS = 30.0
#: Articles read again over one full build before the summaries are built whole again.
OVERLAY_LIMIT = 20_000
#: Seconds a request the summaries would answer waits for a follow under way (then the engine
#: answers it); a follow of a batch of a few thousand articles takes well under it.
FOLLOW_WAIT = 1.0
#: Seconds between a watching keeper's looks at the newest snapshot (a ``stat``).
WATCH_SECONDS = 0.02
_context = multiprocessing.get_context("forkserver")
_LIMIT = re.compile(r"\bLIMIT\s+(\d+)\s*$")


def _head(name: str) -> tuple[list[str], int | None]:
    """The variables a named query selects, in order, and its LIMIT (None: none)."""
    text = queries.load(name)
    limit = _LIMIT.search(text)
    solutions = ox.Store().query(text)
    assert isinstance(solutions, ox.QuerySolutions)
    return [variable.value for variable in solutions.variables], (
        int(limit.group(1)) if limit else None
    )


class SummaryKeeper:
    """Answers recognised queries from the summaries of the store at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.current: Summaries | Overlaid | None = None
        self.builds = 0
        #: Updates that followed a write by reading what it changed (no full build).
        self.followed = 0
        self.last_build_seconds = 0.0
        self._lock = threading.Lock()
        self._building = False
        self._following = False
        #: Done when the follow under way ends (None while none runs).
        self._followed: concurrent.futures.Future[None] | None = None
        self._next_start = 0.0
        self._stopping = threading.Event()
        self._snapshots = Snapshots(path / "snapshots")
        self._heads = {name: _head(name) for name in shapes.SHAPES}

    def answer(self, request: QueryRequest, generation: str | None) -> QueryResponse | None:
        """The response to ``request`` when the summaries can give it for the snapshot tagged
        ``generation`` (a :class:`~graph.store.snapshots.Version`'s tag): the engine's response,
        byte for byte, in any solutions format; None when the engine must answer — a text the
        engine would refuse, or read otherwise, among them
        (:func:`~graph.store.summaries.shapes.recognise`). ``tests/test_summaries_differential.py``
        enforces it on generated IRIs and dates."""
        shape = self._shape(request)
        media_type = request.media_types.get("solutions")
        if shape is None or media_type is None or generation is None:
            return None
        summaries = self.current
        if summaries is None or summaries.generation != generation:
            self.refresh()
            return None
        variables, limit = self._heads[shape.name]
        rows: list[Row] | None
        try:
            if shape.name == "entity-articles":
                rows = summaries.entity_articles(shape.entity, limit)
            elif shape.name == "entity-comentions":
                rows = summaries.entity_comentions(shape.entity, limit)
            else:
                rows = summaries.entity_months(shape.entity, limit)
        except ValueError:  # an IRI of the store that pyoxigraph will not make again
            return None
        if rows is None:
            return None
        kept, truncated = results.capped(rows, request.row_limit)
        body = results.write_solutions(variables, kept, results.SOLUTION_TYPES[media_type])  # type: ignore[arg-type]
        return QueryResponse(body, media_type, "solutions", truncated, len(kept))

    @staticmethod
    def _shape(request: QueryRequest) -> shapes.Shape | None:
        """The shape of a request the summaries could answer (None: the engine's)."""
        if request.default_graphs or request.named_graphs:
            return None
        if request.media_types.get("solutions") is None:
            return None
        return shapes.recognise(request.query, request.base_iri)

    def pending(
        self, request: QueryRequest, generation: str | None
    ) -> concurrent.futures.Future[None] | None:
        """When the summaries would answer ``request`` but are not yet those of the snapshot
        tagged ``generation``, and a follow (not a full build) is under way to it: done when
        that follow ends. None otherwise (the engine answers at once)."""
        if generation is None or self._shape(request) is None:
            return None
        current = self.current
        if current is not None and current.generation == generation:
            return None
        self.refresh()
        return self._followed

    def watch(self) -> None:
        """Follow each new snapshot as soon as it is published (a thread, until :meth:`close`),
        once the summaries were built: a server that is never asked an entity query builds none."""
        threading.Thread(target=self._watch, name="summaries-watch", daemon=True).start()

    def _watch(self) -> None:
        seen = None
        while not self._stopping.wait(WATCH_SECONDS):
            stamp = self._snapshots.stamp()
            if stamp is not None and stamp != seen:
                seen = stamp
                summaries = self.current
                if summaries is not None and summaries.name != self._snapshots.current():
                    self.refresh()

    def close(self) -> None:
        """Stop watching (nothing else is held between updates)."""
        self._stopping.set()

    def refresh(self) -> None:
        """Bring the summaries to the newest snapshot: by following what the writes since
        changed, when their units noted it; else by a full build, unless one runs or rests."""
        with self._lock:
            if self._following:
                return
            self._following = True
            self._followed = concurrent.futures.Future()
        threading.Thread(target=self._follow, name="summaries-follow", daemon=True).start()

    def _follow(self) -> None:
        try:
            if not self._follow_changes():
                self._start_build()
        except (OSError, ValueError, NewsgraphError) as error:
            log.warning("the entity summaries could not follow a write (%s)", error)
            self._start_build()
        finally:
            with self._lock:
                self._following = False
                followed, self._followed = self._followed, None
            _wake(followed)

    def _follow_changes(self) -> bool:
        """Lay what the writes since the current summaries changed over them; whether it
        could (not without summaries, or across a write that did not say what it changed)."""
        current = self.current
        newest = self._snapshots.current()
        if current is None or current.name is None or newest is None:
            return False
        if newest == current.name:
            return True
        found = changes.since(self._snapshots.root, current.name, newest)
        if found is None:
            return False
        size = current.size if isinstance(current, Overlaid) else 0
        if size + len(found.articles) + len(found.subjects) > OVERLAY_LIMIT:
            self._start_build()  # the overlay still serves meanwhile
        reader = SnapshotReader(self._snapshots)
        try:
            store = reader.refresh()
            name = reader.name
            version = self._snapshots.version(name)
            if store is None or name is None or version is None:
                return False
            if name != newest:  # a newer one was published meanwhile: follow up to it
                found = changes.since(self._snapshots.root, current.name, name)
                if found is None:
                    return False
            read = read_statements(store, found.articles | found.subjects)
            overlaid = Overlaid.over(current, version.tag, name, read)
            unnamed = overlaid.unnamed()
            if unnamed:
                read = read_statements(store, unnamed)
                overlaid = Overlaid.over(overlaid, version.tag, name, read)
        finally:
            reader.close()
        with self._lock:
            if self.current is current:  # else a full build came meanwhile: keep it
                self.current = overlaid
                self.followed += 1
            followed = self._followed
        _wake(followed)  # before the snapshot is closed
        return True

    def _start_build(self) -> None:
        """Start building the newest snapshot's summaries, unless a build runs or rests."""
        with self._lock:
            if self._building or time.monotonic() < self._next_start:
                return
            self._building = True
        threading.Thread(target=self._build, name="summaries", daemon=True).start()

    def build_now(self) -> Summaries:
        """Build the newest snapshot's summaries in this process (and keep them)."""
        return self._keep(summaries_of(self.path), time.monotonic())

    def _keep(self, summaries: Summaries, started: float) -> Summaries:
        current = self.current
        if (
            current is None
            or current.name is None
            or summaries.name is None
            or int(summaries.name) >= int(current.name)
        ):
            self.current = summaries
        elif isinstance(current, Overlaid) and int(summaries.name) > int(current.base.name or 0):
            # the overlay is newer than the build: it continues from the build (next refresh)
            self.current = summaries
        self.builds += 1
        self.last_build_seconds = time.monotonic() - started
        return summaries

    def _build(self) -> None:
        """Build in a process of its own: the reading holds the interpreter lock for seconds,
        which the server's event loop must not wait for. The process is a daemon: a server
        that stops does not wait for it."""
        started = time.monotonic()
        receiver, sender = multiprocessing.Pipe(duplex=False)
        process = _context.Process(
            target=_build_into, args=(sender, self.path), name="summaries", daemon=True
        )
        try:
            process.start()
            sender.close()
            status, result = receiver.recv()
            if status != "ok":
                raise StoreError(result)
            self._keep(result, started)
        except (OSError, EOFError, NewsgraphError) as error:
            self.last_build_seconds = max(self.last_build_seconds, _RETRY_SECONDS)
            log.warning("the entity summaries could not be built (%s); the engine answers", error)
        finally:
            receiver.close()
            process.join(5)
            with self._lock:
                self._building = False
                self._next_start = time.monotonic() + self.last_build_seconds


def _wake(followed: concurrent.futures.Future[None] | None) -> None:
    """Let the requests waiting for a follow go on (once: the follow may wake them before it
    ends)."""
    if followed is not None and not followed.done():
        followed.set_result(None)


def summaries_of(path: Path) -> Summaries:
    """The summaries of the newest snapshot of the store at ``path``."""
    with EmbeddedStore(path, write=False) as store:
        return build(store.raw, snapshot_tag(store), store.generation)


def snapshot_tag(store: EmbeddedStore) -> str | None:
    """The tag of the snapshot ``store`` reads (:meth:`Store.version`)."""
    version = store.version()
    return version.tag if version else None


def _build_into(sender: Connection, path: Path) -> None:
    """The build process: send ``("ok", summaries)`` or ``("error", message)``."""
    try:
        message: tuple[str, object] = ("ok", summaries_of(path))
    except (OSError, NewsgraphError) as error:
        message = ("error", str(error))
    sender.send(message)
    sender.close()
