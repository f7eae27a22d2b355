"""``newsgraph cooccur``: who is mentioned with whom — a network, an ego network or a pair's months.

newsgraph cooccur --top 20                                  # the strongest pairs
newsgraph cooccur --entity Kazakhstan --weight npmi         # an ego network
newsgraph cooccur --since 1987-03 --until 1987-04 --format gexf --out march-april.gexf
newsgraph cooccur --entity usa --with japan --chart usa-japan.png   # co-mentions per month
newsgraph cooccur --min-count 5 --materialize               # edges into a named graph
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from rich.table import Table

from graph.analysis.edges import WEIGHTS
from graph.analysis.window import Window, parse_bound
from graph.cli.common import add_store_flags, console, is_terminal, out, settings_from
from graph.cooccurrence import METHODS
from graph.errors import QueryError
from graph.store import open_store
from graph.store.base import Store

if TYPE_CHECKING:
    from graph.analysis.network import Network

#: The same as graph.analysis.formats.FORMATS (checked by a test), without importing networkx
#: and matplotlib into every newsgraph command.
FORMATS = ("table", "csv", "json", "gexf", "graphml")
TABLE_TOP = 25
TABLE_ROWS = 50


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
    parser.add_argument("--top", type=int, metavar="N", help=f"keep the N strongest edges; 0 = all "
                        f"(default: {TABLE_TOP} for the table, all otherwise)")  # fmt: skip
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
                        help="write the edges into a named graph (see --graph)")  # fmt: skip
    parser.add_argument("--graph", metavar="IRI",
                        help="the graph --materialize replaces (default {base}graph/cooccurrence)")  # fmt: skip
    parser.add_argument("--method", choices=METHODS, default="auto",
                        help="count by streaming (embedded store) or SPARQL GROUP BY (remote)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=42, help="seed of Louvain and sampling (42)")
    add_store_flags(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from graph.analysis import formats, resolve
    from graph.analysis.materialize import materialize
    from graph.analysis.network import NetworkOptions, build_network

    settings = settings_from(args)
    if args.other and not args.entity:
        raise QueryError("--with needs --entity: the pair is --entity and --with")
    if args.chart and not args.chart.lower().endswith(".png"):
        raise QueryError(f"--chart {args.chart!r}: the chart is a PNG file (name it .png)")
    with open_store(settings, write=args.materialize) as store, _working("counting"):
        window = _window(store, args, settings.minter)
        entity = resolve.entity_iri(store, args.entity) if args.entity else None
        if args.other:
            assert entity is not None
            return _pair(store, args, entity, resolve.entity_iri(store, args.other), window)
        fmt = args.format
        top = args.top if args.top is not None else (TABLE_TOP if fmt == "table" else 0)
        options = NetworkOptions(
            entity=entity, window=window, min_count=args.min_count, top=top,
            weight=args.weight, method=args.method, backbone=args.backbone, seed=args.seed,
        )  # fmt: skip
        network = build_network(store, options, analysed=fmt != "csv" or args.nodes)
        if args.materialize:
            graph = args.graph or settings.minter.cooccurrence_graph
            written = materialize(store, network, graph, settings.minter)
            console.print(f"wrote {written} quads into the graph <{graph}>", markup=False)
    _output(network, args)
    if args.chart:
        from graph.analysis import chart

        with open(args.chart, "wb") as handle:
            chart.edges_chart(formats.edge_rows(network), args.weight, handle)
    console.print(network.summary(), markup=False)
    return 0


def _window(store: Store, args: argparse.Namespace, iris: Any) -> Window:
    from graph.analysis import resolve

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


def _output(network: Network, args: argparse.Namespace) -> None:
    from graph.analysis import formats

    if args.format != "table":
        with _destination(args.out) as handle:
            formats.write(network, args.format, handle, nodes=args.nodes)
        return
    table = _node_table(network) if args.nodes else _edge_table(network)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            from rich.console import Console

            Console(file=handle, width=160, highlight=False).print(table)
    else:
        out.print(table)


def _edge_table(network: Network) -> Table:
    from graph.analysis import formats

    ego = network.options.entity
    rows = formats.edge_rows(network)
    if ego:
        rows = [row for row in rows if ego in (row["source"], row["target"])]
        table = Table("with", "count", "npmi", "jaccard", "articles", title=_title(network))
    else:
        table = Table("entity", "entity", "count", "npmi", "jaccard", title=_title(network))
    for row in rows[:TABLE_ROWS]:
        measures = [str(row["count"]), f"{row['npmi']:.3f}", f"{row['jaccard']:.3f}"]
        if ego:
            side = "target" if row["source"] == ego else "source"
            table.add_row(row[f"{side}_name"], *measures, str(row[f"{side}_count"]))
        else:
            table.add_row(row["source_name"], row["target_name"], *measures)
    if len(rows) > TABLE_ROWS:
        table.caption = f"… and {len(rows) - TABLE_ROWS} more (--top, or --format csv)"
    return table


def _node_table(network: Network) -> Table:
    from graph.analysis import formats

    rows = sorted(formats.node_rows(network), key=lambda r: (-r["pagerank"], r["entity"]))
    table = Table("entity", "type", "articles", "degree", "strength", "pagerank",
                  "betweenness", "community", title=_title(network))  # fmt: skip
    for row in rows[:TABLE_ROWS]:
        table.add_row(row["name"], row["type"], str(row["articles"]), str(row["degree"]),
                      f"{row['strength']:g}", f"{row['pagerank']:.4f}",
                      f"{row['betweenness']:.4f}", str(row["community"]))  # fmt: skip
    if len(rows) > TABLE_ROWS:
        table.caption = f"… and {len(rows) - TABLE_ROWS} more (--format csv)"
    return table


def _title(network: Network) -> str:
    window = network.options.window.describe()
    bounds = [f"{key} {value}" for key, value in window.items() if value]
    return f"co-occurrence by {network.options.weight}" + (
        f" ({', '.join(bounds)})" if bounds else ""
    )


def _pair(store: Store, args: argparse.Namespace, source: str, target: str, window: Window) -> int:
    from graph.analysis import timeseries
    from graph.cooccurrence import labels, pair_months

    if source == target:
        raise QueryError("--entity and --with name the same entity")
    first, last = timeseries.window_months(window)
    rows = timeseries.monthly_series(pair_months(store, source, target, window), first=first,
                                     last=last)  # fmt: skip
    names = labels(store, [source, target])
    source_name, target_name = names[source][0], names[target][0]
    if args.format == "table":
        table = Table("month", "both", source_name, target_name,
                      title=f"{source_name} and {target_name}: articles per month")  # fmt: skip
        for row in rows:
            table.add_row(row["month"], str(row["count"]), str(row["source"]), str(row["target"]))
        out.print(table)
    elif args.format in ("csv", "json"):
        with _destination(args.out) as handle:
            handle.write(_pair_text(rows, args.format, source, target).encode("utf-8"))
    else:
        raise QueryError(f"--format {args.format}: a pair's months are a table, csv or json")
    if args.chart:
        from graph.analysis import chart

        with open(args.chart, "wb") as handle:
            chart.pair_chart(rows, source_name, target_name, handle)
    total = sum(row["count"] for row in rows)
    console.print(f"{total} articles mention both, over {len(rows)} months", markup=False)
    return 0


def _pair_text(rows: list[dict[str, Any]], fmt: str, source: str, target: str) -> str:
    if fmt == "json":
        return json.dumps({"source": source, "target": target, "months": rows}, indent=2) + "\n"
    lines = ["month,count,source_count,target_count"]
    lines += [f"{r['month']},{r['count']},{r['source']},{r['target']}" for r in rows]
    return "\r\n".join(lines) + "\r\n"
