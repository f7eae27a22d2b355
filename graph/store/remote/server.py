"""One remote SPARQL server: its endpoints, its dialect, and the requests newsgraph sends it.

Nothing is sent when the object is made. The first request probes the query endpoint
(``ASK {}``) to learn the dialect from the ``Server`` header, then lets the dialect learn what
it needs; the Graph Store Protocol endpoint is probed the first time a write or dump could
use it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

import pyoxigraph as ox
from newsgraph.errors import QueryTimeout, StoreError
from newsgraph.sparql import sparqltext
from newsgraph.store.base import Row
from newsgraph.store.remote import answers, dialects
from newsgraph.store.remote.auth import Credentials
from newsgraph.store.remote.dialects import Dialect
from newsgraph.store.remote.http import Connection, Reply, TooLarge

log = logging.getLogger("newsgraph.store")

#: ``NEWSGRAPH_GRAPH_STORE_URL`` value that turns the Graph Store Protocol off.
NO_GRAPH_STORE = "none"
_UNSET = object()


class Server:
    def __init__(
        self,
        query_url: str,
        connection: Connection,
        *,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        dialect: str = "auto",
    ) -> None:
        self.query_url = query_url
        self.connection = connection
        self._update_url = update_url
        self._graph_store_setting = graph_store_url
        self._dialect_name = dialect
        self._dialect: Dialect | None = None
        self._graph_store: object = _UNSET
        self._lock = threading.RLock()

    @property
    def credentials(self) -> Credentials:
        return self.connection.credentials

    # -- what the server is ----------------------------------------------------------------------

    @property
    def dialect(self) -> Dialect:
        with self._lock:
            if self._dialect is None:
                self._dialect = self._detect()
            return self._dialect

    def _detect(self) -> Dialect:
        if self._dialect_name != "auto":
            found = dialects.by_name(self._dialect_name)
        else:
            what = f"probe of {self.query_url}"
            reply = self.connection.request(
                "GET",
                self.query_url,
                what=what,
                idempotent=True,
                params=[("query", "ASK {}")],
                headers={"Accept": answers.SOLUTIONS_ACCEPT},
            )
            if reply.status == 405:  # a server that takes queries by POST only
                reply = self.connection.request(
                    "POST",
                    self.query_url,
                    what=what,
                    idempotent=True,
                    content=b"ASK {}",
                    headers={
                        "Accept": answers.SOLUTIONS_ACCEPT,
                        "Content-Type": "application/sparql-query",
                    },
                )
            if not reply.ok:
                raise self.connection.error(reply, what)
            found = dialects.from_server_header(reply.headers.get("server", ""))
        if not found.keeps_compressed_connections:
            self.connection.refuse_compression()
        found.discover(lambda text: self.select_rows(text, dialect=found))
        log.info("remote store %s: %s dialect", self.query_url, found.name)
        return found

    @property
    def update_url(self) -> str:
        if self._update_url:
            return self._update_url
        return self.dialect.default_update_url(self.query_url, authenticated=self.credentials.any)

    @property
    def graph_store(self) -> str | None:
        """The Graph Store Protocol endpoint, or None when the server has none (or it is off)."""
        with self._lock:
            if self._graph_store is _UNSET:
                self._graph_store = self._find_graph_store()
            return self._graph_store  # type: ignore[return-value]

    def _find_graph_store(self) -> str | None:
        setting = self._graph_store_setting
        if setting:
            return None if setting.lower() == NO_GRAPH_STORE else setting
        for candidate in self.dialect.graph_store_candidates(
            self.query_url, authenticated=self.credentials.any
        ):
            reply = self.connection.request(
                "HEAD", candidate, what=f"probe of {candidate}", idempotent=True
            )
            if reply.ok:
                log.info("remote store %s: Graph Store Protocol at %s", self.query_url, candidate)
                return candidate
        return None

    # -- queries ---------------------------------------------------------------------------------

    def query(
        self,
        text: str,
        *,
        accept: str,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        timeout: float | None = None,
        retry_timeouts: bool = False,
        dialect: Dialect | None = None,
    ) -> Reply:
        """Send a query (SPARQL 1.1 Protocol: a form-encoded POST); the dialect keeps
        newsgraph's dataset (the union of all graphs)."""
        dialect = dialect or self.dialect
        own = bool(default_graphs or named_graphs) or sparqltext.has_dataset_clause(text)
        what = f"query to {self.query_url}"
        form = [
            ("query", dialect.query_text(text, own_dataset=own)),
            *dialect.query_params(own_dataset=own),
            *(("default-graph-uri", graph) for graph in default_graphs),
            *(("named-graph-uri", graph) for graph in named_graphs),
        ]
        reply = self.connection.request(
            "POST",
            self.query_url,
            what=what,
            idempotent=True,
            form=form,
            headers={"Accept": accept},
            timeout=timeout,
            retry_timeouts=retry_timeouts,
        )
        if not reply.ok:
            raise self.connection.error(reply, what)
        if dialect.partial(reply.headers):
            raise QueryTimeout(
                f"{what}: the server stopped the query at its own time limit and sent a partial "
                "answer; newsgraph does not pass partial answers on"
            )
        return reply

    def select_rows(self, text: str, *, dialect: Dialect | None = None) -> list[Row]:
        """All rows of a SELECT, or an error if the server cut the answer short."""
        dialect = dialect or self.dialect
        reply = self.query(text, accept=answers.SOLUTIONS_ACCEPT, dialect=dialect)
        self.refuse_cut(reply, dialect)
        what = f"query to {self.query_url}"
        rows = answers.parse_solutions(reply.body, what, dialect.normalise, dialect.visible)[1]
        return dialect.fix_rows(text, rows)

    def refuse_cut(self, reply: Reply, dialect: Dialect | None = None) -> None:
        cap = (dialect or self.dialect).row_cap(reply.headers)
        if cap is not None:
            where = f"at {cap:,} rows" if cap else "short"
            raise StoreError(
                f"{self.query_url} cut the answer {where}; newsgraph needs whole answers "
                "(Virtuoso: raise ResultSetMaxRows in the [SPARQL] section of virtuoso.ini; "
                "newsgraph serve: --row-limit 0)"
            )

    # -- writes ----------------------------------------------------------------------------------

    def update(self, text: str, *, idempotent: bool) -> None:
        """Send one SPARQL Update (atomic on the server)."""
        url = self.update_url
        what = f"update to {url}"
        reply = self.connection.request(
            "POST",
            url,
            what=what,
            idempotent=idempotent,
            params=self.dialect.update_params(text),
            content=text.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update"},
        )
        if reply.ok:
            return
        error = self.connection.error(reply, what)
        if reply.status == 400 and "limited to" in reply.text():  # Oxigraph's body limit
            raise TooLarge(str(error))
        raise error

    def call(self, text: str, *, idempotent: bool) -> None:
        """Send a query that runs one of the server's own procedures (Virtuoso's ``sql:`` and
        ``bif:`` functions) to the update endpoint, where the credentials that may run it go."""
        url = self.update_url
        what = f"call to {url}"
        reply = self.connection.request(
            "POST",
            url,
            what=what,
            idempotent=idempotent,
            form=[("query", text)],
            headers={"Accept": answers.SOLUTIONS_ACCEPT},
        )
        if not reply.ok:
            raise self.connection.error(reply, what)

    def graph_store_request(
        self,
        method: str,
        graph: ox.NamedNode | None,
        *,
        content: bytes | None = None,
        content_type: str | None = None,
        idempotent: bool,
    ) -> Reply:
        """One Graph Store Protocol request on ``graph`` (the whole dataset when None)."""
        url = self.graph_store
        if url is None:
            raise StoreError(f"{self.query_url} has no Graph Store Protocol endpoint")
        what = f"{method} {url}" + (f" for {graph.value}" if graph else "")
        reply = self.connection.request(
            method,
            url,
            what=what,
            idempotent=idempotent,
            params=[("graph", graph.value)] if graph else [],
            content=content,
            headers={"Content-Type": content_type} if content_type else {},
        )
        if reply.ok or (method == "DELETE" and reply.status == 404):
            return reply
        raise self.connection.error(reply, what)


__all__ = ["NO_GRAPH_STORE", "Server"]
