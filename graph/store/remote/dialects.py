"""What differs between SPARQL servers, so that the same query gives the same answer on each.

newsgraph's model: the default graph of a query is the union of all graphs, and answers carry
the canonical lexical forms the embedded store (Oxigraph) writes. A dialect makes a server
keep that model:

* **generic** — any SPARQL 1.1 server whose default graph already is the union of its graphs
  (GraphDB/RDF4J, Amazon Neptune, QLever, Jena with ``unionDefaultGraph``, newsgraph itself).
  Graph Store Protocol only where ``NEWSGRAPH_GRAPH_STORE_URL`` names one.
* **oxigraph** — Oxigraph server. Each query and update asks for the union default graph
  itself (``union-default-graph`` / ``using-union-graph``), so the server's
  ``--union-default-graph`` flag is not needed. Graph Store Protocol at ``/store``, which also
  takes whole datasets (N-Quads) in one transaction.
* **virtuoso** — Virtuoso 7. Its default graph holds every graph *including its own system
  graphs* (its RDF views, the service description, WebDAV metadata, bundled ontologies), so each
  query without a dataset of its own starts with ``DEFINE input:default-graph-exclude`` and
  ``input:named-graph-exclude`` for each of them: the fixed ones below, and the host-specific
  ones found when the store opens (and ``GRAPH <iri>`` becomes ``GRAPH ?v`` bound to that IRI,
  which Virtuoso then answers correctly; a trailing VALUES block is moved into the WHERE group;
  an empty GROUP_CONCAT is left unbound as Oxigraph leaves it; a boolean bound with BIND or
  projected with AS is cast to xsd:boolean, as Virtuoso otherwise writes 1 or 0). Updates are sent as written: in their WHERE
  clauses, Virtuoso's default graph still includes its system graphs. Answers are brought to canonical forms (booleans are stored
  as 1/0, fractional seconds padded, doubles written as ``1000.0``). Virtuoso's SPARQL Update
  compiler is slow and refuses large texts, so graphs are replaced with the Graph Store
  Protocol (``/sparql-graph-crud-auth``), one PUT per graph, several at a time.

The dialect is found from the server's ``Server`` header, or set with
``NEWSGRAPH_STORE_DIALECT``.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import ClassVar
from urllib.parse import urljoin, urlsplit, urlunsplit

import pyoxigraph as ox
from newsgraph.sparql import sparqltext
from newsgraph.store.base import Row, Term
from newsgraph.store.remote import rewrite
from newsgraph.vocab.namespaces import XSD

Select = Callable[[str], list[Row]]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


class Dialect:
    """The generic SPARQL 1.1 server; subclasses override what their server does differently."""

    name: ClassVar[str] = "generic"
    #: Answers come back in the forms the embedded store writes (no normalising needed).
    faithful: ClassVar[bool] = True
    #: INSERT DATA may carry blank nodes (SPARQL 1.1 allows it; Virtuoso refuses).
    bnodes_in_insert_data: ClassVar[bool] = True
    #: Replace graphs with Graph Store PUTs rather than SPARQL Update.
    replace_with_graph_store: ClassVar[bool] = False
    #: The Graph Store endpoint takes and gives whole datasets (quads, no ``graph`` parameter).
    dataset_graph_store: ClassVar[bool] = False
    #: Requests sent at the same time when writing graph by graph.
    parallel_writes: ClassVar[int] = 1
    #: A SPARQL Update request of several operations is applied all or nothing.
    atomic_updates: ClassVar[bool] = True
    #: A Graph Store GET answers the whole graph (Virtuoso's stops at its row limit, unsaid).
    whole_graph_store_reads: ClassVar[bool] = True
    #: The server keeps newsgraph's write stamp where no query sees it (Virtuoso's registry).
    write_stamps: ClassVar[bool] = False
    #: Rows past which the server cuts every answer, whatever it is set to (None: no such cap).
    answer_rows_cap: ClassVar[int | None] = None
    #: The server keeps the connection open after a compressed answer, so asking for one costs
    #: nothing but the compressing. Virtuoso closes the connection after every gzipped answer:
    #: each query would open a new one (half a millisecond on loopback), so it is asked for
    #: answers as they are.
    keeps_compressed_connections: ClassVar[bool] = True

    def __init__(self) -> None:
        #: Largest SPARQL Update body sent; lowered when a server refuses one as too large.
        self.max_update_bytes = 900_000

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    # -- endpoints -------------------------------------------------------------------------------

    def graph_store_candidates(self, query_url: str, *, authenticated: bool) -> list[str]:
        """Where this server's Graph Store Protocol endpoint may be (probed in order)."""
        return []

    def default_update_url(self, query_url: str, *, authenticated: bool) -> str:
        return query_url

    def discover(self, select: Select) -> None:
        """Learn what this server needs at run time (e.g. its system graphs)."""

    # -- requests --------------------------------------------------------------------------------

    def query_text(self, text: str, *, own_dataset: bool) -> str:
        return text

    def query_params(self, *, own_dataset: bool) -> list[tuple[str, str]]:
        return []

    def update_params(self, text: str) -> list[tuple[str, str]]:
        return []

    # -- answers ---------------------------------------------------------------------------------

    def normalise(self, term: Term) -> Term:
        return term

    def visible(self, variable: str) -> bool:
        """Whether a variable of the answer is the query's own (not one the dialect added)."""
        return True

    def fix_rows(self, query: str, rows: list[Row]) -> list[Row]:
        """Rows of a SELECT answer as the embedded store gives them."""
        return rows

    def row_cap(self, headers: Mapping[str, str]) -> int | None:
        """The row limit at which the server cut this answer, when it says it did. Whatever
        the dialect, a newsgraph server says so in ``NewsGraph-Truncated`` (0: a limit it did
        not name); a cut answer is never taken for a whole one."""
        if headers.get("newsgraph-truncated", "").strip().lower() != "true":
            return None
        limit = headers.get("newsgraph-row-limit", "").strip()
        return int(limit) if limit.isdigit() else 0

    def partial(self, headers: Mapping[str, str]) -> bool:
        """Whether the server stopped the query early and sent what it had."""
        return False


