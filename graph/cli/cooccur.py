"""``newsgraph cooccur``: who is mentioned with whom — a network, an ego network or a pair's months.

newsgraph cooccur --top 20                                  # the strongest pairs
newsgraph cooccur --nodes --top 0                           # every entity, most central first
newsgraph cooccur --entity Kazakhstan --weight npmi         # an ego network
newsgraph cooccur --since 1987-03 --until 1987-04 --format gexf --out march-april.gexf
newsgraph cooccur --entity usa --with japan --chart usa-japan.png   # co-mentions per month
newsgraph cooccur --min-count 5 --materialize               # edges into a named graph
newsgraph cooccur --period month --format gexf --out months.gexf   # the network as it changes
newsgraph cooccur --entity usa --with japan --period week   # a pair's weeks, first and last

One store, one window and the options that shape the network (``--entity``, ``--type``,
``--min-count``, ``--weight``, ``--backbone``) give one analysed network, and the same numbers in
every format: ``--top`` and the table's default of 25 rows only choose what is shown
(:mod:`graph.cooccurrence.shown`), and the table says how many rows it leaves out. The summary line
describes the whole network. Tested in tests/test_cooccur_top.py.

The table, CSV and TSV are written by :mod:`graph.cli.listing` (a piped table never cuts a cell;
tests/test_cli_formats.py); JSON, GEXF and GraphML by :mod:`graph.cooccurrence.formats`.

``--period day|week|month`` makes one network per period (:mod:`graph.cooccurrence.dynamic`):
the table, CSV and TSV one row per pair and period, JSON the periods, GEXF a dynamic graph; with
``--materialize`` the periods' edges go into the graph too. With ``--with`` it gives the pair's
count per period (periods in UTC, :mod:`graph.cooccurrence.periods`). Tested in
tests/test_dynamic.py and tests/test_dynamic_reuters.py.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from newsgraph.cli import listing
from newsgraph.cli.common import add_store_flags, console, is_terminal, settings_from
from newsgraph.cooccurrence import METHODS
from newsgraph.cooccurrence.edges import WEIGHTS
from newsgraph.cooccurrence.periods import KINDS
from newsgraph.cooccurrence.window import Window, parse_bound
from newsgraph.errors import QueryError
from newsgraph.store import open_store
from newsgraph.store.base import Store
from rich.table import Table

if TYPE_CHECKING:
    from newsgraph.cooccurrence.network import Network

#: graph.cooccurrence.formats.FORMATS and graph.cli.listing.FORMATS (checked by a test), without
#: importing networkx and matplotlib into every newsgraph command.
FORMATS = ("table", "csv", "tsv", "json", "gexf", "graphml")
#: The formats graph.cli.listing writes; the others are graph.cooccurrence.formats'.
LISTED = ("table", "csv", "tsv")
#: The rows the table shows unless --top says otherwise.
TABLE_TOP = 25
#: The formats whose output holds the node metrics: the others leave the analysis out.
ANALYSED = ("json", "gexf", "graphml")
#: The columns of a pair's months in the table, CSV and TSV.
PAIR_COLUMNS = ("month", "count", "source_count", "target_count")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "cooccur",
        help="entity co-occurrence: the network, an ego network, a pair's months",
        description="Count which entities are mentioned in the same articles and analyse the "
        "network (weighted degree, PageRank, betweenness, Louvain communities, disparity "
        "backbone). N counts the articles of the window that mention at least one entity.",
    )
    parser.add_argument("--entity", metavar="IRI|NAME", help="the ego network of this entity")
    parser.add_argument(
        "--with", dest="other", metavar="IRI|NAME",
        help="with --entity: the pair's co-mentions per month",
    )  # fmt: skip
    parser.add_argument("--since", metavar="DATE", help="earliest datePublished (inclusive)")
    parser.add_argument(
        "--until", metavar="DATE", help="latest datePublished (inclusive; a date means all of it)"
    )
    parser.add_argument("--topic", metavar="IRI|NAME", help="only articles about this topic")
    parser.add_argument(
        "--type", dest="entity_type", metavar="TYPE", help="only entities of this type "
        "(Person, schema:Country or an IRI)",
    )  # fmt: skip
    parser.add_argument("--min-count", type=int, default=1, metavar="N",
                        help="keep pairs mentioned together in at least N articles (1)")  # fmt: skip
    parser.add_argument(
        "--top", type=int, metavar="N", help="show the N strongest edges (with --nodes the N "
        "entities of highest PageRank; with --entity the N strongest neighbours and the edges "
        f"among them); 0 = all (default: {TABLE_TOP} for the table, all otherwise). Only what "
        "is shown: every number is that of the whole network",
    )  # fmt: skip
    parser.add_argument("--weight", choices=WEIGHTS, default="count",
                        help="the measure that ranks and weighs edges (count)")  # fmt: skip
    parser.add_argument("--format", "-f", choices=FORMATS, default="table")
    parser.add_argument("--out", "-o", metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument("--nodes", action="store_true",
                        help="list the entities with their metrics instead of the edges")  # fmt: skip
    parser.add_argument("--backbone", type=float, metavar="ALPHA",
                        help="keep only the edges the disparity filter finds significant at ALPHA")  # fmt: skip
    parser.add_argument("--chart", metavar="FILE.png",
                        help="also draw a PNG: the pair's months with --with, else the top edges")  # fmt: skip
    parser.add_argument("--materialize", action="store_true",
                        help="write the network's edges, all of them whatever --top, into a named graph "
                        "(see --graph)")  # fmt: skip
    parser.add_argument("--graph", metavar="IRI",
                        help="the graph --materialize replaces (default {base}graph/cooccurrence)")  # fmt: skip
    parser.add_argument(
        "--period", choices=KINDS, help="one network per day, ISO week or month (UTC): a row per "
        "pair and period, or a dynamic GEXF; with --with, the pair's count per period",
    )  # fmt: skip
    parser.add_argument("--method", choices=METHODS, default="auto",
                        help="count by streaming the article-entity lists (auto: every store) or by the engine's SPARQL GROUP BY")  # fmt: skip
    parser.add_argument("--seed", type=int, default=42, help="seed of Louvain and sampling (42)")
    add_store_flags(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from newsgraph import resolve
    from newsgraph.cooccurrence import formats
    from newsgraph.cooccurrence.materialize import materialize
    from newsgraph.cooccurrence.network import NetworkOptions, build_network
    from newsgraph.cooccurrence.shown import check_top, shown

    settings = settings_from(args)
    if args.other and not args.entity:
        raise QueryError("--with needs --entity: the pair is --entity and --with")
    if args.chart and not args.chart.lower().endswith(".png"):
        raise QueryError(f"--chart {args.chart!r}: the chart is a PNG file (name it .png)")
    top = check_top(_top(args))
    with (
        open_store(settings, write=args.materialize, what="newsgraph cooccur") as store,
        _working("counting"),
    ):
        window = _window(store, args, settings.minter)
        entity = resolve.entity_iri(store, args.entity) if args.entity else None
        if args.other:
            assert entity is not None
            return _pair(store, args, entity, resolve.entity_iri(store, args.other), window)
        options = NetworkOptions(
            entity=entity, window=window, min_count=args.min_count, top=0,
            weight=args.weight, method=args.method, backbone=args.backbone, seed=args.seed,
        )  # fmt: skip
        if args.period:
            from newsgraph.cli import cooccur_periods

            return cooccur_periods.run(store, options, args, settings)
        analysed = args.nodes or args.format in ANALYSED
        network = build_network(store, options, analysed=analysed)
        if args.materialize:
            graph = args.graph or settings.minter.cooccurrence_graph
            written = materialize(store, network, graph, settings.minter)
            console.print(f"wrote {written} quads into the graph <{graph}>", markup=False)
    part = shown(network, top, nodes=args.nodes)
    _output(network, part, args)
    if args.chart:
        from newsgraph.cooccurrence import chart

        with open(args.chart, "wb") as handle:
            chart.edges_chart(formats.edge_rows(part), args.weight, handle)
    console.print(_summary(network, part), markup=False)
    return 0


def _top(args: argparse.Namespace) -> int:
    """The rows to show: --top, else the table's default, else all."""
    if args.top is not None:
        return int(args.top)
    return TABLE_TOP if args.format == "table" else 0


