"""Continuous ingest into a served store: how soon a small batch is answered, and what readers
see while news keeps arriving.

The store is a copy of the run's store (100k articles by default), served with its entity
summaries on and its result cache off. New articles are the corpus's next records (numbers
past its size: new slugs, dates after every stored one, entities drawn from the same pool).

* **batch visible**: a batch of 10 or 100 new articles is handed to the running server with
  ``newsgraph ingest FILE`` (the server runs it, with the linking tables it holds:
  :mod:`graph.ingest.handed`); the time runs from the command's start to the first answer of
  ``entity-articles`` that lists the batch's newest article *and* comes from the entity
  summaries (its Server-Timing says so). The ingest's own seconds are noted beside it. The
  baseline, in the same run: batches of 100 whose command borrows the server's primary and
  links in a process of its own (``NEWSGRAPH_HANDED_INGEST_BYTES=0``). A client sends named
  entity queries meanwhile, and their p95 is reported for both (the handed run shares the
  server's interpreter with the threads that answer from the summaries).
* **batch updated**: the same for a batch of 100 stored articles sent again as their newer
  versions (a later ``updated_at``, a changed headline), until ``entity-articles`` shows a new
  headline from the summaries: news is corrected and updated all day, and a batch that
  replaces stored articles reads their stored versions first.
* **steady stream**: ``newsgraph ingest -`` is fed ``rate`` articles a second (committing by
  count and every second) for ``seconds``, while one client sends named entity queries
  (``entity-articles``, ``entity-comentions``, ``entity-mentions-per-month`` for entities drawn
  from the whole Zipf range) and another a cheap ad-hoc query (an article's headline and date, a
  text no summary knows); p50/p95 of each, the errors, the share of entity queries the
  summaries answered, and the server's peak memory (its process tree) over the stream. Every
  query slower than :data:`SLOW` is counted, and the slowest are noted with their Server-Timing
  (what the server spent the time on: a worker, the engine, waiting for the summaries to follow
  a write).
* **compaction**: a batch large enough to be bulk loaded marks the store for compaction; the
  same two clients run meanwhile, and the slowest query from the batch answered from the
  summaries until the server has compacted the store and published the merged files
  (``NEWSGRAPH_COMPACT_AFTER`` seconds after the last write, 10 by default) is reported; the
  queries before, while the batch was written and followed, are noted apart.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from newsgraph import queries
from newsgraph.vocab.namespaces import SCHEMA

from bench import corpus
from bench.context import BASE, ROOT, Context, Server, serve
from bench.httpload import Endpoint, accept_for
from bench.measure import MemoryPeak, percentile, wait_for
from bench.report import Figure

__all__ = ["new_records", "run"]

#: Batches handed to the server, and how many of each size.
BATCHES = (10, 100)
#: The steady stream: articles per second, and for how long (``--quick``: a few seconds).
RATE = 20
STREAM_SECONDS = 300.0
#: The feeder's --batch-size: a batch takes what arrived while the one before was written (a
#: second's worth when it keeps up), so that a slow batch is followed by a larger one.
FEED_BATCH = 2_000
#: Seconds a batch may take to be answered from the summaries before it counts as not seen.
VISIBLE_LIMIT = 600.0
#: Queries slower than this (seconds) are counted and described.
SLOW = 0.1
#: Articles in the batch that marks the store for compaction (written by the bulk loader).
BULK_BATCH = 400
#: Seconds the compaction may take to be published before the window ends regardless.
COMPACTION_LIMIT = 300.0
#: Entities the steady clients ask about (drawn across the mention counts).
ENTITY_SAMPLE = 200
MENTION_COUNTS = f"""
SELECT ?entity (COUNT(*) AS ?n) WHERE {{ ?article <{SCHEMA}mentions> ?entity }}
GROUP BY ?entity ORDER BY DESC(?n) ?entity
"""
#: The cheap ad-hoc query: an article's headline and date, a text no summary knows.
ADHOC = f"""PREFIX schema: <{SCHEMA}>
SELECT ?headline ?date WHERE {{ <{{article}}> schema:headline ?headline ; schema:datePublished ?date }}"""
SOME_ARTICLES = f"SELECT ?a WHERE {{ ?a a <{SCHEMA}NewsArticle> }} LIMIT 2000"
#: The first new record (past the corpus's size) a run hands over.
FIRST_RECORD = 0


def new_records(size: int, seed: int, start: int, count: int) -> list[dict[str, Any]]:
    """Records ``size + start`` … of the corpus of ``size`` (its entity pool; later dates)."""
    spec = corpus.CorpusSpec(size, seed)
    return [corpus.record(spec, size + index) for index in range(start, start + count)]


def run(ctx: Context) -> list[Figure]:
    store = ctx.workdir / "trickle-store"
    shutil.rmtree(store, ignore_errors=True)
    # cp -a keeps the snapshots' hard links: the copy takes the primary's room, once.
    subprocess.run(["cp", "-a", str(ctx.store()), str(store)], check=True)
    env = {"NEWSGRAPH_RESULT_CACHE_BYTES": "0", "NEWSGRAPH_QUERY_SUMMARIES": "true"}
    server = serve(store, ["--base", BASE, "--row-limit", "0"], log=ctx.workdir / "trickle.log",
                   env={**_environ(), **env})  # fmt: skip
    try:
        endpoint = Endpoint(server.sparql)
        entities, articles = _subjects(store)
        _await_summaries(endpoint, entities[0])
        figures = []
        taken = FIRST_RECORD
        runs = ctx.options.runs
        written: list[list[dict[str, Any]]] = []
        for size in BATCHES:
            seen, ingest_seconds = [], []
            with _named_reader(endpoint, (entities, articles)) as reader:
                for _ in range(runs):
                    records = new_records(ctx.options.size, ctx.options.seed, taken, size)
                    taken += size
                    visible, took = _batch_visible(ctx, store, endpoint, records)
                    seen.append(visible)
                    ingest_seconds.append(took)
                    written.append(records)
            if size == BATCHES[-1]:
                figures.append(_read_meanwhile(f"batches of {size} are handed over", reader))
            figures.append(
                Figure("trickle", f"batch of {size} new articles answered from the summaries",
                       _median(seen), "s", False, (min(seen), max(seen)),
                       notes=[f"from `newsgraph ingest` start, {runs} run(s); the ingest "
                              f"command itself {_median(ingest_seconds):.2f} s"])
            )  # fmt: skip
        seen, ingest_seconds = [], []
        for number, records in enumerate(written[-runs:]):
            updated = _updated(records, f"rev {number}")
            probe = (f"(rev {number})".encode(), _listing_query(endpoint, records))
            visible, took = _batch_visible(ctx, store, endpoint, updated, probe)
            seen.append(visible)
            ingest_seconds.append(took)
        figures.append(
            Figure("trickle", f"batch of {BATCHES[-1]} updated articles answered from the "
                   "summaries", _median(seen), "s", False, (min(seen), max(seen)),
                   notes=[f"stored articles sent again with a later `updated_at` and a new "
                          f"headline, {runs} run(s); the ingest command itself "
                          f"{_median(ingest_seconds):.2f} s"])
        )  # fmt: skip
        seen, ingest_seconds = [], []
        with _named_reader(endpoint, (entities, articles)) as reader:
            for _ in range(runs):
                records = new_records(ctx.options.size, ctx.options.seed, taken, BATCHES[-1])
                taken += BATCHES[-1]
                visible, took = _batch_visible(ctx, store, endpoint, records, borrow=True)
                seen.append(visible)
                ingest_seconds.append(took)
        figures.append(_read_meanwhile(f"batches of {BATCHES[-1]} borrow the store", reader))
        figures.append(
            Figure("trickle", f"batch of {BATCHES[-1]} new articles answered from the summaries, "
                   "the command borrowing the store (baseline)", _median(seen), "s", False,
                   (min(seen), max(seen)),
                   notes=[f"`NEWSGRAPH_HANDED_INGEST_BYTES=0`: the command links in a process "
                          f"of its own, as before handing; {runs} run(s); the ingest command "
                          f"itself {_median(ingest_seconds):.2f} s"])
        )  # fmt: skip
        batches = []
        for _ in range(runs + 1):
            batches.append(new_records(ctx.options.size, ctx.options.seed, taken, BATCHES[-1]))
            taken += BATCHES[-1]
        followed = _follower_visible(ctx, store, endpoint, batches)
        figures.append(
            Figure("trickle", f"batch of {BATCHES[-1]} new articles landing where `newsgraph "
                   "ingest --watch` follows, answered from the summaries", _median(followed[1:]),
                   "s", False, (min(followed[1:]), max(followed[1:])),
                   notes=[f"from the file landing, {runs} run(s) after the follower's first "
                          f"batch ({followed[0]:.2f} s: it reads the store's linking state)"])
        )  # fmt: skip
        seconds = 8.0 if ctx.options.size <= 1_000 else STREAM_SECONDS
        figures += _steady(ctx, store, server, endpoint, (entities, articles), taken, seconds)
        taken += int(RATE * seconds)
        figures += _compaction(ctx, store, endpoint, (entities, articles), taken)
        return figures
    finally:
        server.stop()


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def _subjects(store: Path) -> tuple[list[str], list[str]]:
    """Entities across the mention counts (the most mentioned first), and some articles, from
    the newest snapshot."""
    snapshots = store / "snapshots"
    reader = ox.Store.read_only(str(snapshots / (snapshots / "CURRENT").read_text().strip()))
    solutions = reader.query(MENTION_COUNTS, use_default_graph_as_union=True)
    ranked = [row["entity"].value for row in solutions]  # type: ignore[union-attr]
    found = reader.query(SOME_ARTICLES, use_default_graph_as_union=True)
    articles = [row["a"].value for row in found][::10]  # type: ignore[union-attr]
    del reader
    step = max(1, len(ranked) // ENTITY_SAMPLE)
    return ranked[::step][:ENTITY_SAMPLE], articles


def _entity_query(name: str, entity: str) -> str:
    return queries.bind(name, {"entity": ox.NamedNode(entity)})


def _get(endpoint: Endpoint, connection: http.client.HTTPConnection, query: str) -> Any:
    connection.request("GET", endpoint.target(query), headers={"Accept": accept_for(query)})
    response = connection.getresponse()
    body = response.read()
    return response.status, response.getheader("Server-Timing") or "", body


def _await_summaries(endpoint: Endpoint, entity: str) -> None:
    query = _entity_query("entity-articles", entity)

    def summarised() -> bool:
        connection = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=120)
        try:
            return "summaries;" in _get(endpoint, connection, query)[1]
        finally:
            connection.close()

    wait_for(summarised, VISIBLE_LIMIT, "the entity summaries")


def _ingest_command(store: Path, *paths: str) -> list[str]:
    return [sys.executable, "-m", "newsgraph", "ingest", "--quiet", "--store", str(store),
            "--base", BASE, *paths]  # fmt: skip


def _updated(records: list[dict[str, Any]], mark: str) -> list[dict[str, Any]]:
    """Newer versions of ``records``: updated an hour after publication, ``mark`` in the
    headline."""
    return [
        {**record, "title": f"{record['title']} ({mark})",
         "updated_at": (datetime.fromisoformat(record["published_at"].replace("Z", "+00:00"))
                        + timedelta(hours=1)).isoformat()}
        for record in records
    ]  # fmt: skip


def _listing_query(endpoint: Endpoint, records: list[dict[str, Any]]) -> str:
    """An ``entity-articles`` query whose answer (from the summaries) lists an article of the
    stored ``records`` now, so that it shows the article's next headline too."""
    connection = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=120)
    try:
        for record in records:
            entity = _known_entity(endpoint, record)
            if entity is not None:
                query = _entity_query("entity-articles", entity)
                status, timing, body = _get(endpoint, connection, query)
                article = (BASE + "article/" + record["slug"]).encode()
                if status == 200 and "summaries;" in timing and article in body:
                    return query
    finally:
        connection.close()
    raise RuntimeError("no stored article of the batch is listed by an entity's articles")


