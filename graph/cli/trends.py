"""``newsgraph trends``: per period, the entities whose share of articles rose most against their past.

newsgraph trends --period month --top 5                      # the five risers of every month
newsgraph trends --since 1987-03 --until 1987-06 --type Country --format csv
newsgraph trends --entity Iran --period week                 # one entity's weeks, bursts marked

The statistic (a z-score of the share against a trailing window of ``--history`` periods) is
defined in :mod:`graph.cooccurrence.trends` and docs/cooccurrence.md; periods are days, ISO weeks
or months in UTC (:mod:`graph.cooccurrence.periods`). Every format is written by
:mod:`graph.cli.listing`. Tested in tests/test_trends.py (against an independent count by SPARQL
on Reuters-21578) and tests/test_trends_cli.py.
"""

from __future__ import annotations

import argparse
import time

from newsgraph.cli import listing
from newsgraph.cli.common import add_store_flags, console, settings_from
from newsgraph.cooccurrence.periods import KINDS
from newsgraph.cooccurrence.window import Window, parse_bound
from newsgraph.store import open_store

#: The columns the table shows of a trend list and of a timeline.
TABLE = ("period", "name", "type", "articles", "period_articles", "share", "baseline", "score")
TIMELINE_TABLE = ("period", "articles", "period_articles", "share", "score", "burst")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "trends",
        help="rising entities: per period, the entities whose share of articles rose most",
        description="Per day, ISO week or month (UTC), the entities whose share of the period's "
        "articles rose most against their own trailing window: score = (share − past mean) / "
        "√(past variance + p̂(1−p̂)/N), p̂ the smoothed past rate (docs/cooccurrence.md).",
    )
    parser.add_argument("--since", metavar="DATE", help="the first period reported (its start)")
    parser.add_argument("--until", metavar="DATE", help="the last period reported (inclusive)")
    parser.add_argument("--period", choices=KINDS, default="month", help="day, week or month")
    parser.add_argument("--topic", metavar="IRI|NAME", help="only articles about this topic")
    parser.add_argument(
        "--type", dest="entity_type", metavar="TYPE",
        help="only entities of this type (Person, schema:Country or an IRI)",
    )  # fmt: skip
    parser.add_argument("--top", type=int, default=10, metavar="N",
                        help="the N risers of each period (10); 0 = every riser")  # fmt: skip
    parser.add_argument("--min-count", type=int, default=3, metavar="N",
                        help="only entities in at least N of the period's articles (3)")  # fmt: skip
    parser.add_argument("--history", type=int, metavar="N",
                        help="periods in the trailing window (28 days, 8 weeks, 6 months)")  # fmt: skip
    parser.add_argument("--entity", metavar="IRI|NAME",
                        help="one entity's articles per period, its score and bursts instead")  # fmt: skip
    parser.add_argument("--burst", type=float, default=2.0, metavar="Z",
                        help="with --entity: the score from which a period is a burst (2)")  # fmt: skip
    parser.add_argument("--format", "-f", choices=listing.FORMATS, default="table")
    add_store_flags(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from newsgraph import resolve
    from newsgraph.cooccurrence import labels, trends

    settings = settings_from(args)
    options = trends.TrendOptions(kind=args.period, history=args.history,
                                  min_count=args.min_count, top=args.top, burst=args.burst)  # fmt: skip
    started = time.perf_counter()
    with open_store(settings, what="newsgraph trends") as store:
        window = Window(
            since=parse_bound(args.since) if args.since else None,
            until=parse_bound(args.until, end=True) if args.until else None,
            topic=resolve.topic_iri(store, args.topic, settings.minter) if args.topic else None,
            entity_type=resolve.type_iri(store, args.entity_type) if args.entity_type else None,
        )
        if args.entity:
            entity = resolve.entity_iri(store, args.entity)
            rows = trends.timeline(store, entity, window, options)
            name = labels(store, [entity])[entity][0]
            _write(rows, trends.TIMELINE_COLUMNS, TIMELINE_TABLE, args.format,
                   f"{name}: articles per {args.period}")  # fmt: skip
            bursts = sum(row["burst"] for row in rows)
            console.print(f"{sum(r['articles'] for r in rows)} articles over {len(rows)} "
                          f"{args.period}s, {bursts} bursts, {time.perf_counter() - started:.2f} s",
                          markup=False)  # fmt: skip
            return 0
        found = trends.trends(store, window, options)
    _write(found.rows, trends.COLUMNS, TABLE, args.format,
           f"rising entities per {args.period} (history {options.periods_back})")  # fmt: skip
    console.print(f"{sum(found.totals)} articles over {len(found.periods)} {args.period}s, "
                  f"{len(found.rows)} risers, {time.perf_counter() - started:.2f} s",
                  markup=False)  # fmt: skip
    return 0


def _write(rows: list[dict[str, object]], columns: tuple[str, ...], shown: tuple[str, ...],
           fmt: str, title: str) -> None:  # fmt: skip
    if fmt != "table":
        listing.write(listing.Listing(columns, rows), fmt)
        return
    printed = [
        {key: (f"{value:.4f}" if isinstance(value, float) else value) for key, value in row.items()}
        for row in rows
    ]
    listing.write(listing.Listing(shown, printed, title=title), fmt)
