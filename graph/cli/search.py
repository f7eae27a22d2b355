"""``newsgraph search``: the articles that hold some words, best first, with snippets.

``newsgraph search "crude oil" [--since --until --entity NAME --topic NAME --lang --limit N
--offset N --format table|csv|tsv|json]``; ``--rebuild`` indexes every article afresh. The
syntax (AND, ``OR``, ``NOT``, ``"phrases"``, ``prefix*``) is :mod:`newsgraph.search.syntax`'s;
``--format json`` writes what ``/api/search`` answers. Tested in tests/test_search.py.
"""

from __future__ import annotations

import argparse
import json
import time

from newsgraph.cli import listing
from newsgraph.cli.common import add_store_flags, console, out, settings_from
from newsgraph.errors import QueryError
from newsgraph.resolve import entity_iri, topic_iri
from newsgraph.search import finding
from newsgraph.store import open_store

COLUMNS = ("rank", "score", "article", "date", "headline", "snippet")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "search", help="full-text search: articles holding some words, best first (BM25)"
    )
    parser.add_argument(
        "words", nargs="?", help='the search: words ANDed, OR, NOT word, "a phrase", prefix*'
    )
    parser.add_argument("--since", help="published on or after (YYYY-MM-DD or date-time)")
    parser.add_argument("--until", help="published on or before (YYYY-MM-DD or date-time)")
    parser.add_argument("--entity", help="only articles mentioning this entity (IRI or name)")
    parser.add_argument("--topic", help="only articles about this topic (IRI or name)")
    parser.add_argument("--lang", help="only articles in this language (en, de, …)")
    parser.add_argument("--limit", type=int, default=10, help="at most this many (0: all)")
    parser.add_argument("--offset", type=int, default=0, help="skip this many first")
    parser.add_argument("--format", "-f", choices=listing.FORMATS, default="table")
    parser.add_argument(
        "--rebuild", action="store_true", help="index every article of the store afresh"
    )
    add_store_flags(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.rebuild:
        return _rebuild(settings)
    if not args.words:
        raise QueryError("give the words to search for (or --rebuild)")
    started = time.perf_counter()
    with open_store(settings) as store:
        search = finding.Search(
            text=args.words,
            since=finding.day_bound(args.since, end=False),
            until=finding.day_bound(args.until, end=True),
            entity=entity_iri(store, args.entity) if args.entity else None,
            topic=topic_iri(store, args.topic, settings.minter) if args.topic else None,
            lang=args.lang,
            limit=args.limit,
            offset=args.offset,
        )
        found = finding.find(store, finding.index_of(store), search)
    if args.format == "json":
        out.print(json.dumps(finding.as_json(search, found), ensure_ascii=False, indent=2),
                  markup=False, highlight=False)  # fmt: skip
        return 0
    rows: list[dict[str, object]] = [
        {
            "rank": search.offset + number,
            "score": round(hit.score, 3),
            "article": hit.iri,
            "date": hit.date.date().isoformat() if hit.date else None,
            "headline": hit.headline,
            "snippet": finding.plain(hit.snippet),
        }
        for number, hit in enumerate(found.hits, start=1)
    ]
    listing.write(listing.Listing(COLUMNS, rows), args.format)
    if args.format == "table":
        seconds = time.perf_counter() - started
        console.print(f"{len(rows)} of {found.total} articles in {seconds:.2f} s", markup=False)
    return 0


def _rebuild(settings: object) -> int:
    started = time.perf_counter()
    with open_store(settings, write=True, what="newsgraph search --rebuild") as store:  # type: ignore[arg-type]
        rebuild = getattr(store, "rebuild_search", None)
        if rebuild is None:
            raise QueryError("--rebuild needs a store on disk (NEWSGRAPH_STORE names a directory)")
        count = rebuild()
    console.print(
        f"indexed {count} articles in {time.perf_counter() - started:.2f} s", markup=False
    )
    return 0
