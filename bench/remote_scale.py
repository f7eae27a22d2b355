"""The remote store at scale: newsgraph on Virtuoso beside the embedded store, on the same
records (``python -m bench.remote --server virtuoso --size 100k``).

Measured, in this order, each on a new private Virtuoso set up for the size
(:mod:`bench.virtuoso`):

1. ``newsgraph ingest`` into an embedded store: articles/s, peak memory; its N-Quads dump is
   what the bulk loader is given;
2. Virtuoso's own bulk loader on those quads (``ld_dir`` + ``rdf_loader_run`` + ``checkpoint``
   through ``isql-vt``): the baseline;
3. ``newsgraph ingest`` into a new Virtuoso (its bulk path: ``NEWSGRAPH_STORE_STAGING``):
   articles/s, the rate of each tenth of the run (flat or not), peak memory of newsgraph and of
   the server, and the CPU seconds of each side (of the loader's server too); the ratio to the
   loader. Steps 2 and 3 run ``--rounds`` times, in turn, each on a new server, and the ratio is
   of their medians; with ``--server-cores N`` the server runs on the last N cores in both and
   newsgraph on the others;
4. the named entity queries through ``newsgraph serve`` on it (from the remote summaries), p50;
5. ad-hoc queries through ``newsgraph serve`` against the same text sent to Virtuoso directly:
   the per-query overhead, and within it the cost of keeping the system graphs out (the text
   with and without the dialect's ``DEFINE`` clauses, sent directly), each a p50 of
   :data:`AD_HOC_ROUNDS` requests sent in turn with the others. The client asks for answers
   as they are (:data:`CLIENT_HEADERS`), as newsgraph asks Virtuoso: Virtuoso closes the
   connection after every gzipped answer, which would add a new connection to each direct query;
6. ``newsgraph cooccur --top 50`` on Virtuoso and on the embedded store.

The figures are printed as a Markdown table and written to ``bench/results/``.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
from newsgraph import queries
from newsgraph.ingest import ingest
from newsgraph.settings import load_settings
from newsgraph.store import RemoteStore
from newsgraph.store.remote.dialects import Dialect

from bench import corpus, virtuoso
from bench.measure import MemoryPeak, cpu_seconds, free_port, wait_for

__all__ = ["ad_hoc_overhead", "run", "serve"]

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://localhost:8000/"
CACHE = Path(__file__).resolve().parent / ".cache"
RESULTS = Path(__file__).resolve().parent / "results"
AD_HOC = {
    "an entity by name": 'SELECT ?e WHERE {{ ?e <http://schema.org/name> "{name}" }}',
    "articles of an entity by name": (
        'SELECT ?a ?h WHERE {{ ?e <http://schema.org/name> "{name}" . '
        "?a <http://schema.org/mentions> ?e ; <http://schema.org/headline> ?h }} LIMIT 20"
    ),
    "the graph stating a name": (
        'SELECT ?g WHERE {{ GRAPH ?g {{ ?e <http://schema.org/name> "{name}" }} }}'
    ),
}
#: Rounds of the ad-hoc comparison: a p50 of 15 moved by half a millisecond between runs.
AD_HOC_ROUNDS = 101
MOST_MENTIONED = (
    "SELECT ?e (COUNT(*) AS ?n) WHERE { ?a <http://schema.org/mentions> ?e } "
    "GROUP BY ?e ORDER BY DESC(?n) LIMIT 1"
)
LEAST_MENTIONED = (
    "SELECT ?e ?name (COUNT(*) AS ?n) WHERE { ?a <http://schema.org/mentions> ?e . "
    "?e <http://schema.org/name> ?name } GROUP BY ?e ?name ORDER BY ?n ?e LIMIT 1"
)


def _records(size: int) -> Path:
    path = CACHE / f"corpus-{size}-seed1-v{corpus.VERSION}.jsonl.gz"
    if not path.exists():
        corpus.write(path, size, 1)
    return path


def _cli(*args: str, env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Run the newsgraph command; seconds, peak memory of its process tree, standard error."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "newsgraph", *args], cwd=ROOT, env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    with MemoryPeak(process.pid) as memory:
        _, err = process.communicate()
    if process.returncode:
        raise RuntimeError(f"newsgraph {args[0]} failed: {err.decode(errors='replace')[-800:]}")
    return time.monotonic() - started, memory.peak, err.decode(errors="replace")


def _p50(url: str, text: str, client: httpx.Client, requests: int = 15) -> tuple[float, str]:
    """The median seconds of ``requests`` POSTs of ``text``, and who answered (Server-Timing)."""
    seconds, timing = [], ""
    for _ in range(requests):
        took, reply = _posted(url, text, client)
        seconds.append(took)
        timing = reply.headers.get("server-timing", "").split(";")[0]
    return statistics.median(seconds), timing


def _p50_in_turn(
    requests: Sequence[tuple[str, str]], client: httpx.Client, rounds: int = AD_HOC_ROUNDS
) -> list[float]:
    """The median seconds of each (URL, query text) of ``requests``, sent in turn ``rounds``
    times (each round in another order): a drift of the machine meanwhile moves all alike."""
    seconds: list[list[float]] = [[] for _ in requests]
    for round_ in range(rounds):
        for index in range(len(requests)) if round_ % 2 else reversed(range(len(requests))):
            seconds[index].append(_posted(*requests[index], client)[0])
    return [statistics.median(each) for each in seconds]


def _posted(url: str, text: str, client: httpx.Client) -> tuple[float, httpx.Response]:
    """One POST of the query ``text``: its seconds and its (successful) reply."""
    started = time.perf_counter()
    reply = client.post(url, data={"query": text},
                        headers={"Accept": "application/sparql-results+json"})  # fmt: skip
    took = time.perf_counter() - started
    if reply.status_code != 200:
        raise RuntimeError(f"{url}: {reply.status_code} {reply.text[:300]}")
    return took, reply


def _ingest_in_process(
    records: Path, server: virtuoso.Virtuoso, cores: Collection[int] | None = None
) -> dict[str, Any]:
    """newsgraph's ingest into Virtuoso, in this process, timing each tenth of the run; on
    ``cores`` only, where given (the threads it starts with them)."""
    settings = load_settings(store=server.query_url, base=BASE, store_user="dba",
                             store_password=virtuoso.PASSWORD, store_staging=str(server.staging),
                             rejects=str(server.directory / "rejects.jsonl"))  # fmt: skip
    marks: list[tuple[int, float]] = [(0, time.monotonic())]
    done = 0

    def progress(count: int) -> None:
        nonlocal done
        done += count
        marks.append((done, time.monotonic()))

    server_before, own_before = cpu_seconds(server.process.pid), time.process_time()
    every_core = os.sched_getaffinity(0)
    if cores:
        os.sched_setaffinity(0, cores)
    try:
        with (
            MemoryPeak(exclude=[server.process.pid]) as memory,
            RemoteStore.from_settings(settings) as store,
        ):
            summary = ingest([str(records)], store, settings, progress=progress)
    finally:
        os.sched_setaffinity(0, every_core)
    cpu = (time.process_time() - own_before, cpu_seconds(server.process.pid) - server_before)
    total = marks[-1][0]
    tenths = []
    for tenth in range(1, 11):
        lo = next(m for m in marks if m[0] >= total * (tenth - 1) / 10)
        hi = next(m for m in marks if m[0] >= total * tenth / 10)
        if hi[1] > lo[1]:
            tenths.append((hi[0] - lo[0]) / (hi[1] - lo[1]))
    return {"summary": summary, "tenths": tenths, "peak": memory.peak, "cpu": cpu}


def _split_cores(server_cores: int) -> tuple[set[int] | None, set[int] | None]:
    """The cores of the server and of newsgraph: the last ``server_cores`` and the rest (None,
    None: both share every core)."""
    if not server_cores:
        return None, None
    every = sorted(os.sched_getaffinity(0))
    if not 0 < server_cores < len(every):
        raise SystemExit(f"--server-cores {server_cores}: this machine has {len(every)} cores")
    return set(every[-server_cores:]), set(every[:-server_cores])


def serve(url: str, env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    handle = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "newsgraph", "serve", "--store", url, "--port", str(port)],
        cwd=ROOT, env={**os.environ, **env, "NEWSGRAPH_RESULT_CACHE_BYTES": "0"},
        stdout=handle, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/sparql"

    def up() -> bool:
        try:
            return httpx.get(base, params={"query": "ASK {}"}, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_for(up, 120, "newsgraph serve")
    return process, base


def run(
    size: int,
    workdir: Path | None = None,
    *,
    baselines: bool = True,
    rounds: int = 1,
    server_cores: int = 0,
) -> int:
    """The run at ``size`` articles; without ``baselines``, newsgraph on Virtuoso alone (steps
    3–6 but the embedded ``cooccur``: no ratio to the loader or to the embedded store).

    ``rounds``: the bulk loader and newsgraph's ingest are each measured that many times, in
    turn (loader, ingest, loader, ingest …), each on a new server, and the ratio is of their
    medians: one loader run moved from 17 s to 22 s between two runs on this machine. The
    queries run on the last round's server.

    ``server_cores``: the server (of the loader's rounds and of newsgraph's alike) runs on the
    last that many cores and newsgraph's ingest on the others, as if each had a machine of its
    own; 0: both share every core."""
    server_on, own = _split_cores(server_cores)
    records = _records(size)
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="newsgraph-remote-", dir=workdir) as temporary:
        root = Path(temporary)
        load = os.getloadavg()[0]
        print(f"{size:,} articles ({records.name}); load average {load:.1f}", flush=True)
        seconds = 0.0
        loaders: list[tuple[float, float]] = []
        measured: list[dict[str, Any]] = []
        if baselines:
            seconds, peak, _ = _cli("ingest", "--quiet", "--store", str(root / "embedded"),
                                      "--base", BASE, str(records))  # fmt: skip
            rows.append(("ingest, embedded store", f"{size / seconds:,.0f} articles/s",
                         f"{seconds:.0f} s; peak memory {peak / 2**20:,.0f} MiB"))  # fmt: skip
            print(rows[-1], flush=True)
            _cli("dump", "--quiet", "--store", str(root / "embedded"), "--out",
                 str(root / "all.nq"))  # fmt: skip
        for round_ in range(rounds):
            if baselines:
                loaders.append(_bulk_loader(root, size, root / "all.nq", round_, server_on))
                print(f"round {round_ + 1}: the bulk loader {loaders[-1][0]:.1f} s", flush=True)
            last = round_ == rounds - 1
            with virtuoso.running(root / f"newsgraph-{round_}", size, server_on) as server:
                measured.append(_ingest_in_process(records, server, own))
                print(f"round {round_ + 1}: newsgraph {measured[-1]['summary'].seconds:.1f} s",
                      flush=True)  # fmt: skip
                if not last:
                    continue
                if baselines:
                    rows.append(_loader_row(size, loaders))
                rows.append(_ingest_row(size, measured, loaders, seconds))
                print(rows[-1], flush=True)
                rows += _queries(server, root)
                rows.append(("cooccur --top 50, Virtuoso", *_cooccur(server.env)))
                if baselines:
                    rows.append(("cooccur --top 50, embedded",
                                 *_cooccur({"NEWSGRAPH_STORE": str(root / "embedded")})))  # fmt: skip
                rows.append(("Virtuoso peak memory", f"{server.peak_memory() / 2**20:,.0f} MiB",
                             f"NumberOfBuffers {virtuoso.buffers_for(size)[0]:,}"))  # fmt: skip
    table = _table(size, load, rows, (server_on, own) if server_on and own else None)
    print(table)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    split = "-split" if server_on else ""
    (RESULTS / f"{stamp}-remote-{size}{split}.md").write_text(table)
    return 0


def _loader_row(size: int, loaders: list[tuple[float, float]]) -> tuple[str, str, str]:
    loader = statistics.median(seconds for seconds, _ in loaders)
    each = ", ".join(f"{seconds:.1f}" for seconds, _ in loaders)
    cpu = statistics.median(cpu for _, cpu in loaders)
    return ("Virtuoso's bulk loader on the same quads", f"{size / loader:,.0f} articles/s",
            f"median {loader:.1f} s of {len(loaders)} (each: {each} s); ld_dir + "
            f"rdf_loader_run + checkpoint; Virtuoso's CPU {cpu:.1f} s (median)")  # fmt: skip


def _ingest_row(
    size: int,
    measured: list[dict[str, Any]],
    loaders: list[tuple[float, float]],
    embedded: float,
) -> tuple[str, str, str]:
    """newsgraph's ingest: the median rate, the ratios to the embedded store and to the loader
    (medians), each round's seconds, the CPU seconds of newsgraph and of the server (medians:
    on two cores, what bounds the run), and the last round's tenths and memory."""
    rate = statistics.median(m["summary"].articles_per_second for m in measured)
    each = ", ".join(f"{m['summary'].seconds:.1f}" for m in measured)
    ratios = ""
    if loaders:
        loader = statistics.median(seconds for seconds, _ in loaders)
        ratios = (f"{rate * embedded / size:.2f}× embedded, **{rate / (size / loader):.2f}× "
                  "the bulk loader** (medians); ")  # fmt: skip
    own = statistics.median(m["cpu"][0] for m in measured)
    server = statistics.median(m["cpu"][1] for m in measured)
    last = measured[-1]
    return ("ingest into Virtuoso (bulk path)", f"{rate:,.0f} articles/s",
            f"median of {len(measured)} (each: {each} s), {ratios}CPU: newsgraph {own:.1f} s, "
            f"Virtuoso {server:.1f} s (medians); each tenth of the last run: "
            f"{', '.join(f'{t:,.0f}' for t in last['tenths'])} articles/s; peak memory "
            f"newsgraph {last['peak'] / 2**20:,.0f} MiB")  # fmt: skip


