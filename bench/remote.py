"""Ingest speed: the embedded store against an Oxigraph server, on the same records.

    python -m bench.remote                 # 10k articles, 3 rounds
    python -m bench.remote --size 2000 --rounds 1
    python -m bench.remote --server virtuoso --size 100k   # at scale: bench/remote_scale.py

Each round ingests the same records into a new embedded store and into a new Oxigraph server
(``oxigraph serve`` on loopback, started here), alternating so that both meet the same load on
the machine; the figures are the medians. A final re-ingest into the server checks that it is
idempotent (every record "unchanged"). Then ``newsgraph serve`` on that server: what it adds to
ad-hoc queries against the same text sent to the server directly (p50 of each, sent in turn,
``bench.remote_scale.ad_hoc_overhead``, the figures Virtuoso's run gives too). The records come
from ``bench.corpus`` (seed 7).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from newsgraph.ingest import Summary, ingest
from newsgraph.settings import load_settings
from newsgraph.store import EmbeddedStore, RemoteStore

from bench import corpus, installed
from bench.measure import cpu_seconds, free_port

BASE = "http://localhost:8000/"


def write_records(path: Path, count: int) -> str:
    """Write ``count`` records of :mod:`bench.corpus` to ``path``; return where they came from."""
    with path.open("w", encoding="utf-8") as handle:
        for record in corpus.generate(count, seed=7):
            handle.write(json.dumps(record) + "\n")
    return "bench.corpus"


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        raise SystemExit("the oxigraph server is not installed (pip install oxigraph)")
    return found


@dataclass
class Server:
    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time the server process has used (Linux; 0 elsewhere)."""
        return cpu_seconds(self.pid)


@contextmanager
def oxigraph_server(location: Path) -> Iterator[Server]:
    """An Oxigraph server on a free loopback port."""
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(location),
         "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("the oxigraph server did not start")
            time.sleep(0.1)
        yield Server(url, process.pid)
    finally:
        process.terminate()
        process.wait(15)


@dataclass
class Run:
    """One ingest: its summary, and the CPU seconds it cost (this process, and the server's)."""

    summary: Summary
    cpu: float
    server_cpu: float = 0.0

    @property
    def rate(self) -> float:
        return self.summary.articles_per_second


def embedded_round(records: Path, where: Path) -> Run:
    settings = load_settings(store=str(where), base=BASE, rejects=str(where.parent / "r.jsonl"))
    started = time.process_time()
    with EmbeddedStore(settings.store_path, write=True, base=BASE) as store:
        summary = ingest([str(records)], store, settings)
    return Run(summary, time.process_time() - started)


def remote_round(records: Path, where: Path, *, again: bool = False) -> tuple[Run, Summary | None]:
    with oxigraph_server(where) as server:
        settings = load_settings(store=server.url, base=BASE, rejects=str(where.parent / "r.jsonl"))
        started, server_started = time.process_time(), server.cpu_seconds()
        with RemoteStore.from_settings(settings) as store:
            first = ingest([str(records)], store, settings)
            run = Run(first, time.process_time() - started, server.cpu_seconds() - server_started)
            second = ingest([str(records)], store, settings) if again else None
            if again:
                for row in _overhead(server, store, where.parent):
                    print(" | ".join(row), flush=True)
        return run, second


def _overhead(server: Server, store: RemoteStore, root: Path) -> list[tuple[str, str, str]]:
    """The ad-hoc overhead of ``newsgraph serve`` on this server (its least mentioned entity)."""
    from bench import remote_scale

    rare = store.select_all(remote_scale.LEAST_MENTIONED)[0]["name"]
    process, via = remote_scale.serve(server.url, {}, root / "serve.log")
    try:
        with httpx.Client(timeout=600, headers=remote_scale.CLIENT_HEADERS) as client:
            name = getattr(rare, "value", str(rare))
            return remote_scale.ad_hoc_overhead(server.url, via, store.server.dialect, name, client)
    finally:
        process.terminate()
        process.wait(30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.remote", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--size", type=corpus.parse_size, default=10_000)
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds measured (medians taken); with --server virtuoso: loader "
                             "and ingest runs, in turn (1 for a million)")  # fmt: skip
    parser.add_argument("--server", choices=("oxigraph", "virtuoso"), default="oxigraph",
                        help="virtuoso: the run at scale (bench/remote_scale.py)")  # fmt: skip
    parser.add_argument("--virtuoso-only", action="store_true",
                        help="with --server virtuoso: newsgraph on Virtuoso alone (no embedded "
                             "ingest, no bulk loader baseline)")  # fmt: skip
    parser.add_argument("--server-cores", type=int, default=0, metavar="N",
                        help="with --server virtuoso: the server (loader and ingest rounds "
                             "alike) on the last N cores, newsgraph on the others, as if each "
                             "had a machine of its own; default: both share every core")  # fmt: skip
    args = parser.parse_args(argv)
    installed.compile_package()
    # What newsgraph keeps per server URL (the search index, the linking cache) goes with the
    # run, not into the user's state directory: each run's server has a URL of its own.
    with tempfile.TemporaryDirectory(prefix="newsgraph-bench-state-") as state:
        previous = os.environ.get("XDG_STATE_HOME")
        os.environ["XDG_STATE_HOME"] = state
        try:
            return _run(args)
        finally:
            if previous is None:
                os.environ.pop("XDG_STATE_HOME", None)
            else:
                os.environ["XDG_STATE_HOME"] = previous


def _run(args: argparse.Namespace) -> int:
    if args.server == "virtuoso":
        from bench import remote_scale

        return remote_scale.run(
            args.size, baselines=not args.virtuoso_only, rounds=args.rounds,
            server_cores=args.server_cores,
        )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="newsgraph-bench-") as temporary:
        root = Path(temporary)
        records = root / "records.jsonl"
        origin = write_records(records, args.size)
        print(f"{args.size:,} records from {origin}; load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} cores", flush=True)  # fmt: skip
        embedded: list[Run] = []
        remote: list[Run] = []
        second: Summary | None = None
        for number in range(1, args.rounds + 1):
            local = embedded_round(records, root / f"embedded-{number}")
            served, second_run = remote_round(
                records, root / f"oxigraph-{number}", again=number == args.rounds
            )
            second = second_run or second
            embedded.append(local)
            remote.append(served)
            print(
                f"round {number}: embedded {local.rate:,.0f} articles/s ({local.summary.seconds:.1f} s, "
                f"{local.cpu:.1f} CPU s), oxigraph server {served.rate:,.0f} articles/s "
                f"({served.summary.seconds:.1f} s, {served.cpu:.1f} + {served.server_cpu:.1f} "
                f"server CPU s)",
                flush=True,
            )
            if (local.summary.loaded, local.summary.triples) != (
                served.summary.loaded,
                served.summary.triples,
            ):
                print("the two stores were given different graphs", file=sys.stderr)
                return 1
        low = statistics.median(run.rate for run in embedded)
        high = statistics.median(run.rate for run in remote)
        print(f"median: embedded {low:,.0f} articles/s, oxigraph server {high:,.0f} articles/s, "
              f"ratio {high / low:.2f}; load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        if second is not None:
            print(f"re-ingest into the server: {second.line()}")
            if second.unchanged != args.size or second.loaded or second.replaced:
                print("re-ingest was not idempotent", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
