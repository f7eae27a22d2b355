"""Co-occurrence: the whole network of the store, as ``newsgraph cooccur`` builds it.

newsgraph streams the article–entity list and counts pairs in Python (``graph/cooccurrence/__init__.py``);
the floor is raw pyoxigraph evaluating the pair-count query (SPARQL GROUP BY) in-process on the
same snapshot; the peer is rdflib-endpoint asked the same query, under the time limit. The
floor and the peer only count pairs, so they are a lower bound of what the network costs them.

The network with communities is what ``newsgraph cooccur --top 5000`` (and the HTTP API, on a
snapshot it has not analysed yet) does: the whole network counted and analysed (PageRank,
betweenness, Louvain), then cut to its 5,000 strongest edges (``graph/cooccurrence/shown.py``) —
``--top`` chooses what is shown, never what is analysed.
"""

from __future__ import annotations

import time

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.cooccurrence.network import NetworkOptions, build_network
from newsgraph.cooccurrence.shown import shown
from newsgraph.store import EmbeddedStore

from bench import floor
from bench.context import Context
from bench.measure import repeat
from bench.parts.queries import peer_seconds
from bench.report import Figure

__all__ = ["run"]


def pair_count_query() -> str:
    """The whole graph's pair counts, every pair kept (what the floor and the peer run)."""
    return queries.bind("cooccurrence-pairs", {"minCount": ox.Literal("1", datatype=_INTEGER)})


_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
#: The fewest builds of each network: the first build of a run often finds the store out of the
#: page cache and takes two or three times as long as the next; a median of three builds moved
#: by a third with it (5.3 s in a whole run, 3.7 s in a run of this part alone).
NETWORK_RUNS = 5
#: The edges ``--top`` shows of the analysed network.
SHOWN = 5_000


def run(ctx: Context) -> list[Figure]:
    runs = max(ctx.options.runs, NETWORK_RUNS)
    found: dict[str, str] = {}
    with EmbeddedStore(ctx.store()) as store:

        def edges() -> float:
            built = build_network(store, NetworkOptions(), analysed=False)
            found["edges"] = (
                f"{built.graph.number_of_nodes():,} entities, {built.graph.number_of_edges():,} edges"
            )
            return built.seconds

        def communities() -> float:
            started = time.perf_counter()
            built = build_network(store, NetworkOptions())
            part = shown(built, SHOWN)
            seconds = time.perf_counter() - started
            found["communities"] = (
                f"{built.graph.graph.get('communities', 0)} communities of the whole network; "
                f"{part.graph.number_of_edges():,} edges shown"
            )
            return seconds

        whole = repeat(edges, runs)
        analysed = repeat(communities, runs)
    query = pair_count_query()
    reader = ox.Store.read_only(str(ctx.snapshot()))
    base = floor.query_seconds(reader, query, 1)  # one timed run: it takes tens of seconds
    del reader
    peer, note = peer_seconds(ctx, query, last=True, count=1)
    return [
        Figure("cooccur", "whole network (all pairs counted)", whole.median, "s", False,
               whole.spread, base[0], peer[0] if peer else None,
               [found["edges"], f"{runs} builds", "floor: pair counts by SPARQL GROUP BY, one run", note]),
        Figure("cooccur", "network with communities (whole network analysed, top 5,000 edges "
               "shown)", analysed.median, "s", False, analysed.spread, None, None,
               [found["communities"], "PageRank, betweenness (approximate), Louvain"]),
    ]  # fmt: skip
