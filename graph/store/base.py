"""The store interface: the only door. Ingest, linking, queries, analysis and the API speak
only to this; none of them asks which class of store it holds.

Backends: :mod:`graph.store.embedded` (pyoxigraph on disk), :mod:`graph.store.served` (the same
store as a server holds it: reads in worker processes, its fast paths behind this door) and
:mod:`graph.store.remote` (any SPARQL 1.1 endpoint). They pass ``tests/test_store.py``.

What a caller may need of a store is a method every store has, with a plain default where an
engine has no fast path: :meth:`Store.version` (a token of what it holds, for caches and HTTP
validators), :meth:`Store.select_values` (solutions as tuples, streamed where the engine is in
this process), :meth:`Store.execute_async` (the endpoint's path), :meth:`Store.transaction`
and :meth:`Store.open_load` (units of writes, bulk loads).

Rows are dicts from variable name to pyoxigraph term; unbound variables are absent.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import IO, TYPE_CHECKING, Self

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.sparql import QueryRequest, QueryResponse
from newsgraph.store.changes import NOTHING, Changes
from newsgraph.store.snapshots import Version

if TYPE_CHECKING:
    from newsgraph.search.texts import ArticleText

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = dict[str, Term]
#: Graphs named in one query of :meth:`Store.existing_graphs`.
GRAPHS_PER_QUERY = 1_000


@dataclass(frozen=True)
class Executed:
    """A protocol request answered: the response, the version of the store it was computed
    from (None: not known, so never reused), and where the time went (``Server-Timing``
    entries: name, seconds, description)."""

    response: QueryResponse
    version: Version | None
    timings: tuple[tuple[str, float, str], ...] = ()


class Store(ABC):
    """A quad store with SPARQL; the default graph of queries is the union of all graphs."""

    #: Whether writes go straight to this process's own storage.
    writable: bool = True
    #: Whether :meth:`transaction` makes its writes visible whole and undoes them on failure.
    transactional: bool = False
    #: Whether the engine is reached over a network (``graph/cooccurrence/__init__.py`` then
    #: reads a stream in one answer, never split by a sorted OFFSET a server may refuse).
    remote: bool = False

    def version(self) -> Version | None:
        """What the store holds now, as a token that changes with every write (None when the
        store cannot tell: nothing may then be cached against it)."""
        return None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One unit of writes: on a transactional store (the embedded one) readers see all of
        it once it ends, and an error or a crash inside undoes all of it. A store that is not
        transactional (a remote SPARQL server) applies each write as it is made."""
        yield

    @abstractmethod
    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> Iterator[Row]:
        """Stream the solutions of a SELECT query; ``bindings`` pre-bind variables."""

    @abstractmethod
    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool: ...

    @abstractmethod
    def construct(
        self, query: str, bindings: Mapping[str, Term] | None = None
    ) -> Iterator[ox.Triple]: ...

    @abstractmethod
    def execute(self, request: QueryRequest) -> QueryResponse:
        """Run one protocol request and serialise its result (the endpoint's path)."""

    async def execute_async(self, request: QueryRequest) -> Executed:
        """:meth:`execute` without blocking the event loop; a store may answer from a fast path
        of its own (then with the engine's answer, errors included)."""
        version = self.version()
        started = time.monotonic()
        response = await asyncio.to_thread(self.execute, request)
        seconds = time.monotonic() - started
        return Executed(response, version, (("query", seconds, "evaluation and serialisation"),))

    async def select_async(
        self, query: str, bindings: Mapping[str, Term] | None = None
    ) -> list[Row]:
        """:meth:`select_all` without blocking the event loop."""
        return await asyncio.to_thread(self.select_all, query, bindings)

    def select_values(
        self, query: str, variables: Sequence[str], bindings: Mapping[str, Term] | None = None
    ) -> Iterator[tuple[Term | None, ...]]:
        """The values of ``variables`` (the query's projection, in its order) in each solution;
        an engine in this process streams them without making a row dict each."""
        for row in self.select(query, bindings):
            yield tuple(row.get(variable) for variable in variables)

    def every_value(
        self,
        name: str,
        bound: Mapping[str, queries.Value],
        variables: Sequence[str],
        count_name: str,
    ) -> Iterator[tuple[Term | None, ...]]:
        """:meth:`select_values` of the named query ``name`` bound with ``bound``, however
        many rows it has: one answer here; a remote store whose server caps its answers reads
        them in shares (``name`` then takes the optional ``low`` and ``high`` of a hash range
        of its subjects, and ``count_name``, given the bindings it takes, counts the rows
        first)."""
        return self.select_values(queries.bind(name, bound), variables)

    @abstractmethod
    def update(self, text: str) -> None:
        """Run a SPARQL Update atomically."""

    @contextlib.contextmanager
    def described(
        self, articles: Collection[str] = (), subjects: Collection[str] = ()
    ) -> Iterator[None]:
        """Declare what the writes inside change: the graphs of ``articles`` (an article's
        graph is named by its IRI) and, in other graphs, statements about ``subjects`` only.
        A store that notes each unit's changes for its readers (:mod:`graph.store.changes`)
        counts a write outside any declaration as changing what it cannot name; the others
        ignore it."""
        yield

    @abstractmethod
    def replace_graphs(self, graphs: Sequence[str], quads: Sequence[ox.Quad]) -> None:
        """Replace each named graph in ``graphs`` by its quads in ``quads``, all or nothing.

        Graphs listed but absent from ``quads`` end up empty; quads of graphs not listed are
        added to what those graphs hold.
        """

    def existing_graphs(self, graphs: Sequence[str]) -> set[str]:
        """Those of ``graphs`` that the store holds (non-empty named graphs), asked about
        :data:`GRAPHS_PER_QUERY` at a time (Virtuoso refuses a query naming some 5,000 of an
        ingest batch's article graphs: ``tests/test_store.py``)."""
        found: set[str] = set()
        for start in range(0, len(graphs), GRAPHS_PER_QUERY):
            asked = [ox.NamedNode(graph) for graph in graphs[start : start + GRAPHS_PER_QUERY]]
            for row in self.select(queries.bind("existing-graphs", {"g": asked})):
                if isinstance(graph := row.get("g"), ox.NamedNode):
                    found.add(graph.value)
        return found

    def replace_graphs_nquads(
        self, graphs: Sequence[str], data: bytes, absent: Collection[str] = ()
    ) -> None:
        """:meth:`replace_graphs` with the quads as N-Quads (a backend may bulk-load the text).

        ``absent`` names graphs the caller knows the store does not hold (a hint: a backend
        need not look them up to empty them).
        """
        self.replace_graphs(graphs, list(ox.parse(data, format=ox.RdfFormat.N_QUADS)))

    @abstractmethod
    def load(
        self, data: bytes | IO[bytes], rdf_format: ox.RdfFormat, graph: str | None = None
    ) -> int:
        """Add RDF to the store (into ``graph`` for triple formats); return the quads added."""

    @abstractmethod
    def dump(self, output: IO[bytes], rdf_format: ox.RdfFormat, graph: str | None = None) -> None:
        """Write the store (or one graph) without holding it all in memory."""

    def select_all(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[Row]:
        return list(self.select(query, bindings))

    def count(self, query: str, bindings: Mapping[str, Term] | None = None) -> int:
        """The integer in the first variable of the first row (for COUNT queries)."""
        for row in self.select(query, bindings):
            value = next(iter(row.values()), None)
            return int(value.value) if isinstance(value, ox.Literal) else 0
        return 0

    def wrote_texts(self, texts: Iterable[ArticleText]) -> None:  # noqa: B027 - optional hook
        """The texts of articles the unit of writes under way wrote (ingest hands them over with
        its batches): a store with a full-text index indexes them from here, rather than read
        them back (:mod:`newsgraph.search.sync`). Others ignore them."""

    def changed_between(self, old: str | None, new: str | None) -> Changes | None:
        """What the units of writes from the store's generation ``old`` to its later
        generation ``new`` changed (:mod:`graph.store.changes`): empty when only compactions
        published in between; None where that is not known (then a reader reads everything
        again). A store that keeps no such notes knows only that a generation is itself."""
        return NOTHING if old is not None and old == new else None

    def open_load(self) -> BulkLoad | None:
        """A store that takes the writes of an ingest into this empty store by bulk loads
        (:mod:`graph.store.loading`); None when the store is not empty or cannot."""
        return None

    def flush(self) -> None:  # noqa: B027 - optional hook
        """Wait until every write handed to the store is stored (raising its error, if any).

        Writes are synchronous on most backends; a remote store writes behind the caller.
        """

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the store."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class BulkLoad(Store):
    """A store being filled by bulk loads for one unit of writes (:meth:`Store.open_load`)."""

    @abstractmethod
    def hand_off(self) -> None:
        """The writer is near its end: load what was written so far while it goes on."""

    @abstractmethod
    def end(self) -> None:
        """Finish the load: what was written is stored (raising the load's error, if any)."""

    @abstractmethod
    def abort(self) -> None:
        """Stop the load after an error elsewhere (the unit it is part of is undone)."""
