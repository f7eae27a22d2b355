"""``newsgraph dump``: the whole store as N-Quads, TriG, Turtle or JSON-LD, streamed."""

from __future__ import annotations

import argparse
import sys

from newsgraph.cli.common import add_store_flags, console, settings_from
from newsgraph.errors import ExportError
from newsgraph.export.dump import FORMATS, dump, format_for
from newsgraph.store import open_store


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "dump", help="write the whole store to one file (nq and trig keep the article graphs)"
    )
    parser.add_argument(
        "--format", "-f", choices=list(FORMATS),
        help="default: from --out's name (.nq, .trig, .ttl, .jsonld, each maybe .gz), else nq",
    )  # fmt: skip
    parser.add_argument("--gzip", action="store_true", help="compress (implied by --out *.gz)")
    parser.add_argument("--out", "-o", metavar="FILE", help="default: standard output")
    parser.add_argument("--quiet", "-q", action="store_true", help="print no summary")
    add_store_flags(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.out is None and sys.stdout.isatty():
        raise ExportError("the dump would go to the terminal: name a file with --out, or redirect")
    name = format_for(args.format, args.out)
    compress = args.gzip or bool(args.out and args.out.endswith(".gz"))
    settings = settings_from(args)
    with open_store(settings) as store:
        summary = dump(store, name, args.out, compress)
    if not args.quiet:
        console.print(summary.line(), markup=False)
    return 0
