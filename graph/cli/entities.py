"""``newsgraph entities``: the entities of the store, with their names and where they appear.

Written by :mod:`graph.cli.listing` in every format (``--format table|csv|tsv|json``); ``--json``
prints JSON lines, as it always has. Tested in tests/test_cli_formats.py.
"""

from __future__ import annotations

import argparse
import json

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.cli import listing
from newsgraph.cli.common import add_store_flags, out, settings_from
from newsgraph.store import open_store

COLUMNS = ("entity", "name", "type", "aliases", "articles", "first", "last")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "entities", help="list entities: IRI, name, type, aliases, articles, first and last seen"
    )
    parser.add_argument("--search", default="", help="only names containing this text")
    parser.add_argument("--limit", type=int, default=0, help="at most this many (0: all)")
    parser.add_argument("--format", "-f", choices=listing.FORMATS, default="table")
    parser.add_argument("--json", action="store_true", help="print JSON lines")
    add_store_flags(parser)
    parser.set_defaults(run=run)


def _value(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return term.value.replace("http://schema.org/", "")
    return term.value if isinstance(term, ox.Literal) else ""


def entity_rows(store: object, search: str) -> list[dict[str, str]]:
    query = queries.load("entities-list")
    rows = store.select(query, {"search": ox.Literal(search)})  # type: ignore[attr-defined]
    return [{column: _value(row.get(column)) for column in COLUMNS} for row in rows]


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    with open_store(settings) as store:
        rows = entity_rows(store, args.search)
    if args.limit:
        rows = rows[: args.limit]
    if args.json:
        for row in rows:
            out.print(json.dumps(row, ensure_ascii=False), markup=False, highlight=False)
        return 0
    listed: list[dict[str, object]] = [
        {**row, "articles": int(row["articles"]) if row["articles"] else 0} for row in rows
    ]
    listing.write(listing.Listing(COLUMNS, listed), args.format)
    if args.format == "table":
        out.print(f"{len(rows)} entities", markup=False)
    return 0
