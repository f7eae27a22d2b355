"""``newsgraph ingest PATH...``: load records; a bad one is named FILE:LINE and set aside.

Into a store that ``newsgraph serve`` owns, files of up to 32 MiB are handed to the server, which
ingests them with the linking tables it holds (:mod:`graph.ingest.handed`); larger ones borrow
its primary (:mod:`graph.store.handover`). The store is the same either way.

``newsgraph ingest -`` commits what standard input brings in batches as it arrives (by count,
``--batch-size``, or every second); ``newsgraph ingest --watch DIR`` follows a directory until
Ctrl-C, which stops it after the batch under way (:mod:`graph.ingest.follow`, tested in
tests/test_ingest_follow.py).

An RDF file given by name (``.ttl``, ``.nt``, ``.nq``, ``.trig``, ``.jsonld``, ``.rdf``…, maybe
``.gz``) is refused before anything is written, pointing to ``newsgraph load``: ingest reads news
records, load reads RDF. Tested in tests/test_cli_usage.py.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from newsgraph.cli.common import add_store_flags, console, is_terminal, settings_from
from newsgraph.errors import ConfigError
from newsgraph.settings import Settings
from newsgraph.store import open_store
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:  # imported when run: linking costs every other command a tenth of a second
    from newsgraph.ingest import Summary


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "ingest",
        help="load news records (.json, .jsonl, .ndjson, .gz, directories, - for stdin)",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH")
    parser.add_argument(
        "--watch", metavar="DIR",
        help="follow a directory: ingest new and grown files as they land, until Ctrl-C",
    )  # fmt: skip
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
    from newsgraph.ingest.loader import FORMATS as RDF_FORMATS
    from newsgraph.ingest.sources import SUFFIXES, InputError

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
    if bool(args.paths) == bool(args.watch):
        raise ConfigError("give the paths to ingest, or --watch DIR (not both)")
    refuse_rdf(args.paths)
    settings = settings_from(args)
    report = (lambda line: None) if args.quiet else (lambda line: console.print(line, markup=False))
    if args.watch:
        return _watch(Path(args.watch), settings, report)
    if args.paths == ["-"]:
        return _stream(settings, report)
    summary = _handed(args.paths, settings, report)
    if summary is not None:
        return _ended(summary, settings)
    from newsgraph.ingest import ingest

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
    return _ended(summary, settings)


def _handed(paths: list[str], settings: Settings, report: Callable[[str], None]) -> Summary | None:
    """A small ingest into a store that a server owns, run by the server (it has the linking
    tables at hand: :mod:`graph.ingest.handed`); None where it is not handed."""
    from newsgraph.ingest import handed

    ran = handed.to_server(paths, settings, report)
    if ran is None:
        return None
    summary, server = ran
    report(f"ingested by the server at {server.url}, which owns the store")
    return summary


def _ended(summary: Summary, settings: Settings) -> int:
    console.print(summary.line(), markup=False)
    if summary.rejected:
        console.print(f"rejected records were appended to {settings.rejects_path}", markup=False)
        return 1
    return 0


def _stream(settings: Settings, report: Callable[[str], None]) -> int:
    """Standard input, committed in batches as it arrives."""
    from newsgraph.ingest import follow

    with open_store(settings, write=True, create=True, what="newsgraph ingest -") as store:
        totals = follow.stream(sys.stdin.buffer, store, settings, report=report)
    return _ended(totals, settings)


def _watch(directory: Path, settings: Settings, report: Callable[[str], None]) -> int:
    """Follow ``directory`` until Ctrl-C (or SIGTERM), which ends it after the batch under way."""
    if not directory.is_dir():
        raise ConfigError(f"--watch {directory}: not a directory")
    from newsgraph.ingest import follow

    with open_store(settings, write=True, create=True, what="newsgraph ingest --watch") as store:
        watch = follow.Watch(directory, store, settings, report=report)

        def stop(signum: int, frame: object) -> None:
            watch.stop.set()

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            report(f"watching {directory} (Ctrl-C stops after the batch under way)")
            totals = watch.run()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    return _ended(totals, settings)
