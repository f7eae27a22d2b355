"""``newsgraph stats``: articles, entities, triples, graphs and the date range."""

from __future__ import annotations

import argparse
import json

from newsgraph.cli.common import add_store_flags, out, settings_from
from newsgraph.stats import store_stats
from newsgraph.store import open_store


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("stats", help="count articles, entities, triples and graphs")
    parser.add_argument("--json", action="store_true", help="print JSON")
    add_store_flags(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    with open_store(settings) as store:
        stats = store_stats(store, settings.minter)
    if args.json:
        out.print_json(json.dumps(stats))
    else:
        for key, value in stats.items():
            out.print(f"{key:<10} {value if value is not None else '-'}", markup=False)
    return 0
