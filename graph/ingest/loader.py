"""Loading researchers' own RDF into named graphs (``newsgraph load``).

Turtle, N-Triples, N-Quads, TriG, JSON-LD and RDF/XML, optionally gzip-compressed; the format
comes from the file's extension or is given. Triples (and the default graph of a quad format)
go into the graph named with ``--graph``; the named graphs of a quad format keep their names.

Loading is idempotent: each graph the file fills is replaced as a whole, in one write (pass
``append`` to add to what a graph holds instead). Relative IRIs resolve against the target
graph's IRI. The graphs newsgraph itself maintains — articles (``{base}article/…``) and
``{base}graph/…`` — are refused: ingest and linking rewrite them. Nothing is fetched: a JSON-LD
document whose ``@context`` is a URL other than newsgraph's own must inline its context.

Through :func:`graph.store.open_store` the write borrows the primary from the running server
when one owns the store, as ingest's do (:mod:`graph.store.handover`); it is one unit of writes.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from newsgraph import jsonld
from newsgraph.errors import NewsgraphError
from newsgraph.store.base import Store
from newsgraph.vocab.namespaces import Minter

__all__ = ["FORMATS", "LoadError", "LoadSummary", "load_file", "rdf_format"]


class LoadError(NewsgraphError):
    status = 400
    code = "bad-rdf"


#: Format names and file extensions → pyoxigraph formats.
FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ttl": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "rdf": ox.RdfFormat.RDF_XML,
    "owl": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class LoadSummary:
    graphs: tuple[str, ...]
    triples: int
    appended: bool
    seconds: float

    def line(self) -> str:
        verb = "added to" if self.appended else "replaced"
        where = self.graphs[0] if len(self.graphs) == 1 else f"{len(self.graphs)} graphs"
        return f"loaded {self.triples} triples, {verb} {where}, {self.seconds:.2f} s"


def rdf_format(path: str, given: str | None = None) -> ox.RdfFormat:
    """The format named by ``given`` (a name, an extension or a media type), else by the file's
    extension (after a ``.gz``).

    >>> rdf_format("papers.ttl.gz").name, rdf_format("x.data", "application/rdf+xml").name
    ('Turtle', 'RDF/XML')
    """
    if given:
        found = FORMATS.get(given.lower().lstrip("."))
        if found is None:
            try:
                found = ox.RdfFormat.from_media_type(given)
            except ValueError:
                found = None
        if found is None:
            raise LoadError(f"--format {given!r}: use one of {', '.join(sorted(FORMATS))}")
        return found
    suffixes = [s.lower().lstrip(".") for s in Path(path).suffixes]
    if suffixes and suffixes[-1] == "gz":
        suffixes.pop()
    extension = suffixes[-1] if suffixes else ""
    if extension not in FORMATS:
        raise LoadError(f"{path}: cannot tell the RDF format from the extension; give --format")
    return FORMATS[extension]


def _check_graph(graph: str, iris: Minter) -> None:
    try:
        ox.NamedNode(graph)
    except ValueError:
        raise LoadError(f"--graph {graph!r} is not an absolute IRI") from None
    for managed in (iris.article(""), iris.base + "graph/"):
        if graph.startswith(managed):
            raise LoadError(
                f"graph {graph} is maintained by newsgraph (everything under {managed}); "
                "load into a graph of your own"
            )


class _Counted:
    """A binary reader that reports how many bytes of the file were read."""

    def __init__(self, inner: IO[bytes], report: Callable[[int], None]) -> None:
        self.inner = inner
        self.report = report

    def read(self, size: int = -1) -> bytes:
        data = self.inner.read(size)
        self.report(len(data))
        return data


def _jsonld_source(source: IO[bytes]) -> bytes:
    """The document with newsgraph's own context inlined (other context URLs are refused)."""
    try:
        document = json.load(source)
    except ValueError as error:
        raise LoadError(f"not JSON: {error}") from None
    documents = document if isinstance(document, list) else [document]
    inlined = []
    for item in documents:
        context = item.get("@context") if isinstance(item, dict) else None
        if isinstance(context, str):
            if context not in jsonld.BUNDLED_CONTEXTS:
                raise LoadError(
                    f"the JSON-LD @context {context!r} is a URL and nothing is fetched: "
                    "inline the context in the file"
                )
            item = jsonld.inline_context(item)
        inlined.append(item)
    return json.dumps(inlined if isinstance(document, list) else inlined[0]).encode("utf-8")


def read_quads(
    path: str, rdf_format: ox.RdfFormat, graph: str | None, read: Callable[[int], None] | None
) -> list[ox.Quad]:
    """The file's statements as quads: triples and default-graph quads go into ``graph``."""
    target = ox.NamedNode(graph) if graph else None
    with contextlib.ExitStack() as stack:
        source: IO[bytes] = stack.enter_context(open(path, "rb"))
        if read is not None:
            source = _Counted(source, read)  # type: ignore[assignment]
        if path.lower().endswith(".gz"):
            source = stack.enter_context(gzip.GzipFile(fileobj=source))  # type: ignore[arg-type]
        data: IO[bytes] | bytes = source
        if rdf_format == ox.RdfFormat.JSON_LD:
            data = _jsonld_source(source)
        try:
            parsed = list(ox.parse(data, format=rdf_format, base_iri=graph))
        except SyntaxError as error:
            raise LoadError(f"{path}: {rdf_format.name}: {error}") from None
        except OSError as error:
            raise LoadError(f"{path}: {error}") from None
    quads = []
    for quad in parsed:
        if isinstance(quad.graph_name, ox.DefaultGraph):
            if target is None:
                raise LoadError(f"{path} has triples outside a named graph: give --graph")
            quad = ox.Quad(quad.subject, quad.predicate, quad.object, target)
        quads.append(quad)
    return quads


def load_file(
    store: Store,
    path: str,
    *,
    graph: str | None,
    iris: Minter,
    rdf_format: ox.RdfFormat,
    append: bool = False,
    read: Callable[[int], None] | None = None,
) -> LoadSummary:
    """Load the RDF file at ``path`` into ``store``; ``read`` is told of each chunk read."""
    started = time.monotonic()
    if graph is not None:
        _check_graph(graph, iris)
    elif not rdf_format.supports_datasets:
        raise LoadError(f"{rdf_format.name} holds triples only: name their graph with --graph")
    if not Path(path).is_file():
        raise LoadError(f"{path}: no such file")
    quads = read_quads(path, rdf_format, graph, read)
    names = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    if graph is not None:
        names.add(graph)
    for name in sorted(names):
        _check_graph(name, iris)
    store.replace_graphs([] if append else sorted(names), quads)
    return LoadSummary(tuple(sorted(names)), len(quads), append, time.monotonic() - started)
