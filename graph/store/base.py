"""The store interface. Ingest, linking, queries and analysis speak only to this.

Backends: :mod:`graph.store.embedded` (pyoxigraph on disk) and :mod:`graph.store.remote` (any
SPARQL 1.1 endpoint). Both pass ``tests/test_store.py``.

Rows are dicts from variable name to pyoxigraph term; unbound variables are absent.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Mapping, Sequence
from types import TracebackType
from typing import IO, TYPE_CHECKING, Self

import pyoxigraph as ox

from graph.sparql import QueryRequest, QueryResponse

if TYPE_CHECKING:
    from graph.store.loading import LoadingStore

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = dict[str, Term]


class Store(ABC):
    """A quad store with SPARQL; the default graph of queries is the union of all graphs."""

    #: Whether writes go straight to this process's own storage.
    writable: bool = True
    #: Whether :meth:`transaction` makes its writes visible whole and undoes them on failure.
    transactional: bool = False

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

    @abstractmethod
    def update(self, text: str) -> None:
        """Run a SPARQL Update atomically."""

    @abstractmethod
    def replace_graphs(self, graphs: Sequence[str], quads: Sequence[ox.Quad]) -> None:
        """Replace each named graph in ``graphs`` by its quads in ``quads``, all or nothing.

        Graphs listed but absent from ``quads`` end up empty; quads of graphs not listed are
        added to what those graphs hold.
        """

    def existing_graphs(self, graphs: Sequence[str]) -> set[str]:
        """Those of ``graphs`` that the store holds (non-empty named graphs)."""
        if not graphs:
            return set()
        values = " ".join(str(ox.NamedNode(graph)) for graph in graphs)
        query = f"SELECT DISTINCT ?g WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        return {
            graph.value
            for row in self.select(query)
            if isinstance(graph := row.get("g"), ox.NamedNode)
        }

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

    def open_load(self) -> LoadingStore | None:
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
