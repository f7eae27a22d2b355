"""The entity summaries of a remote store: built from streamed query results, used only while
they are the summaries of what the server holds.

What the server holds is named by a **write stamp** that newsgraph keeps on the server beside
the data, where no query sees it (Virtuoso: its registry, ``bif:registry_get``/``_set``): a
:class:`~graph.store.remote.RemoteStore` sets it to ``writing …`` before its first write and to
a new token once its writes are stored (``RemoteStore.flush``). The summaries answer a request
only when the stamp the server gives now is the one read before and after they were built;
otherwise the engine answers, and a rebuild starts in the background. So a newsgraph write —
from this process or any other — never makes an answer stale; writes made around newsgraph
(``isql``, another tool) must set the stamp too (``docs/REMOTE.md``). A server without a place
for the stamp (Oxigraph server, generic servers) has no summaries: its engine answers.

The summaries themselves are :mod:`graph.store.summaries.index`'s, built from the same four
predicates read through the store (``summary-statements`` by ``Store.every_value``: one answer,
or shares of it where the server would cut it), so they give the engine's answers
exactly where they answer at all (``tests/test_remote_summaries.py``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from newsgraph.errors import NewsgraphError
from newsgraph.sparql import QueryRequest, QueryResponse
from newsgraph.store.summaries.index import Summaries, Term, _Builder
from newsgraph.store.summaries.keeper import SummaryKeeper

if TYPE_CHECKING:
    from newsgraph.store.remote import RemoteStore

__all__ = ["RemoteSummaryKeeper", "build_remote"]

log = logging.getLogger(__name__)


class _RemoteBuilder(_Builder):
    """:class:`_Builder` reading each predicate's statements from a remote store."""

    def __init__(self, store: RemoteStore) -> None:
        super().__init__(ox.Store())
        self.remote = store

    def statements(self, predicate: ox.NamedNode) -> Iterator[tuple[Term, Term]]:
        every = self.remote.every_value("summary-statements", {"predicate": predicate},
                                        ("subject", "object"), "predicate-statement-count")  # fmt: skip
        for subject, obj in every:
            if subject is not None and obj is not None:
                yield subject, obj


def build_remote(store: RemoteStore, generation: str | None) -> Summaries:
    """The summaries of what ``store`` holds, tagged ``generation``."""
    builder = _RemoteBuilder(store)
    builder.read_mentions()
    return builder.finish(generation)


class RemoteSummaryKeeper(SummaryKeeper):
    """Answers recognised queries from the summaries of a remote store (see the module)."""

    def __init__(self, store: RemoteStore) -> None:
        super().__init__(Path())
        self.store = store

    def answer_now(self, request: QueryRequest) -> QueryResponse | None:
        """The summaries' response to ``request`` for what the server holds now, or None."""
        stamp = self.store.write_stamp()
        if stamp is None or stamp.startswith("writing"):
            return None
        return self.answer(request, stamp)

    def build_now(self) -> Summaries:
        started = time.monotonic()
        before = self.store.write_stamp()
        summaries = build_remote(self.store, before)
        if before is None or before.startswith("writing") or self.store.write_stamp() != before:
            summaries.generation = None  # written meanwhile: never used, built again
        return self._keep(summaries, started)

    def _build(self) -> None:
        """Build in a thread: the reading waits on the server more than it computes."""
        try:
            self.build_now()
        except NewsgraphError as error:
            self.last_build_seconds = max(self.last_build_seconds, 30.0)
            log.warning("the entity summaries could not be built (%s); the engine answers", error)
        finally:
            with self._lock:
                self._building = False
                self._next_start = time.monotonic() + min(self.last_build_seconds, 30.0)

    def refresh(self) -> None:
        with self._lock:
            if self._building or time.monotonic() < self._next_start:
                return
            self._building = True
        threading.Thread(target=self._build, name="remote-summaries", daemon=True).start()
