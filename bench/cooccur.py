"""Benchmark: building and analysing the co-occurrence network, step by step.

Builds (once, cached under ``build/bench/``) an on-disk store of the benchmark corpus
(:mod:`bench.corpus`, the one ``make bench`` measures) and compacts it as a server would, then
times each step of ``newsgraph cooccur`` as the median of several runs with the spread: counting
by streaming the article–entity list, counting by SPARQL GROUP BY, ego networks, the network
analysis (PageRank, betweenness, Louvain, backbone) and the GEXF output. As the command does,
``--top`` only cuts what is shown: the whole network is analysed, then its 5,000 strongest edges
kept (``graph/cooccurrence/shown.py``). The last step is what the HTTP API adds once a snapshot's
network is analysed and kept (``graph/cooccurrence/cache.py``): the cut and its JSON.

    python -m bench.cooccur --articles 100000          # the figures in the note
    python -m bench.cooccur --articles 10000 --runs 3  # a quick look
    python -m bench.cooccur --reuters                   # the Reuters-21578 corpus in ../shared
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench import corpus

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "bench"
CACHE = Path(__file__).resolve().parent / ".cache"
REUTERS = ROOT.parent / "shared" / "data" / "corpus-reuters21578.jsonl"
#: The edges ``--top`` shows of the analysed network.
SHOWN = 5_000


def build_store(articles: int, *, reuters: bool = False) -> Path:
    """The compacted store of the benchmark corpus, ingested once and then reused."""
    from newsgraph.ingest import ingest
    from newsgraph.settings import load_settings
    from newsgraph.store import EmbeddedStore

    name = "cooccur-reuters" if reuters else f"cooccur-{articles}-v{corpus.VERSION}"
    store = BUILD / name
    if (store / "complete").exists():
        return store
    BUILD.mkdir(parents=True, exist_ok=True)
    if reuters:
        source = REUTERS
    else:
        source = CACHE / f"corpus-{articles}-seed1-v{corpus.VERSION}.jsonl.gz"
        if not source.exists():
            corpus.write(source, articles, seed=1)
    settings = load_settings(store=str(store), rejects=str(BUILD / "rejects.jsonl"))
    started = time.perf_counter()
    with EmbeddedStore(store, write=True, base=settings.base) as opened:
        summary = ingest([str(source)], opened, settings)
        opened.compact()
    print(f"built {store}: {summary.line()} ({time.perf_counter() - started:.1f} s)")
    (store / "complete").touch()
    return store


def timed(step: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    times = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - started)
    return times, result


def steps(store_path: Path, heavy_runs: int) -> Iterator[tuple[str, int, Callable[[], Any]]]:
    """(label, runs, step) for each measured step; a step returns what it found, for the table."""
    from newsgraph.cooccurrence import count_ego, count_window, formats
    from newsgraph.cooccurrence.cache import NetworkCache
    from newsgraph.cooccurrence.network import NetworkOptions, build_network
    from newsgraph.cooccurrence.shown import shown
    from newsgraph.cooccurrence.window import Window
    from newsgraph.store import EmbeddedStore

    store = EmbeddedStore(store_path)
    counts = count_window(store, Window())
    ranked = sorted(counts.entities, key=lambda e: (-counts.entities[e], e))
    hub, median = ranked[0], ranked[len(ranked) // 2]

    def count(method: str) -> Callable[[], str]:
        def step() -> str:
            found = count_window(store, Window(), method=method)
            return f"N {found.articles:,}, {len(found.entities):,} entities, {len(found.pairs):,} pairs"

        return step

    def ego(entity: str) -> Callable[[], str]:
        return lambda: f"{len(count_ego(store, entity, Window()).pairs):,} neighbours"

    def network(top: int = 0, **options: Any) -> Callable[[], str]:
        def step() -> str:
            built = build_network(store, NetworkOptions(**options))
            part = shown(built, top)
            summary = built.summary().rsplit(",", 1)[0]
            return summary + (f"; {part.graph.number_of_edges():,} edges shown" if top else "")

        return step

    def gexf() -> str:
        part = shown(build_network(store, NetworkOptions()), SHOWN)
        with open(BUILD / "network.gexf", "wb") as handle:
            formats.write(part, "gexf", handle)
        return f"{(BUILD / 'network.gexf').stat().st_size:,} bytes"

    yield "pair counts, streamed (whole graph)", 0, count("stream")
    yield "pair counts, SPARQL GROUP BY (whole graph)", heavy_runs, count("sparql")
    yield "ego network of the most mentioned entity (SPARQL)", 0, ego(hub)
    yield "ego network of a median entity (SPARQL)", 0, ego(median)
    yield "whole network, all edges, no node metrics", 0, lambda: _edges_only(store)
    yield "whole network with communities, top 5,000 edges shown", 0, network(top=SHOWN)
    yield "network with communities, --min-count 5", heavy_runs, network(min_count=5)
    yield "GEXF of the top 5,000 edges of the whole network, with metrics", 0, gexf

    kept = NetworkCache()
    kept.whole(store, NetworkOptions())  # analysed once here, between two timed steps

    def api_json() -> str:
        body = formats.network_json(shown(kept.whole(store, NetworkOptions()), 100))
        return f"{len(body['edges'])} edges, {len(body['nodes'])} entities"

    yield "HTTP API's answer from the kept network: cut to 100 edges, JSON", 0, api_json


def _edges_only(store: Any) -> str:
    from newsgraph.cooccurrence.network import NetworkOptions, build_network

    built = build_network(store, NetworkOptions(), analysed=False)
    return f"{built.graph.number_of_nodes():,} entities, {built.graph.number_of_edges():,} edges"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cooccur", description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--reuters", action="store_true", help="use the Reuters-21578 corpus")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--heavy-runs", type=int, default=1, help="runs of the slowest steps")
    args = parser.parse_args(argv)
    store = build_store(args.articles, reuters=args.reuters)
    corpus = "Reuters-21578" if args.reuters else f"{args.articles:,} synthetic articles"
    print(f"\n### co-occurrence, {corpus} (median of {args.runs} runs, min–max)\n")
    print(f"`python -m bench.cooccur {' '.join(argv if argv is not None else sys.argv[1:])}`\n")
    print("| step | median s | min–max s | result |")
    print("|---|---:|---:|---|")
    for label, runs, step in steps(store, args.heavy_runs):
        times, result = timed(step, runs or args.runs)
        spread = f"{min(times):.2f}–{max(times):.2f}"
        print(f"| {label} | {statistics.median(times):.2f} | {spread} | {result} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