def _probe(endpoint: Endpoint, records: list[dict[str, Any]]) -> tuple[bytes, str]:
    """An article of the batch with an entity the store knows (every new article is dated
    after every stored one, so ``entity-articles`` lists it first once it is seen), and the
    query that shows it."""
    probe = next(
        ((record, entity) for record in records if (entity := _known_entity(endpoint, record))),
        None,
    )
    if probe is None:
        raise RuntimeError("no article of the batch names an entity the store knows")
    article = (BASE + "article/" + probe[0]["slug"]).encode()
    return article, _entity_query("entity-articles", probe[1])


def _seen(
    endpoint: Endpoint,
    probe: tuple[bytes, str],
    started: float,
    ended: Callable[[], float | None] = lambda: None,
) -> float:
    """Seconds from ``started`` until the summaries answer the probe's query with its article
    (``ended``, polled meanwhile: notes when the writer's own work ended)."""
    article, query = probe
    connection = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=120)
    try:
        while time.perf_counter() - started < VISIBLE_LIMIT:
            ended()
            status, timing, body = _get(endpoint, connection, query)
            if status == 200 and "summaries;" in timing and article in body:
                return time.perf_counter() - started
            time.sleep(0.02)
    finally:
        connection.close()
    raise TimeoutError(f"the batch was not answered from the summaries in {VISIBLE_LIMIT} s")


