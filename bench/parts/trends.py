"""Time: rising entities over twelve months, and the monthly network of the whole store.

``trends`` is what ``newsgraph trends --since FIRST --until LAST`` does for the store's last twelve
whole months (its six months of history read too): N and n_x of every month counted in one pass,
the scores, the names of the risers. The issue's target is 2 s at 100k articles.

``dynamic network`` is what ``newsgraph cooccur --period month`` builds before writing: every
month of the whole store counted in one pass over the article–entity lists and each month's
network made (edges ranked, npmi, jaccard, disparity). It is paired, run by run, with the
one-window network (``build_network(..., analysed=False)``: the ``cooccur`` part's "whole
network") built just before it under the same machine load; the figure's "× floor" column is
that ratio inverted (one-window time ÷ monthly time), whose target is at least 1/3: the monthly
network within three times the one-window network.
"""

from __future__ import annotations

import statistics
import time

from newsgraph.cooccurrence.dynamic import build_dynamic
from newsgraph.cooccurrence.network import NetworkOptions, build_network
from newsgraph.cooccurrence.periodcounts import count_periods
from newsgraph.cooccurrence.periods import Period
from newsgraph.cooccurrence.trends import TrendOptions, trends
from newsgraph.cooccurrence.window import Window
from newsgraph.store import EmbeddedStore

from bench.context import Context
from bench.measure import Sample, repeat
from bench.report import Figure

__all__ = ["run", "twelve_months"]

#: Builds of each figure, at least (the first often finds the store out of the page cache).
RUNS = 5


def twelve_months(store: EmbeddedStore) -> Window:
    """The store's last twelve months that end before its last (perhaps partial) month."""
    months = count_periods(store, Window(), "month", pairs=False).periods
    last = months[-2] if len(months) > 1 else months[-1]
    first: Period = last.next(-11)
    return Window(since=first.start, until=last.window().until)


def run(ctx: Context) -> list[Figure]:
    runs = max(ctx.options.runs, RUNS)
    found: dict[str, str] = {}
    with EmbeddedStore(ctx.store()) as store:
        window = twelve_months(store)

        def rising() -> float:
            started = time.perf_counter()
            result = trends(store, window, TrendOptions(kind="month"))
            seconds = time.perf_counter() - started
            found["trends"] = (
                f"{len(result.periods)} months from {result.periods[0].label}, "
                f"{sum(result.totals):,} articles, {len(result.rows)} risers"
            )
            return seconds

        trend_times = repeat(rising, runs)
        single, monthly, ratios = Sample(), Sample(), []
        for _ in range(runs):
            one = build_network(store, NetworkOptions(), analysed=False)
            many = build_dynamic(store, NetworkOptions(), "month")
            single.add(one.seconds)
            monthly.add(many.seconds)
            ratios.append(one.seconds / many.seconds)
            found["dynamic"] = many.summary()
            found["single"] = f"{one.graph.number_of_edges():,} edges in the one-window network"
    return [
        Figure("trends", "rising entities over 12 months", trend_times.median, "s", False,
               trend_times.spread, None, None,
               [found["trends"], f"{runs} runs", "target: 2 s at 100k articles"]),
        Figure("trends", "monthly network of the whole store", monthly.median, "s", False,
               monthly.spread, single.median, None,
               [found["dynamic"], f"floor: the one-window network ({found['single']}), "
                "built before each run; × floor is the median of run-by-run ratios",
                "target: × floor ≥ 0.33 (within 3× the one-window network)"],
               paired_floor=statistics.median(ratios)),
    ]  # fmt: skip
