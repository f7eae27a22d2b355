"""``newsgraph ingest PATH...``: load records; a bad one is named FILE:LINE and set aside."""

from __future__ import annotations

import argparse

from newsgraph.cli.common import add_store_flags, console, is_terminal, settings_from
from newsgraph.ingest import ingest
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


def run(args: argparse.Namespace) -> int:
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
