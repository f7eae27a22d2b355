"""Ingest: ``newsgraph ingest`` (validation, mapping, linking, on-disk store) against the floor
(pyoxigraph's bulk loader on the same quads) and the peer (rdflib parsing them into memory)."""

from __future__ import annotations

import shutil
import statistics

from bench import floor
from bench.context import Context
from bench.measure import Sample
from bench.report import Figure

__all__ = ["run"]


def run(ctx: Context) -> list[Figure]:
    runs = ctx.options.runs
    seconds, peaks = Sample(), Sample()
    floor_seconds, floor_peaks = Sample(), Sample()
    summary: dict = {}
    for index in range(runs):
        # Each newsgraph run is followed by a floor run, so that the two see the same load.
        path = ctx.workdir / f"ingest-{index}"
        summary = ctx.ingest(path)
        seconds.add(summary["seconds"])
        peaks.add(summary["peak_rss"])
        if index == 0:
            ctx.adopt_store(path, summary)
        else:
            shutil.rmtree(path, ignore_errors=True)
        loaded = floor.bulk_load(ctx.nquads(), ctx.workdir / "floor-store")
        floor_seconds.add(loaded["seconds"])
        floor_peaks.add(loaded["peak_rss"])
    articles = summary["articles"]
    triples = ctx.store_stats()["triples"]
    # A rate ratio is the inverse ratio of the seconds, run by run.
    paired = statistics.median(
        f / s for f, s in zip(floor_seconds.values, seconds.values, strict=True)
    )

    peer_seconds = peer_peak = None
    notes = []
    if ctx.peer_server() is not None:
        peer_seconds = ctx.facts["peer_load"]["seconds"]
        peer_peak = ctx.facts["peer_load"]["peak_rss"]
        notes.append("peer: one load")
    else:
        notes.append(ctx.facts.get("peer_failed", "peer not run"))

    def rates(count: int) -> tuple[float, tuple[float, float]]:
        values = [count / s for s in seconds.values]
        return count / seconds.median, (min(values), max(values))

    article_rate, article_spread = rates(articles)
    triple_rate, triple_spread = rates(triples)
    per = f"{articles:,} articles, {triples:,} triples"
    return [
        Figure("ingest", "articles/s (linking included)", article_rate, "articles/s", True,
               article_spread, articles / floor_seconds.median,
               articles / peer_seconds if peer_seconds else None,
               [per, "× floor: median of run-by-run ratios", *notes], paired),
        Figure("ingest", "triples/s", triple_rate, "triples/s", True, triple_spread,
               triples / floor_seconds.median, triples / peer_seconds if peer_seconds else None,
               paired_floor=paired),
        Figure("ingest", "peak memory (process tree)", peaks.median, "bytes", False, peaks.spread,
               floor_peaks.median, peer_peak, ["peer: after loading, in memory"]),
        Figure("ingest", "compaction after the ingest", ctx.facts["compact_seconds"], "s", False,
               notes=["`newsgraph compact`, one run; a server does it once writes pause; "
                      "the other parts read the compacted store"]),
    ]  # fmt: skip