class Oxigraph(Dialect):
    name = "oxigraph"
    dataset_graph_store = True
    parallel_writes = 2  # the server commits disjoint transactions side by side

    def __init__(self) -> None:
        super().__init__()
        self.max_update_bytes = 1_000_000  # the server refuses SPARQL bodies over 1 MiB

    def graph_store_candidates(self, query_url: str, *, authenticated: bool) -> list[str]:
        path = urlsplit(query_url).path
        if path.endswith("/query"):
            return [query_url[: query_url.rfind("/query")] + "/store"]
        return [urljoin(query_url, "store")]

    def default_update_url(self, query_url: str, *, authenticated: bool) -> str:
        if urlsplit(query_url).path.endswith("/query"):
            return query_url[: query_url.rfind("/query")] + "/update"
        return query_url

    def query_params(self, *, own_dataset: bool) -> list[tuple[str, str]]:
        return [] if own_dataset else [("union-default-graph", "")]

    def update_params(self, text: str) -> list[tuple[str, str]]:
        if sparqltext.has_update_dataset_clause(text):
            return []
        return [("using-union-graph", "")]


#: Graphs every Virtuoso 7 database holds for itself.
VIRTUOSO_SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://www.w3.org/2002/07/owl#",
    "http://www.openlinksw.com/schemas/RDF_Mappers#",
    "http://www.openlinksw.com/schemas/oplweb#",
)
#: Finds its host-specific system graphs: WebDAV metadata and the service description.
VIRTUOSO_DISCOVERY = """
SELECT DISTINCT ?g WHERE {
  { GRAPH ?g { ?s <http://www.openlinksw.com/schemas/DAV#ownerUser> ?o } }
  UNION
  { GRAPH ?g { ?s a <http://www.w3.org/ns/sparql-service-description#Service> } }
}
"""
_EMPTY = ox.Literal("")
_XSD_BOOLEAN = XSD + "boolean"
_XSD_DOUBLE = XSD + "double"
_XSD_FLOAT = XSD + "float"
_WITH_SECONDS = {XSD + "dateTime", XSD + "time", XSD + "dateTimeStamp"}
_FRACTION = re.compile(r"(:\d\d)\.(\d+)")