def _bulk_loader(
    root: Path, size: int, nquads: Path, round_: int, cores: Collection[int] | None = None
) -> tuple[float, float]:
    """Seconds Virtuoso's own bulk loader takes on ``nquads`` (the embedded store's dump), on
    a new server (on ``cores`` only, where given), and the server's CPU seconds meanwhile."""
    with virtuoso.running(root / f"loader-{round_}", size, cores) as server:
        staged = server.staging / "all.nq"
        shutil.copyfile(nquads, staged)
        started, cpu = time.monotonic(), cpu_seconds(server.process.pid)
        server.isql(f"ld_dir('{server.staging}', 'all.nq', 'urn:newsgraph:no-graph');\n"
                    "rdf_loader_run();\ncheckpoint;\n")  # fmt: skip
        loader, cpu = time.monotonic() - started, cpu_seconds(server.process.pid) - cpu
        staged.unlink()
    return loader, cpu


#: What the ad-hoc client sends with every request, direct or through newsgraph.
CLIENT_HEADERS = {"Accept-Encoding": "identity"}


def _queries(server: virtuoso.Virtuoso, root: Path) -> list[tuple[str, str, str]]:
    rows = []
    client = httpx.Client(timeout=600, headers=CLIENT_HEADERS)
    with RemoteStore(server.query_url) as store:
        top = store.select_all(MOST_MENTIONED)[0]
        rare = store.select_all(LEAST_MENTIONED)[0]
        dialect = store.server.dialect
    process, via = serve(server.query_url, server.env, root / "serve.log")
    try:
        frequent = top["e"]
        text = queries.bind("entity-articles", {"entity": frequent})
        wait_for(lambda: _p50(via, text, client, 1)[1] == "summaries", 1800, "the summaries")
        for name, label in (("entity-articles", "articles"), ("entity-comentions", "co-mentioned"),
                            ("entity-mentions-per-month", "per month")):  # fmt: skip
            seconds, who = _p50(via, queries.bind(name, {"entity": frequent}), client)
            rows.append((f"named: {label}, most mentioned entity ({_text(top['n'])} mentions)",
                         f"{seconds * 1000:.1f} ms", f"p50 through newsgraph serve; {who}"))  # fmt: skip
        rows += ad_hoc_overhead(server.query_url, via, dialect, _text(rare["name"]), client)
    finally:
        process.terminate()
        process.wait(30)
    return rows