def _batch_visible(
    ctx: Context, store: Path, endpoint: Endpoint, records: list[dict[str, Any]],
    probe: tuple[bytes, str] | None = None, *, borrow: bool = False,
) -> tuple[float, float]:  # fmt: skip
    """Seconds from the ingest's start until the summaries list an article of the batch (or
    show ``probe``'s bytes in its query's answer), and the seconds the ingest command took
    (``borrow``: the command borrows the server's primary rather than hand the batch over)."""
    path = ctx.workdir / "trickle-batch.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    probe = probe or _probe(endpoint, records)
    started = time.perf_counter()
    env = {**_environ(), "NEWSGRAPH_HANDED_INGEST_BYTES": "0"} if borrow else None
    process = subprocess.Popen(
        _ingest_command(store, str(path)), cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    ingest_seconds: list[float] = []

    def ended() -> float | None:
        if not ingest_seconds and process.poll() is not None:
            ingest_seconds.append(time.perf_counter() - started)
            if process.returncode not in (0, 1):
                raise RuntimeError(process.stderr.read().decode()[-2000:])  # type: ignore[union-attr]
        return ingest_seconds[0] if ingest_seconds else None

    try:
        seen = _seen(endpoint, probe, started, ended)
    finally:
        process.wait()
    ended()
    return seen, ingest_seconds[0]


def _follower_visible(
    ctx: Context, store: Path, endpoint: Endpoint, batches: list[list[dict[str, Any]]]
) -> list[float]:
    """Seconds from each batch's file landing in a directory that a running ``newsgraph
    ingest --watch`` follows until the summaries list an article of it (the first batch
    included: the follower reads the store's linking state then)."""
    inbox = ctx.workdir / "trickle-inbox"
    shutil.rmtree(inbox, ignore_errors=True)
    inbox.mkdir()
    command = [sys.executable, "-m", "newsgraph", "ingest", "--store", str(store), "--base", BASE,
               "--watch", str(inbox)]  # fmt: skip
    follower = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        follower.stderr.readline()  # type: ignore[union-attr]  # "watching DIR …": it follows
        seconds = []
        for number, records in enumerate(batches):
            staged = ctx.workdir / f"trickle-follow-{number}.jsonl"
            staged.write_text("".join(json.dumps(record) + "\n" for record in records))
            probe = _probe(endpoint, records)
            started = time.perf_counter()
            os.replace(staged, inbox / staged.name)  # lands whole
            seconds.append(_seen(endpoint, probe, started))
            if follower.poll() is not None:
                raise RuntimeError(follower.stderr.read().decode()[-2000:])  # type: ignore[union-attr]
        return seconds
    finally:
        follower.send_signal(signal.SIGINT)  # stops after the batch under way
        follower.wait(120)


def _known_entity(endpoint: Endpoint, record: dict[str, Any]) -> str | None:
    """An entity of ``record`` that the store already knows by that name (asked of the engine
    before the batch is written), or None."""
    connection = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=120)
    try:
        for name in record["entities"]:
            query = queries.bind("entities-by-name", {"name": ox.Literal(name)})
            status, _timing, body = _get(endpoint, connection, query)
            rows = json.loads(body)["results"]["bindings"] if status == 200 else []
            if len(rows) == 1:
                return str(rows[0]["entity"]["value"])
    finally:
        connection.close()
    return None


