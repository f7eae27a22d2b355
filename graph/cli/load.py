"""``newsgraph load FILE --graph IRI``: load your own RDF into a named graph."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from newsgraph.cli.common import add_store_flags, console, is_terminal, settings_from
from newsgraph.store import open_store
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:  # imported when run, as ingest's
    from newsgraph.ingest.loader import LoadSummary


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "load",
        help="load RDF (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) into a named graph",
    )
    parser.add_argument("file", metavar="FILE", help="the RDF file (may be .gz)")
    parser.add_argument("--graph", help="the named graph to fill (required for triple formats)")
    parser.add_argument(
        "--format", dest="rdf_format",
        help="turtle, ntriples, nquads, trig, jsonld or rdfxml (default: from the extension)",
    )  # fmt: skip
    parser.add_argument(
        "--append", action="store_true",
        help="add to the graph instead of replacing it",
    )  # fmt: skip
    parser.add_argument("--quiet", "-q", action="store_true", help="print only the summary")
    add_store_flags(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from newsgraph.ingest.loader import load_file, rdf_format

    settings = settings_from(args)
    chosen = rdf_format(args.file, args.rdf_format)
    with open_store(settings, write=True, create=True, what="newsgraph load") as store:

        def load(read: Callable[[int], None] | None = None) -> LoadSummary:
            return load_file(
                store, args.file, graph=args.graph, iris=settings.minter, rdf_format=chosen,
                append=args.append, read=read,
            )  # fmt: skip

        if is_terminal() and not args.quiet and os.path.isfile(args.file):
            columns = (TextColumn("loading"), BarColumn(), DownloadColumn(), TimeElapsedColumn())
            with Progress(*columns, console=console, transient=True) as bar:
                task = bar.add_task("load", total=os.path.getsize(args.file))
                summary = load(lambda n: bar.advance(task, n))
        else:
            summary = load()
    console.print(summary.line(), markup=False)
    return 0