def ad_hoc_overhead(
    direct_url: str, via: str, dialect: Dialect, name: str, client: httpx.Client
) -> list[tuple[str, str, str]]:
    """What newsgraph adds to each ad-hoc query (``AD_HOC``, about the entity called ``name``):
    p50 through ``newsgraph serve`` at ``via`` against the same text sent to the server at
    ``direct_url``, and within it the cost of keeping the system graphs out (the text as the
    dialect sends it, sent directly)."""
    rows = []
    for label, template in AD_HOC.items():
        query = template.format(name=name)
        direct, plain, through = _p50_in_turn(
            [(direct_url, query), (direct_url, dialect.query_text(query, own_dataset=False)),
             (via, query)], client)  # fmt: skip
        rows.append((f"ad hoc: {label}", f"+{(through - direct) * 1000:.1f} ms",
                     f"p50 through newsgraph serve {through * 1000:.1f} ms, direct "
                     f"{direct * 1000:.1f} ms; the system-graph exclusion alone "
                     f"{(plain - direct) * 1000:+.1f} ms"))  # fmt: skip
    return rows


def _text(term: object) -> str:
    return term.value if isinstance(term, ox.Literal | ox.NamedNode) else str(term)


def _cooccur(env: dict[str, str]) -> tuple[str, str]:
    seconds, peak, err = _cli("cooccur", "--top", "50", "--format", "csv", env=env)
    return f"{seconds:.1f} s", f"peak memory {peak / 2**20:,.0f} MiB; {err.strip()[:120]}"


def _table(
    size: int,
    load: float,
    rows: list[tuple[str, str, str]],
    cores: tuple[set[int], set[int]] | None,
) -> str:
    split = (f"; Virtuoso on core {_listed(cores[0])}, newsgraph on core {_listed(cores[1])}"
             if cores else "")  # fmt: skip
    head = (f"# newsgraph on Virtuoso at {size:,} articles\n\n"
            f"{os.cpu_count()} cores, load average {load:.1f} at the start{split}; "
            f"{json.dumps(sys.version.split()[0])}\n\n| what | figure | notes |\n|---|---:|---|\n")  # fmt: skip
    return head + "".join(f"| {a} | {b} | {c} |\n" for a, b, c in rows)


def _listed(cores: set[int]) -> str:
    return ", ".join(str(core) for core in sorted(cores))