def _summary(network: Network, part: Network) -> str:
    """The whole network's summary, then what of it is shown when that is less."""
    text = network.summary()
    if part is network:
        return text
    nodes, edges = part.graph.number_of_nodes(), part.graph.number_of_edges()
    return f"{text}; shown: {nodes} entities, {edges} edges (--top {part.options.top})"


def _window(store: Store, args: argparse.Namespace, iris: Any) -> Window:
    from newsgraph import resolve

    return Window(
        since=parse_bound(args.since) if args.since else None,
        until=parse_bound(args.until, end=True) if args.until else None,
        topic=resolve.topic_iri(store, args.topic, iris) if args.topic else None,
        entity_type=resolve.type_iri(store, args.entity_type) if args.entity_type else None,
    )


@contextlib.contextmanager
def _working(what: str) -> Iterator[None]:
    """A spinner on a terminal while the store is counted; nothing otherwise."""
    if not is_terminal():
        yield
        return
    with console.status(what):
        yield


@contextlib.contextmanager
def _destination(path: str | None) -> Iterator[IO[bytes]]:
    if path is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with open(path, "wb") as handle:
        yield handle


def _output(network: Network, part: Network, args: argparse.Namespace) -> None:
    """Write ``part`` (what --top shows of ``network``) in the format asked for."""
    from newsgraph.cooccurrence import formats

    if args.format == "table":
        _write_table(_node_table(network, part) if args.nodes else _edge_table(network, part),
                     args.out)  # fmt: skip
    elif args.format in LISTED:
        rows, columns = (
            (formats.node_rows(part), formats.NODE_COLUMNS) if args.nodes
            else (formats.edge_rows(part), formats.EDGE_COLUMNS)
        )  # fmt: skip
        _write_text(listing.text(listing.Listing(columns, rows), args.format), args.out)
    else:
        with _destination(args.out) as handle:
            formats.write(part, args.format, handle, nodes=args.nodes)


