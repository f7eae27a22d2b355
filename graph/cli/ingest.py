"""``newsgraph ingest PATH...``: load records; a bad one is named FILE:LINE and set aside.

An RDF file given by name (``.ttl``, ``.nt``, ``.nq``, ``.trig``, ``.jsonld``, ``.rdf``…, maybe
``.gz``) is refused before anything is written, pointing to ``newsgraph load``: ingest reads news
records, load reads RDF. Tested in tests/test_cli_usage.py.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from newsgraph.cli.common import add_store_flags, console, is_terminal, settings_from
from newsgraph.ingest import ingest
from newsgraph.ingest.loader import FORMATS as RDF_FORMATS
from newsgraph.ingest.sources import SUFFIXES, InputError
from newsgraph.store import open_store
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "ingest",
        help="load news records (.json, .jsonl, .ndjson, .gz, directories, - for stdin)",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--batch-size", type=int, help="records per transaction")
    parser.add_argument("--rejects", help="file that rejected records are appended to")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only the summary")
    add_store_flags(parser)
    parser.set_defaults(run=run)


def refuse_rdf(paths: list[str]) -> None:
    """Raise for the first path whose extension names an RDF format rather than records.

    >>> refuse_rdf(["news.jsonl", "more.json.gz", "-"])
    >>> refuse_rdf(["papers.ttl.gz"])
    Traceback (most recent call last):
    ...
    newsgraph.ingest.sources.InputError: papers.ttl.gz: is RDF, not news records: load it into a named graph with `newsgraph load papers.ttl.gz --graph IRI`
    """
    for path in paths:
        suffixes = [suffix.lower() for suffix in Path(path).suffixes]
        if suffixes[-1:] == [".gz"]:
            suffixes.pop()
        extension = suffixes[-1] if suffixes else ""
        if extension and extension not in SUFFIXES and extension[1:] in RDF_FORMATS:
            raise InputError(
                path, None, "is RDF, not news records: load it into a named graph with "
                f"`newsgraph load {path} --graph IRI`",
            )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    refuse_rdf(args.paths)
    settings = settings_from(args)
    report = (lambda line: None) if args.quiet else (lambda line: console.print(line, markup=False))
    with open_store(settings, write=True, create=True, what="newsgraph ingest") as store:
        if is_terminal() and not args.quiet:
            columns = (
                SpinnerColumn(),
                TextColumn("ingesting"),
                BarColumn(),
                TextColumn("{task.completed} records"),
                TimeElapsedColumn(),
            )
            with Progress(*columns, console=console, transient=True) as bar:
                task = bar.add_task("ingest", total=None)
                summary = ingest(
                    args.paths, store, settings, report=report,
                    progress=lambda n: bar.advance(task, n),
                )  # fmt: skip
        else:
            summary = ingest(args.paths, store, settings, report=report)
    console.print(summary.line(), markup=False)
    if summary.rejected:
        console.print(f"rejected records were appended to {settings.rejects_path}", markup=False)
        return 1
    return 0
