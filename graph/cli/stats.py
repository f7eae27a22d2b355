"""``newsgraph stats``: articles, entities, triples, graphs and the date range; for a store on
disk, its size and its full-text index's size beside it.

One row per statistic (``statistic``, ``value``), written by :mod:`graph.cli.listing` in every
format; ``--json`` prints the one object it always has. Tested in tests/test_cli_formats.py.
"""

from __future__ import annotations

import argparse
import json

from newsgraph.cli import listing
from newsgraph.cli.common import add_store_flags, out, settings_from
from newsgraph.stats import store_stats
from newsgraph.store import open_store

COLUMNS = ("statistic", "value")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("stats", help="count articles, entities, triples and graphs")
    parser.add_argument("--format", "-f", choices=listing.FORMATS, default="table")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_store_flags(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    with open_store(settings) as store:
        on_disk = None if settings.is_remote else settings.store_path
        stats = store_stats(store, settings.minter, on_disk)
    if args.json:
        out.print_json(json.dumps(stats))
        return 0
    rows = [{"statistic": key, "value": value} for key, value in stats.items()]
    listing.write(listing.Listing(COLUMNS, rows), args.format)
    return 0