def _write_table(table: Table, path: str | None) -> None:
    """A table to the file at ``path``, else to standard output (never cut: graph.cli.listing)."""
    if path is None:
        listing.print_table(table)
        return
    with open(path, "w", encoding="utf-8") as handle:
        listing.print_table(table, handle)


def _write_text(text: str, path: str | None) -> None:
    with _destination(path) as handle:
        handle.write(text.encode("utf-8"))


def _edge_table(network: Network, part: Network) -> Table:
    """The edges ``part`` shows (an ego network: the ego's), and how many of ``network``'s not."""
    ego = network.options.entity
    rows = _table_edges(part)
    shown = []
    for row in rows:
        measures = {"count": row["count"], "npmi": f"{row['npmi']:.3f}",
                    "jaccard": f"{row['jaccard']:.3f}"}  # fmt: skip
        if ego:
            side = "target" if row["source"] == ego else "source"
            shown.append({"with": row[f"{side}_name"], **measures,
                          "articles": row[f"{side}_count"]})  # fmt: skip
        else:
            shown.append({"source": row["source_name"], "target": row["target_name"], **measures})
    if ego:
        columns = headings = ("with", "count", "npmi", "jaccard", "articles")
    else:
        columns = ("source", "target", "count", "npmi", "jaccard")
        headings = ("entity", "entity", "count", "npmi", "jaccard")
    hidden = len(network.ego_edges) - len(rows)
    return listing.table(
        listing.Listing(columns, shown, headings=headings, title=_title(network),
                        caption=_hidden_caption(hidden, "neighbours" if ego else "edges"))
    )  # fmt: skip


def _table_edges(network: Network) -> list[dict[str, Any]]:
    """The edge rows a table lists: all, or of an ego network the ego's own."""
    from newsgraph.cooccurrence import formats

    rows = formats.edge_rows(network)
    ego = network.options.entity
    return [row for row in rows if ego in (row["source"], row["target"])] if ego else rows