@dataclass
class _Client:
    """One client sending queries one after another on a keep-alive connection."""

    endpoint: Endpoint
    texts: list[str]
    seconds: list[float] = field(default_factory=list)
    #: When each query was sent (``time.perf_counter``), beside its seconds.
    starts: list[float] = field(default_factory=list)
    summarised: int = 0
    errors: list[str] = field(default_factory=list)
    #: (seconds, Server-Timing, when sent) of each query slower than SLOW.
    slow: list[tuple[float, str, float]] = field(default_factory=list)

    def run(self, stop: threading.Event) -> None:
        rng = random.Random(7)
        connection = http.client.HTTPConnection(self.endpoint.host, self.endpoint.port, timeout=60)
        while not stop.is_set():
            query = rng.choice(self.texts)
            started = time.perf_counter()
            try:
                status, timing, body = _get(self.endpoint, connection, query)
            except (OSError, http.client.HTTPException) as error:
                self.errors.append(str(error))
                connection.close()
                connection = http.client.HTTPConnection(
                    self.endpoint.host, self.endpoint.port, timeout=60
                )
                continue
            took = time.perf_counter() - started
            self.seconds.append(took)
            self.starts.append(started)
            if took > SLOW:
                self.slow.append((took, timing, started))
            if status != 200:
                self.errors.append(f"HTTP {status}: {body[:200]!r}")
            elif "summaries;" in timing:
                self.summarised += 1
            time.sleep(0.01)
        connection.close()