class Virtuoso(Dialect):
    name = "virtuoso"
    faithful = False
    bnodes_in_insert_data = False
    replace_with_graph_store = True
    parallel_writes = 4
    atomic_updates = False  # each operation of a request commits on its own
    whole_graph_store_reads = False
    write_stamps = True
    answer_rows_cap = 1_048_576
    keeps_compressed_connections = False

    def __init__(self) -> None:
        super().__init__()
        self.max_update_bytes = 50_000  # larger texts exhaust its SPARQL compiler
        self.system_graphs: list[str] = list(VIRTUOSO_SYSTEM_GRAPHS)

    def graph_store_candidates(self, query_url: str, *, authenticated: bool) -> list[str]:
        origin = _origin(query_url)
        if authenticated:
            return [origin + "/sparql-graph-crud-auth", origin + "/sparql-graph-crud"]
        return [origin + "/sparql-graph-crud"]

    def default_update_url(self, query_url: str, *, authenticated: bool) -> str:
        if authenticated and urlsplit(query_url).path.rstrip("/").endswith("/sparql"):
            return query_url.rstrip("/") + "-auth"
        return query_url

    def discover(self, select: Select) -> None:
        found = [
            graph.value
            for row in select(VIRTUOSO_DISCOVERY)
            if isinstance(graph := row.get("g"), ox.NamedNode)
        ]
        self.system_graphs = list(dict.fromkeys([*VIRTUOSO_SYSTEM_GRAPHS, *found]))

    def query_text(self, text: str, *, own_dataset: bool) -> str:
        text = rewrite.cast_boolean_bindings(text)
        if sparqltext.query_form(text) == "DESCRIBE":
            text = 'DEFINE sql:describe-mode "CBD"\n' + text  # as Oxigraph describes
        if own_dataset:
            return text
        defines = "".join(
            f"DEFINE input:default-graph-exclude {ox.NamedNode(graph)}\n"
            f"DEFINE input:named-graph-exclude {ox.NamedNode(graph)}\n"
            for graph in self.system_graphs
        )
        return defines + rewrite.pin_constant_graphs(rewrite.inline_trailing_values(text))

    def visible(self, variable: str) -> bool:
        return not variable.startswith(rewrite.PINNED)

    def fix_rows(self, query: str, rows: list[Row]) -> list[Row]:
        """A ``GROUP_CONCAT`` over a group without values is "" here, unbound in Oxigraph."""
        concatenated = rewrite.group_concat_variables(query)
        if not concatenated:
            return rows
        return [
            {
                name: term
                for name, term in row.items()
                if not (name in concatenated and term == _EMPTY)
            }
            for row in rows
        ]

    def normalise(self, term: Term) -> Term:
        if not isinstance(term, ox.Literal) or term.language:
            return term
        datatype = term.datatype.value
        value = term.value
        if datatype == _XSD_BOOLEAN and value in ("0", "1"):
            return ox.Literal("true" if value == "1" else "false", datatype=term.datatype)
        if datatype in _WITH_SECONDS:
            fixed = canonical_seconds(value)
            return term if fixed == value else ox.Literal(fixed, datatype=term.datatype)
        if datatype in (_XSD_DOUBLE, _XSD_FLOAT):
            fixed = canonical_double(value, single=datatype == _XSD_FLOAT)
            return term if fixed == value else ox.Literal(fixed, datatype=term.datatype)
        return term

    def row_cap(self, headers: Mapping[str, str]) -> int | None:
        value = headers.get("x-sparql-maxrows")
        if value and value.isdigit():
            return int(value)
        return super().row_cap(headers)

    def partial(self, headers: Mapping[str, str]) -> bool:
        return headers.get("x-sql-state", "").upper() == "S1TAT"


def canonical_seconds(value: str) -> str:
    """Fractional seconds without trailing zeros, and UTC as ``Z``.

    >>> canonical_seconds("2026-01-02T03:04:05.500-05:00")
    '2026-01-02T03:04:05.5-05:00'
    >>> canonical_seconds("2026-01-02T03:04:05.000+00:00")
    '2026-01-02T03:04:05Z'
    """
    fixed = _FRACTION.sub(
        lambda m: m.group(1) + ("." + m.group(2).rstrip("0") if m.group(2).strip("0") else ""),
        value,
    )
    if fixed.endswith(("+00:00", "-00:00")):
        fixed = fixed[:-6] + "Z"
    return fixed


def canonical_double(value: str, *, single: bool = False) -> str:
    """A double (or float) written as Oxigraph writes it: shortest digits, no exponent.

    >>> [canonical_double(v) for v in ("1000.0", "1.5e+20", "1e-07", "-0.0", "inf", "nan")]
    ['1000', '150000000000000000000', '0.0000001', '-0', 'INF', 'NaN']
    """
    try:
        number = float(value)
    except ValueError:
        return value
    if number != number:
        return "NaN"
    if number in (float("inf"), float("-inf")):
        return "INF" if number > 0 else "-INF"
    digits = _shortest_single(number) if single else repr(number)
    text = format(Decimal(digits), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _shortest_single(number: float) -> str:
    packed = struct.unpack("f", struct.pack("f", number))[0]
    for precision in range(1, 10):
        text = f"{packed:.{precision}g}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == packed:
            return text
    return repr(packed)


DIALECTS: dict[str, type[Dialect]] = {
    "generic": Dialect,
    "oxigraph": Oxigraph,
    "virtuoso": Virtuoso,
}


def from_server_header(server: str) -> Dialect:
    """The dialect for a ``Server`` response header.

    >>> from_server_header("Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu").name
    'virtuoso'
    >>> from_server_header("uvicorn").name
    'generic'
    """
    lowered = server.lower()
    for name, dialect in DIALECTS.items():
        if name != "generic" and name in lowered:
            return dialect()
    return Dialect()


def by_name(name: str) -> Dialect:
    return DIALECTS[name]()


__all__ = [
    "DIALECTS",
    "VIRTUOSO_SYSTEM_GRAPHS",
    "Dialect",
    "Oxigraph",
    "Virtuoso",
    "by_name",
    "canonical_double",
    "canonical_seconds",
    "from_server_header",
]