def _node_table(network: Network, part: Network) -> Table:
    """The entities ``part`` shows, most central first, and how many of ``network``'s not."""
    from newsgraph.cooccurrence import formats

    rows = sorted(formats.node_rows(part), key=lambda r: (-r["pagerank"], r["entity"]))
    shown = [
        {**row, "strength": f"{row['strength']:g}", "pagerank": f"{row['pagerank']:.4f}",
         "betweenness": f"{row['betweenness']:.4f}"}
        for row in rows
    ]  # fmt: skip
    columns = ("name", "type", "articles", "degree", "strength", "pagerank", "betweenness",
               "community")  # fmt: skip
    return listing.table(
        listing.Listing(
            columns, shown, headings=("entity", *columns[1:]), title=_title(network),
            caption=_hidden_caption(network.graph.number_of_nodes() - len(rows), "entities"),
        )
    )  # fmt: skip


def _hidden_caption(hidden: int, what: str) -> str | None:
    """What the table leaves out and how to see it; None when it leaves nothing out."""
    if hidden <= 0:
        return None
    return f"… and {hidden} more {what}: --top 0 shows all, --top N the first N"


def _title(network: Network) -> str:
    window = network.options.window.describe()
    bounds = [f"{key} {value}" for key, value in window.items() if value]
    return f"co-occurrence by {network.options.weight}" + (
        f" ({', '.join(bounds)})" if bounds else ""
    )


def _pair(store: Store, args: argparse.Namespace, source: str, target: str, window: Window) -> int:
    """A pair's months (as datePublished states them) or, with --period, its periods in UTC;
    both with the first and last article mentioning both and the strongest periods."""
    from newsgraph.cooccurrence import labels, pair_months, timeseries
    from newsgraph.cooccurrence.pairtimeline import pair_timeline

    if source == target:
        raise QueryError("--entity and --with name the same entity")
    if args.format not in (*LISTED, "json"):
        raise QueryError(f"--format {args.format}: a pair's periods are a table, csv, tsv or json")
    timeline = pair_timeline(store, source, target, window, args.period or "month")
    names = labels(store, [source, target])
    source_name, target_name = names[source][0], names[target][0]
    if args.period:
        rows = [{"month": row["period"], **row} for row in timeline.rows]  # the chart's key
        key, per = "period", args.period
    else:
        first, last = timeseries.window_months(window)
        rows = timeseries.monthly_series(pair_months(store, source, target, window), first=first,
                                         last=last)  # fmt: skip
        key, per = "month", "month"
    listed = [{key: row["month"], "count": row["count"], "source_count": row["source"],
               "target_count": row["target"]} for row in rows]  # fmt: skip
    columns = (key, *PAIR_COLUMNS[1:])
    if args.format == "table":
        _write_table(listing.table(listing.Listing(
            columns, listed, headings=(key, "both", source_name, target_name),
            title=f"{source_name} and {target_name}: articles per {per}",
            caption=_span_caption(timeline),
        )), args.out)  # fmt: skip
    elif args.format in LISTED:
        _write_text(listing.text(listing.Listing(columns, listed), args.format), args.out)
    else:
        document = timeline.to_json() if args.period else {
            "source": source, "target": target, "months": rows, "first": timeline.first,
            "last": timeline.last, "strongest": _strongest(rows),
        }  # fmt: skip
        document.update(source_name=source_name, target_name=target_name)
        _write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", args.out)
    if args.chart:
        from newsgraph.cooccurrence import chart

        with open(args.chart, "wb") as handle:
            chart.pair_chart(rows, source_name, target_name, handle)
    total = sum(row["count"] for row in rows)
    span = f"; first {timeline.first}, last {timeline.last}" if timeline.first else ""
    console.print(f"{total} articles mention both, over {len(rows)} {per}s{span}", markup=False)
    return 0


def _strongest(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The months with the most co-mentions (ties: the earlier), as the timeline names them."""
    from newsgraph.cooccurrence.pairtimeline import STRONGEST

    ranked = sorted((row for row in rows if row["count"]), key=lambda row: -row["count"])
    return [{"month": row["month"], "count": row["count"]} for row in ranked[:STRONGEST]]


def _span_caption(timeline: Any) -> str | None:
    if not timeline.first:
        return None
    strongest = ", ".join(f"{s['period']} ({s['count']})" for s in timeline.strongest)
    return f"first together {timeline.first}, last {timeline.last}; strongest: {strongest}"
