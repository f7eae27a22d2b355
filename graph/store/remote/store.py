"""``RemoteStore``: the :class:`~graph.store.base.Store` interface on any SPARQL 1.1 server.

Queries and updates go through the SPARQL 1.1 Protocol, bulk loads and dumps through the Graph
Store Protocol where the server has one, all on one httpx client (:mod:`http`). The server's
dialect (see :mod:`dialects`) keeps newsgraph's model: the union default graph, canonical
literals.

``execute`` is the path of newsgraph's own ``/sparql`` when the store is remote: the same safety
rules as the embedded store (:func:`graph.sparql.check_query`), the client's negotiated format
and the row limit. The server is asked for the client's format directly when nothing needs
changing (a faithful dialect, no row limit); otherwise newsgraph reads the answer and writes it
again with the writers the embedded store uses, cut at the row limit.

Graph replacements are written behind: ``replace_graphs`` hands its requests to a writer
thread and returns, so that the caller prepares the next batch while the server stores this
one. At most one replacement is in flight; every other call (a query, an update, ``close``)
first waits for it and raises its error, so that no caller ever reads around its own writes.

Full-text search (``ng:matches``, ``newsgraph search``) is answered from newsgraph's own index
of the store, kept in a local directory (:mod:`newsgraph.search.remote`): a unit of writes
(:meth:`RemoteStore.transaction`) feeds it the texts ingest hands over, and each search first
checks it against what the server holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import uuid
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, TYPE_CHECKING, NoReturn

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.errors import NotAcceptable, QueryError, StoreError
from newsgraph.search import scores
from newsgraph.settings import Settings
from newsgraph.sparql import (
    QueryRequest,
    QueryResponse,
    check_query,
    check_update,
    results,
    sparqltext,
)
from newsgraph.store.base import Executed, Row, Store, Term
from newsgraph.store.remote import answers, bulk, reading, transfer
from newsgraph.store.remote.auth import Credentials, split_userinfo
from newsgraph.store.remote.http import Connection, Reply
from newsgraph.store.remote.retry import RetryPolicy
from newsgraph.store.remote.server import Server
from newsgraph.store.summaries import shapes as summaries
from newsgraph.store.summaries.remote import RemoteSummaryKeeper

if TYPE_CHECKING:
    from newsgraph.search.join import Bound
    from newsgraph.search.remote import RemoteSearch, RemoteSearchIndex
    from newsgraph.search.texts import ArticleText

SUMMARISED = "answered from the per-entity summaries of what the server holds"

KINDS = {"SELECT": "solutions", "ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
_CANONICAL = {"solutions": answers.SOLUTIONS_ACCEPT, "boolean": answers.SOLUTIONS_ACCEPT,
              "graph": answers.RDF_ACCEPT}  # fmt: skip


def bind(query: str, bindings: Mapping[str, Term] | None) -> str:
    """Pre-bind variables with VALUES blocks where the query reads them (:func:`queries.bind`)."""
    return queries.bind(query, bindings) if bindings else query


class RemoteStore(Store):
    remote = True

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        token: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 300.0,
        query_timeout: float | None = None,
        retries: int = 3,
        dialect: str = "auto",
        staging: str | None = None,
        search_index: Path | None = None,
    ) -> None:
        """``search_index``: the directory of newsgraph's full-text index of the store (None:
        none kept; :meth:`from_settings` gives ``NEWSGRAPH_SEARCH_INDEX``'s)."""
        query_url, url_user, url_password = split_userinfo(query_url)
        if update_url:
            update_url, update_user, update_password = split_userinfo(update_url)
            url_user, url_password = url_user or update_user, url_password or update_password
        if graph_store_url:
            graph_store_url = split_userinfo(graph_store_url)[0]
        self.credentials = Credentials(
            user=user or url_user, password=password or url_password, token=token
        )
        self.query_timeout = query_timeout or timeout
        self.connection = Connection(
            self.credentials, timeout=timeout, policy=RetryPolicy(attempts=retries + 1)
        )
        self.server = Server(
            query_url,
            self.connection,
            update_url=update_url,
            graph_store_url=graph_store_url,
            dialect=dialect,
        )
        #: Where newsgraph stages N-Quads for the server's loader (``NEWSGRAPH_STORE_STAGING``).
        self.staging = staging
        self._bulk_loaded = False
        #: Whether the server's write stamp says "writing" for writes of this store.
        self._stamped_writing = False
        #: The entity summaries, where the server keeps a write stamp (``from_settings``).
        self.summaries: RemoteSummaryKeeper | None = None
        self._writer: ThreadPoolExecutor | None = None
        self._pending: Future[None] | None = None
        self._pending_lock = threading.Lock()
        #: newsgraph's full-text index of the store (:mod:`newsgraph.search.remote`).
        self.search: RemoteSearch | None = None
        if search_index is not None:
            from newsgraph.search.remote import RemoteSearch

            self.search = RemoteSearch(self, search_index)
        self._in_unit = False

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteStore:
        store = cls._from_settings(settings)
        if settings.query_summaries:
            store.summaries = RemoteSummaryKeeper(store)
        return store

    @classmethod
    def _from_settings(cls, settings: Settings) -> RemoteStore:
        from newsgraph.search.remote import home_of

        return cls(
            settings.store,
            update_url=settings.update_url,
            graph_store_url=settings.graph_store_url,
            token=_secret(settings.store_token),
            user=settings.store_user,
            password=_secret(settings.store_password),
            timeout=settings.store_timeout,
            query_timeout=settings.query_timeout,
            retries=settings.store_retries,
            dialect=settings.store_dialect,
            staging=settings.store_staging,
            search_index=home_of(settings.search_index, settings.store),
        )

    @property
    def query_url(self) -> str:
        return self.server.query_url

    @property
    def update_url(self) -> str:
        return self.server.update_url

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r})"

    # -- reading ---------------------------------------------------------------------------------

    def flush(self) -> None:
        """Wait for the write in flight, if any; raise its error. Once every write is stored,
        what the bulk path loaded is made durable (:func:`bulk.checkpoint`), and then the
        server's write stamp gets a new token.

        The bulk path writes without the server's transaction log, and the stamp and every
        other write go through it: a server that crashed before a checkpoint would come back
        with the stamp (and a watch's positions) of writes it lost, and the next ingest would
        trust them (its linking cache: links never written again). So nothing logged follows
        loaded data until the data is durable (``tests/test_remote_bulk.py``, Virtuoso killed
        with ``kill -9`` after an ingest, before it closed the store)."""
        self._wait()
        self._durable()
        if self._stamped_writing:
            self._set_stamp(uuid.uuid4().hex)
            self._stamped_writing = False

    def _wait(self) -> None:
        """Wait for the write in flight, if any; raise its error."""
        with self._pending_lock:
            pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def _durable(self) -> None:
        """Make what the bulk path loaded durable, if it loaded anything since the last time."""
        if self._bulk_loaded:
            bulk.checkpoint(self.server)
            self._bulk_loaded = False

    # -- the write stamp (graph/store/summaries/remote.py) ------------------------------------

    def write_stamp(self) -> str | None:
        """The server's write stamp now; None where the server keeps none."""
        if not self.server.dialect.write_stamps:
            return None
        rows = self.server.select_rows(queries.load("virtuoso-write-stamp"))
        value = rows[0].get("stamp") if rows else None
        return value.value if isinstance(value, ox.Literal) else "0"

    def _writing(self) -> None:
        """Before a write: the stamp says writes are on their way."""
        if not self._stamped_writing and self.server.dialect.write_stamps:
            self._set_stamp(f"writing {uuid.uuid4().hex}")
            self._stamped_writing = True

    def _set_stamp(self, value: str) -> None:
        text = queries.bind("virtuoso-set-write-stamp", {"stamp": ox.Literal(value)})
        self.server.call(text, idempotent=True)

    async def execute_async(self, request: QueryRequest) -> Executed:
        """From the entity summaries where they hold the answer for what the server holds now
        (:mod:`graph.store.summaries.remote`), else from the server."""
        if self.summaries is not None and summaries.recognise(request.query, request.base_iri):
            started = time.monotonic()
            response = await asyncio.to_thread(self.summaries.answer_now, request)
            if response is not None:
                seconds = time.monotonic() - started
                return Executed(response, None, (("summaries", seconds, SUMMARISED),))
        return await super().execute_async(request)

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> Iterator[Row]:
        self.flush()
        text, bound = self._joined(bind(query, bindings))
        rows = self.server.select_rows(text)
        return iter(scores.restore(rows, bound) if bound else rows)

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        self.flush()
        text = self._joined(bind(query, bindings))[0]
        reply = self.server.query(text, accept=answers.SOLUTIONS_ACCEPT)
        return answers.parse_boolean(reply.body, f"query to {self.query_url}")

    def construct(
        self, query: str, bindings: Mapping[str, Term] | None = None
    ) -> Iterator[ox.Triple]:
        self.flush()
        text = self._joined(bind(query, bindings))[0]
        reply = self.server.query(text, accept=answers.RDF_ACCEPT)
        self.server.refuse_cut(reply)
        what = f"query to {self.query_url}"
        return iter(
            list(answers.parse_triples(reply.body, reply.media_type, what, self._normalise))
        )

    def _normalise(self, term: Term) -> Term:
        return self.server.dialect.normalise(term)

    # -- the endpoint's path ---------------------------------------------------------------------

    def execute(self, request: QueryRequest) -> QueryResponse:
        check_query(request.query, allow_service=request.allow_service)
        self.flush()
        form = sparqltext.query_form(request.query)
        if form is None:
            raise QueryError("malformed query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
        kind = KINDS[form]
        media_type = request.media_types.get(kind)
        if media_type is None:
            raise NotAcceptable(
                f"no acceptable format for {kind} results; the Accept header allows none"
            )
        text, bound = self._joined(request.query)
        if request.base_iri:
            text = f"BASE {ox.NamedNode(request.base_iri)}\n{text}"
        dialect = self.server.dialect
        direct = dialect.faithful and not request.row_limit
        canonical = _CANONICAL[kind]
        accept = f"{media_type}, {_lower_q(canonical)}" if direct else canonical
        reply = self.server.query(
            text,
            accept=accept,
            default_graphs=request.default_graphs,
            named_graphs=request.named_graphs,
            timeout=self.query_timeout,
        )
        if direct and reply.media_type == media_type:
            return QueryResponse(reply.body, media_type, kind)
        return self._rewrite(reply, kind, media_type, request.row_limit, text, bound)

    def _rewrite(
        self,
        reply: Reply,
        kind: str,
        media_type: str,
        limit: int,
        query: str,
        bound: list[Bound] | None = None,
    ) -> QueryResponse:
        """Read the server's answer and write it as the embedded store would, cut at ``limit``."""
        what = f"query to {self.query_url}"
        cut_by_server = self.server.dialect.row_cap(reply.headers) is not None
        if kind == "boolean":
            value = answers.parse_boolean(reply.body, what)
            body = results.write_boolean(value, results.BOOLEAN_TYPES[media_type])
            return QueryResponse(body, media_type, kind, rows=1)
        if kind == "solutions":
            dialect = self.server.dialect
            variables, rows = answers.parse_solutions(
                reply.body, what, self._normalise, dialect.visible
            )
            rows = dialect.fix_rows(query, rows)
            if bound:
                rows = scores.restore(rows, bound)
            kept, truncated = results.capped(
                ([row.get(name) for name in variables] for row in rows), limit
            )
            body = results.write_solutions(variables, kept, results.SOLUTION_TYPES[media_type])  # type: ignore[arg-type]
            return QueryResponse(body, media_type, kind, truncated or cut_by_server, len(kept))
        triples = answers.parse_triples(reply.body, reply.media_type, what, self._normalise)
        kept, truncated = results.capped(triples, limit)
        body = results.write_triples(kept, results.GRAPH_TYPES[media_type])  # type: ignore[arg-type]
        return QueryResponse(body, media_type, kind, truncated or cut_by_server, len(kept))

    # -- full-text search (newsgraph.search.remote) ----------------------------------------------

    def _joined(self, query: str) -> tuple[str, list[Bound]]:
        """The query with its ``ng:matches`` patterns answered by newsgraph's index of the
        store (:mod:`newsgraph.search.join`: the matches sent to the server in a ``VALUES``
        block), and the searches bound, whose scores :func:`scores.restore` puts back whole
        in the answer; the same text when it has none."""
        from newsgraph.search import join

        bound: list[Bound] = []
        if not join.mentions_matches(query):
            return query, bound
        lookup = _no_index if self.search is None else self.search.lookup()
        return join.bind_matches(query, lookup, bound), bound

    def search_index(self) -> RemoteSearchIndex:
        """newsgraph's full-text index of the store (checked against the server before each
        search: :meth:`RemoteSearchIndex.ensure_current`)."""
        return self._kept_search().index()

    def rebuild_search(self) -> int:
        """Index every article of the server afresh (``newsgraph search --rebuild``)."""
        search = self._kept_search()
        self.flush()
        return search.rebuild()

    def _kept_search(self) -> RemoteSearch:
        """The store's full-text index; refused where none is kept (:func:`_no_index`)."""
        if self.search is None:
            _no_index("")
        return self.search

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Writes are applied as they are made (the server has no units); once the unit's
        writes are stored, newsgraph's full-text index follows them."""
        search = self.search
        if search is None or self._in_unit:
            yield
            return
        self._in_unit = True
        try:
            search.begin()
            try:
                yield
                self.flush()
                search.end()
            except BaseException:
                search.abort()
                raise
        finally:
            self._in_unit = False

    def wrote_texts(self, texts: Iterable[ArticleText]) -> None:
        """The texts of articles the unit under way wrote: the index takes them in as they
        come, and commits them when the unit ends."""
        if self.search is not None and self._in_unit:
            self.search.wrote(texts)

    def _touch(self, graphs: Collection[str] | None) -> None:
        """Note the graphs the unit under way replaces (None: what it cannot name)."""
        if self.search is not None and self._in_unit:
            self.search.touched(graphs)

    # -- writing ---------------------------------------------------------------------------------

    def update(self, text: str) -> None:
        check_update(text)
        self.flush()
        self._touch(None)
        self._writing()
        self.server.update(text, idempotent=False)
        self.flush()

    def replace_graphs(self, graphs: Sequence[str], quads: Sequence[ox.Quad]) -> None:
        """Queue the replacement behind the one in flight (see the module's docstring). It is
        written through the server's log: what the bulk path loaded before it is made durable
        first (a watch's positions never outlive the records they count; :meth:`flush`)."""
        self._wait()
        self._durable()
        self._touch(
            {
                *graphs,
                *(q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)),
            }
        )
        self._writing()
        future = self._writer_pool().submit(
            transfer.replace_graphs, self.server, list(graphs), list(quads)
        )
        with self._pending_lock:
            self._pending = future

    def replace_graphs_nquads(
        self, graphs: Sequence[str], data: bytes, absent: Collection[str] = ()
    ) -> None:
        """Queued as :meth:`replace_graphs`; the graphs ``absent`` names (and quads of graphs
        not listed) go through the server's bulk path (:mod:`bulk`). Batch after batch, the
        write stamp keeps saying that writes are on their way (:meth:`flush` ends that)."""
        self._wait()
        self._touch(graphs)
        self._writing()
        add = self._adder()
        future = self._writer_pool().submit(
            transfer.replace_graphs_nquads, self.server, add, list(graphs), data, set(absent)
        )
        with self._pending_lock:
            self._pending = future

    def _adder(self) -> bulk.Adder | None:
        add = bulk.adder(self.server, self.staging)
        if add is None:
            return None

        def counted(data: bytes) -> None:
            add(data)
            self._bulk_loaded = True

        return counted

    def _writer_pool(self) -> ThreadPoolExecutor:
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsgraph-write")
        return self._writer

    def load(
        self, data: bytes | IO[bytes], rdf_format: ox.RdfFormat, graph: str | None = None
    ) -> int:
        self.flush()
        self._touch(None)
        self._writing()
        try:
            return transfer.load(self.server, data, rdf_format, graph, self._adder())
        finally:
            self.flush()

    def dump(self, output: IO[bytes], rdf_format: ox.RdfFormat, graph: str | None = None) -> None:
        self.flush()
        transfer.dump(self.server, output, rdf_format, graph)

    def every_value(
        self,
        name: str,
        bound: Mapping[str, queries.Value],
        variables: Sequence[str],
        count_name: str,
    ) -> Iterator[tuple[Term | None, ...]]:
        """Every row of the named query ``name``, whatever the server's row limit
        (:func:`~graph.store.remote.reading.every_row`; the summaries' statements, the digests
        of every article, linking's store-wide reads, ``cooccur``'s entity lists)."""
        self.flush()
        counted = {
            key: value for key, value in bound.items() if key in queries.get(count_name).params
        }
        total = reading.count(self.server, queries.bind(count_name, counted))
        for page in reading.every_row(self.server, name, bound, total):
            for row in page:
                yield tuple(row.get(variable) for variable in variables)

    def close(self) -> None:
        """Finish the write in flight (raising its error), then release the connection."""
        try:
            self.flush()
        finally:
            if self._writer is not None:
                self._writer.shutdown(wait=True)
                self._writer = None
            self.connection.close()


def _lower_q(accept: str) -> str:
    """The canonical types as a fallback below the client's choice."""
    return ", ".join(
        f"{part.split(';')[0].strip()};q=0.5" for part in accept.split(",") if part.strip()
    )


def _secret(value: object) -> str | None:
    getter = getattr(value, "get_secret_value", None)
    return getter() if callable(getter) else None


__all__ = ["RemoteStore", "bind"]


def _no_index(words: str) -> NoReturn:
    """A store opened with no full-text index (``NEWSGRAPH_SEARCH_INDEX=none``): a search, or
    a query using ``ng:matches``, is refused rather than answered with nothing."""
    what = f"ng:matches {words!r}: " if words else ""
    raise StoreError(
        f"{what}full-text search is answered from newsgraph's index of the store, and none "
        "is kept for it (NEWSGRAPH_SEARCH_INDEX=none): set NEWSGRAPH_SEARCH_INDEX to a "
        "directory, or leave it unset for the default"
    )