def _clients(endpoint: Endpoint, subjects: tuple[list[str], list[str]]) -> list[_Client]:
    """The named-query client and the ad-hoc client."""
    entities, articles = subjects
    named = [
        _entity_query(name, entity)
        for entity in entities
        for name in ("entity-articles", "entity-comentions", "entity-mentions-per-month")
    ]
    adhoc = [ADHOC.replace("{article}", article) for article in articles]
    return [_Client(endpoint, named), _Client(endpoint, adhoc)]


def _slowest(clients: list[_Client], shown: int = 3, since: float = 0.0) -> list[str]:
    """The slowest queries of the clients (sent from ``since``), each with what the server said
    it spent the time on."""
    slow = sorted(
        ((seconds, timing) for client in clients for seconds, timing, sent in client.slow
         if sent >= since),
        reverse=True,
    )  # fmt: skip
    return [f"{seconds * 1000:.0f} ms (Server-Timing: {_timing_summary(timing)})"
            for seconds, timing in slow[:shown]]  # fmt: skip


def _sent(clients: list[_Client], since: float, until: float = math.inf) -> list[float]:
    """The seconds of the clients' queries sent from ``since`` until before ``until``."""
    return [
        took
        for client in clients
        for took, sent in zip(client.seconds, client.starts, strict=True)
        if since <= sent < until
    ]


def _timing_summary(timing: str) -> str:
    """``name dur`` of each Server-Timing entry (its descriptions dropped)."""
    entries = []
    for entry in timing.split(","):
        fields = dict(
            part.strip().partition("=")[::2] for part in entry.split(";")[1:] if "=" in part
        )
        entries.append(f"{entry.split(';')[0].strip()} {float(fields.get('dur', 'nan')):.0f} ms")
    return ", ".join(entries) or "none"


@contextlib.contextmanager
def _named_reader(endpoint: Endpoint, subjects: tuple[list[str], list[str]]) -> Iterator[_Client]:
    """The named-query client of :func:`_clients`, sending for the block."""
    client = _clients(endpoint, subjects)[0]
    stop = threading.Event()
    thread = threading.Thread(target=client.run, args=(stop,))
    thread.start()
    try:
        yield client
    finally:
        stop.set()
        thread.join()


def _read_meanwhile(what: str, client: _Client) -> Figure:
    """The p95 of the named queries ``client`` sent while ``what`` happened."""
    values = client.seconds or [float("nan")]
    share = client.summarised / max(1, len(client.seconds))
    return Figure(
        "trickle", f"named entity queries while {what}, p95", percentile(values, 95), "s", False,
        (min(values), max(values)),
        notes=[f"{len(client.seconds):,} queries, {share:.0%} from the summaries, p50 "
               f"{percentile(values, 50) * 1000:.2f} ms; errors: {len(client.errors)}"],
    )  # fmt: skip


