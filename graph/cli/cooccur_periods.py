"""``newsgraph cooccur --period KIND``: the network per period (:mod:`graph.cooccurrence.dynamic`).

The table, CSV and TSV list one row per pair and period (``period`` and the columns of
``newsgraph cooccur``'s CSV; the table the ``--top`` strongest of each period, 25 unless told);
JSON gives the periods with their edges; GEXF the dynamic graph Gephi's timeline plays. GraphML
has no time, so it is refused. ``--materialize`` writes the whole window's network and every
period's edges (:func:`graph.cooccurrence.materialize.materialize_periods`). Tested in
tests/test_dynamic.py.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from newsgraph.cli import listing
from newsgraph.cli.common import console
from newsgraph.errors import QueryError
from newsgraph.settings import Settings
from newsgraph.store.base import Store

if TYPE_CHECKING:
    from newsgraph.cooccurrence.dynamic import DynamicNetwork
    from newsgraph.cooccurrence.network import NetworkOptions

#: The columns of a row per pair and period.
PERIOD_COLUMNS = ("period", "source", "target", "source_name", "target_name", "count", "npmi",
                  "jaccard", "source_count", "target_count", "disparity")  # fmt: skip
#: The rows of each period the table shows unless --top says otherwise.
TABLE_TOP = 25


def run(store: Store, options: NetworkOptions, args: argparse.Namespace, settings: Settings) -> int:
    from newsgraph.cooccurrence.dynamic import build_dynamic

    if args.format == "graphml":
        raise QueryError("--period: GraphML has no time; use gexf, json, csv, tsv or table")
    if args.nodes:
        raise QueryError("--period lists pairs; an entity's articles per period: newsgraph trends")
    if args.chart:
        raise QueryError("--period: --chart draws one window (or, with --with, a pair)")
    network = build_dynamic(store, options, args.period)
    if args.materialize:
        from newsgraph.cooccurrence.materialize import materialize_periods
        from newsgraph.cooccurrence.network import build_network

        whole = build_network(store, options, analysed=False)
        graph = args.graph or settings.minter.cooccurrence_graph
        written = materialize_periods(store, whole, network, graph, settings.minter)
        console.print(f"wrote {written} quads into the graph <{graph}>", markup=False)
    top = args.top if args.top is not None else (TABLE_TOP if args.format == "table" else 0)
    if top < 0:
        raise QueryError(f"--top {top}: must be 0 (all) or more")
    _output(network, args, top)
    console.print(network.summary(), markup=False)
    return 0


def _rows(network: DynamicNetwork, top: int) -> list[dict[str, Any]]:
    from newsgraph.cooccurrence.dynamic import period_rows

    rows = period_rows(network)
    if not top:
        return rows
    seen: dict[str, int] = {}
    kept = []
    for row in rows:
        seen[row["period"]] = seen.get(row["period"], 0) + 1
        if seen[row["period"]] <= top:
            kept.append(row)
    return kept


def _output(network: DynamicNetwork, args: argparse.Namespace, top: int) -> None:
    from newsgraph.cli.cooccur import _destination, _write_table, _write_text

    if args.format == "gexf":
        from newsgraph.cooccurrence.dynamic import dynamic_graph
        from newsgraph.cooccurrence.formats import write_gexf

        with _destination(args.out) as handle:
            write_gexf(dynamic_graph(network), handle)
    elif args.format == "json":
        from newsgraph.cooccurrence.dynamic import dynamic_json

        text = json.dumps(dynamic_json(network, top=top), indent=2, ensure_ascii=False) + "\n"
        _write_text(text, args.out)
    elif args.format == "table":
        rows = [{**row, "npmi": f"{row['npmi']:.3f}", "jaccard": f"{row['jaccard']:.3f}"}
                for row in _rows(network, top)]  # fmt: skip
        columns = ("period", "source_name", "target_name", "count", "npmi", "jaccard")
        title = f"co-occurrence by {network.options.weight}, per {network.kind}"
        caption = (
            f"the {top} strongest edges of each {network.kind}: --top 0 shows all" if top else None
        )
        _write_table(listing.table(listing.Listing(
            columns, rows, headings=("period", "entity", "entity", "count", "npmi", "jaccard"),
            title=title, caption=caption,
        )), args.out)  # fmt: skip
    else:
        _write_text(listing.text(listing.Listing(PERIOD_COLUMNS, _rows(network, top)), args.format),
                    args.out)  # fmt: skip
