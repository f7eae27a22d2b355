"""``newsgraph link``: re-link every entity name in the store (after editing overrides)."""

from __future__ import annotations

import argparse

from newsgraph.cli.common import add_store_flags, console, settings_from
from newsgraph.store import open_store


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "link", help="re-link the entities of the whole store (overrides, reconciliation)"
    )
    parser.add_argument(
        "--overrides", metavar="FILE",
        help="CSV of merge/split/type/sameas corrections; kept in the store for later runs",
    )  # fmt: skip
    parser.add_argument(
        "--reconcile", metavar="URL",
        help="ask this Wikidata-style SPARQL endpoint for the items of unlinked entities",
    )  # fmt: skip
    add_store_flags(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from newsgraph.linking import cache_directory, relink
    from newsgraph.linking.overrides import read_overrides

    settings = settings_from(args)
    overrides = read_overrides(args.overrides) if args.overrides else None
    with open_store(settings, write=True, what="newsgraph link") as store:
        summary = relink(
            store, settings.minter, overrides=overrides, reconcile_url=args.reconcile,
            cache_dir=cache_directory(settings),
        )  # fmt: skip
    for name in summary.ambiguous:
        console.print(f"ambiguous: {name} has several candidate items (not linked)", markup=False)
    console.print(summary.line(), markup=False)
    return 0