def _steady(
    ctx: Context, store: Path, server: Server, endpoint: Endpoint,
    subjects: tuple[list[str], list[str]], taken: int, seconds: float,
) -> list[Figure]:  # fmt: skip
    clients = _clients(endpoint, subjects)
    count = int(RATE * seconds)
    records = new_records(ctx.options.size, ctx.options.seed, taken, count)
    stop = threading.Event()
    feeder = subprocess.Popen(
        [*_ingest_command(store, "-"), "--batch-size", str(FEED_BATCH)], cwd=ROOT,
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    threads = [threading.Thread(target=client.run, args=(stop,)) for client in clients]
    memory = MemoryPeak(server.pid).__enter__()
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    assert feeder.stdin is not None
    try:
        for index, record in enumerate(records):
            due = started + index / RATE
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            feeder.stdin.write((json.dumps(record) + "\n").encode())
            feeder.stdin.flush()
        fed = time.perf_counter() - started
        feeder.stdin.close()
        feeder.wait(VISIBLE_LIMIT)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        memory.__exit__()
        if feeder.poll() is None:
            feeder.kill()
    elapsed = time.perf_counter() - started
    behind = elapsed - fed  # the feeder blocks when ingest falls behind (a full pipe)
    errors = clients[0].errors + clients[1].errors
    if feeder.returncode not in (0, 1):
        errors.append(f"ingest exited {feeder.returncode}")
    named_client, adhoc_client = clients
    share = named_client.summarised / max(1, len(named_client.seconds))
    note = (f"{count:,} articles offered at {RATE}/s through `newsgraph ingest -`, taken in "
            f"{fed:.0f} s, the last committed {behind:.0f} s after; "
            f"{len(named_client.seconds):,} entity queries, {share:.0%} from the summaries")  # fmt: skip
    figures = []
    for label, client in (
        ("named entity queries", named_client),
        ("cheap ad-hoc query", adhoc_client),
    ):
        values = client.seconds or [float("nan")]
        for pct in (50, 95):
            figures.append(
                Figure("trickle", f"{label} under the stream, p{pct}", percentile(values, pct),
                       "s", False, (min(values), max(values)),
                       notes=[note] if (pct == 50 and client is named_client) else [])
            )  # fmt: skip
    slow = sum(len(client.slow) for client in clients)
    total = sum(len(client.seconds) for client in clients)
    figures.append(Figure("trickle", f"queries over {SLOW * 1000:.0f} ms under the stream",
                          float(slow), "", False,
                          notes=[f"of {total:,}; the slowest: " + "; ".join(_slowest(clients))]
                          if slow else [f"of {total:,}"]))  # fmt: skip
    figures.append(Figure("trickle", "errors under the stream", float(len(errors)), "", False,
                          notes=errors[:3]))  # fmt: skip
    figures.append(Figure("trickle", "server peak memory under the stream (process tree)",
                          float(memory.peak), "bytes", False))  # fmt: skip
    return figures


def _compaction(
    ctx: Context, store: Path, endpoint: Endpoint, subjects: tuple[list[str], list[str]],
    taken: int,
) -> list[Figure]:  # fmt: skip
    """The slowest query from a bulk-loaded batch answered from the summaries until the server
    published the compacted store (the batch's own follow, before, is noted apart)."""
    records = new_records(ctx.options.size, ctx.options.seed, taken, BULK_BATCH)
    path = ctx.workdir / "trickle-bulk.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    probe = _probe(endpoint, records[::-1])  # the newest: 400 may pass the query's LIMIT
    due = store / "compaction-due"
    clients = _clients(endpoint, subjects)
    stop = threading.Event()
    threads = [threading.Thread(target=client.run, args=(stop,)) for client in clients]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    visible = math.inf
    notes = []
    try:
        subprocess.run(_ingest_command(store, str(path)), cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
        _seen(endpoint, probe, started)
        visible = time.perf_counter()
        if due.exists():
            wait_for(lambda: not due.exists(), COMPACTION_LIMIT, "the compaction")
            compacted = time.perf_counter()
            notes.append(f"the batch of {BULK_BATCH} answered from the summaries "
                         f"{visible - started:.1f} s after the ingest began; compacted and "
                         f"published {compacted - visible:.1f} s after that")  # fmt: skip
            time.sleep(2.0)  # the first queries of the merged snapshot
        else:
            notes.append(f"the batch of {BULK_BATCH} did not mark the store for compaction")
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    during, before = _sent(clients, visible), _sent(clients, 0.0, visible)
    slow = sum(took > SLOW for took in during)
    notes.append(f"{slow} of {len(during):,} queries over {SLOW * 1000:.0f} ms"
                 + (": " + "; ".join(_slowest(clients, since=visible)) if slow else ""))  # fmt: skip
    if before:
        notes.append(f"before, while the batch was written and followed: {len(before):,} "
                     f"queries, the slowest {max(before) * 1000:.0f} ms")  # fmt: skip
    errors = clients[0].errors + clients[1].errors
    if errors:
        notes.append(f"{len(errors)} errors: {errors[0]}")
    return [Figure("trickle", "slowest query while the server compacts",
                   max(during, default=math.nan), "s", False, notes=notes)]  # fmt: skip
